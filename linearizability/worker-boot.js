// Worker threads start without the parent's TypeScript loader. When the worker or the model it
// loads is TypeScript, compile .ts files on require: with esbuild when it is installed (a worker
// then starts in well under a second), else with ts-node against this repository's tsconfig
// (several seconds). Compiled JavaScript needs neither.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { workerData } = require('node:worker_threads');

/** ts-node against this repository's tsconfig when there is one (a checkout); the built package has none, so ts-node's defaults. */
function registerTsNode() {
  const project = join(__dirname, '..', 'tsconfig.json');
  require('ts-node').register({ transpileOnly: true, ...(existsSync(project) ? { project } : {}) });
}

function registerTypeScript() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    registerTsNode();
    return;
  }
  require.extensions['.ts'] = (module, filename) => {
    const source = readFileSync(filename, 'utf8');
    const { code } = esbuild.transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: 'inline' });
    module._compile(code, filename);
  };
}

if (workerData.script.endsWith('.ts') || workerData.source.module.endsWith('.ts')) registerTypeScript();
require(workerData.script);
