// Worker threads start without ts-node; register it, then load the TypeScript worker.
require('ts-node').register({ transpileOnly: true });
require(require('node:worker_threads').workerData.script);
