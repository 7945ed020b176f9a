// Worker threads start without ts-node; register it against this repository's tsconfig (not
// the caller's working directory), then load the TypeScript worker.
const { join } = require('node:path');
require('ts-node').register({ transpileOnly: true, project: join(__dirname, '..', 'tsconfig.json') });
require(require('node:worker_threads').workerData.script);
