// Builds the static files the introducer serves for the demo, the benchmark and the e2e tests:
// index.html + app.js (demo), todo.html + todo.js (the to-do demo), bench.html + bench.js, and simple-peer's own prebuilt bundle
// (loaded from a script tag: bundling simple-peer would need Node shims).

import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { build } from 'esbuild';

export const DEFAULT_ASSET_DIR = path.join(__dirname, 'dist');

export async function buildBrowserAssets(outDir: string = DEFAULT_ASSET_DIR): Promise<string> {
  await fs.mkdir(outDir, { recursive: true });
  const demo = path.join(__dirname, 'demo');
  await build({
    entryPoints: { app: path.join(demo, 'main.ts'), todo: path.join(demo, 'todo-main.ts'), bench: path.join(demo, 'bench-main.ts') },
    outdir: outDir, bundle: true, format: 'iife', platform: 'browser', target: 'chrome110',
    sourcemap: true, minify: false, logLevel: 'silent',
  });
  await fs.copyFile(path.join(demo, 'index.html'), path.join(outDir, 'index.html'));
  await fs.copyFile(path.join(demo, 'todo.html'), path.join(outDir, 'todo.html'));
  await fs.copyFile(path.join(demo, 'bench.html'), path.join(outDir, 'bench.html'));
  await fs.copyFile(require.resolve('simple-peer/simplepeer.min.js'), path.join(outDir, 'simplepeer.min.js'));
  return outDir;
}
