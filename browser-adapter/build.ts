// The static files the introducer serves for the demo, the benchmark and the e2e tests:
// index.html + app.js (demo), todo.html + todo.js (the to-do demo), bench.html + bench.js, and simple-peer's own prebuilt bundle
// (loaded from a script tag: bundling simple-peer would need Node shims).
//
// From the sources they are bundled on demand with esbuild (a dev dependency), so an edit shows up
// on the next run. The published package ships them prebuilt (`npm run build` writes them beside the
// compiled build.js), so `raftbed demo` and `bench browser` need no bundler at run time.

import * as path from 'node:path';
import { existsSync, promises as fs } from 'node:fs';

export const DEFAULT_ASSET_DIR = path.join(__dirname, 'assets');

/** Every file the pages load; a prebuilt directory missing one of them is rebuilt (or refused). */
export const BROWSER_ASSET_FILES: readonly string[] = ['index.html', 'todo.html', 'bench.html', 'app.js', 'todo.js', 'bench.js', 'simplepeer.min.js'];

const RUNNING_COMPILED = __filename.endsWith('.js');

export class BrowserAssetsMissingError extends Error {
  override readonly name = 'BrowserAssetsMissingError';
}

/** Returns a directory holding BROWSER_ASSET_FILES: the prebuilt one in a built package, else a fresh esbuild bundle in `outDir`. */
export async function buildBrowserAssets(outDir: string = DEFAULT_ASSET_DIR): Promise<string> {
  if (RUNNING_COMPILED && outDir === DEFAULT_ASSET_DIR && BROWSER_ASSET_FILES.every((f) => existsSync(path.join(outDir, f)))) return outDir;
  const demo = path.join(__dirname, 'demo');
  const entries = { app: path.join(demo, 'main.ts'), todo: path.join(demo, 'todo-main.ts'), bench: path.join(demo, 'bench-main.ts') };
  if (!existsSync(entries.app)) {
    throw new BrowserAssetsMissingError(`the browser pages are not in ${outDir} and their sources are not here to bundle: rebuild the package (npm run build)`);
  }
  let esbuild: typeof import('esbuild');
  try {
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch {
    throw new BrowserAssetsMissingError('bundling the browser pages from their sources needs esbuild (a dev dependency): run npm install, or npm run build once');
  }
  await fs.mkdir(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: entries,
    outdir: outDir, bundle: true, format: 'iife', platform: 'browser', target: 'chrome110',
    sourcemap: true, minify: false, logLevel: 'silent',
  });
  await fs.copyFile(path.join(demo, 'index.html'), path.join(outDir, 'index.html'));
  await fs.copyFile(path.join(demo, 'todo.html'), path.join(outDir, 'todo.html'));
  await fs.copyFile(path.join(demo, 'bench.html'), path.join(outDir, 'bench.html'));
  await fs.copyFile(require.resolve('simple-peer/simplepeer.min.js'), path.join(outDir, 'simplepeer.min.js'));
  return outDir;
}
