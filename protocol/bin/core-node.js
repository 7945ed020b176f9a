#!/usr/bin/env node
// Core over the node protocol on stdin/stdout (NDJSON, lock-step); see docs/node-protocol.md.
//
// A simulated crash kills this process and a restart starts a new one, so start-up time matters:
// instead of ts-node (over a second of CPU per start), the TypeScript is bundled once with esbuild
// into .cache/protocol/, and rebuilt only when one of the bundled sources changed (their mtimes
// and sizes are kept beside the bundle). No build step to forget, and a restart costs ~0.1 s.
// In the built package (dist/protocol/bin/) the compiled core-stdio.js sits one folder up: it is
// loaded directly, with no bundler at run time.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const compiled = path.join(__dirname, '..', 'core-stdio.js');
if (fs.existsSync(compiled)) {
  require(compiled).main();
  return;
}

const root = path.join(__dirname, '..', '..');
const entry = path.join(root, 'protocol', 'core-stdio.ts');
const cacheDir = path.join(root, '.cache', 'protocol');
const bundlePath = path.join(cacheDir, 'core-node.js');
const metaPath = path.join(cacheDir, 'core-node.inputs.json');

function stamp(file) {
  const s = fs.statSync(file);
  return `${s.mtimeMs}:${s.size}`;
}

function cachedBundle() {
  try {
    const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8'));
    for (const [file, expected] of Object.entries(meta.inputs)) if (stamp(path.join(root, file)) !== expected) return null;
    return fs.readFileSync(bundlePath, 'utf8');
  } catch {
    return null;
  }
}

function build() {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, metafile: true, absWorkingDir: root, logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) inputs[file] = stamp(path.join(root, file));
  // Several nodes may start at once: write beside, then rename (atomic), so nobody reads half a file.
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${bundlePath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, bundlePath);
  fs.writeFileSync(`${metaPath}.${process.pid}.tmp`, JSON.stringify({ inputs }));
  fs.renameSync(`${metaPath}.${process.pid}.tmp`, metaPath);
  return code;
}

const code = cachedBundle() ?? build();
const bundle = new Module(bundlePath, module);
bundle.filename = bundlePath;
bundle.paths = Module._nodeModulePaths(path.join(root, 'protocol'));
bundle._compile(code, bundlePath);
bundle.exports.main();
