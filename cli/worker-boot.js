// Worker threads start without the parent's TypeScript loader. From the sources (jest, ts-node) the
// worker script or the planted-bug module is TypeScript: register ts-node against this
// repository's tsconfig (not the caller's working directory) first. The built package's compiled
// JavaScript needs no loader, so ts-node is never required at run time there.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { workerData } = require('node:worker_threads');

/** ts-node against this repository's tsconfig when there is one (a checkout); the built package has none, so ts-node's defaults. */
function registerTsNode() {
  const project = join(__dirname, '..', 'tsconfig.json');
  require('ts-node').register({ transpileOnly: true, ...(existsSync(project) ? { project } : {}) });
}
if (workerData.script.endsWith('.ts') || (typeof workerData.bugModule === 'string' && workerData.bugModule.endsWith('.ts'))) {
  registerTsNode();
}
require(workerData.script);
