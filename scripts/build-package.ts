// `npm run build`: the publishable package in dist/. tsc (tsconfig.build.json) compiles the library
// folders and the CLI to CommonJS with declarations; then the files tsc does not emit are copied
// beside the compiled code, at the same relative paths as in the sources, so every
// `__dirname`-relative path works from both: the TLA+ specs and configs, the viewer's page, the
// protocol's JSON schemas and core-node launcher, the plain-JavaScript worker boot scripts, and the
// browser pages bundled once here with esbuild (so `raftbed demo` needs no bundler at run time).
// The stamp written last tells bin/raftbed in a checkout whether dist/ is older than the sources.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { buildBrowserAssets } from '../browser-adapter/build';

const ROOT = join(__dirname, '..');

/** `--out DIR` builds elsewhere (the pack test does, leaving the checkout's dist/ to the tests that run it). */
function outDir(argv: readonly string[]): string {
  const at = argv.indexOf('--out');
  return at >= 0 && argv[at + 1] !== undefined ? resolve(argv[at + 1]) : join(ROOT, 'dist');
}

/** Run-time files tsc does not emit: [folder, which files, descend into subfolders]. */
const ASSETS: readonly (readonly [string, RegExp, boolean])[] = [
  ['tla', /\.(tla|cfg)$/, true],
  ['viewer/page', /\.(html|css|js)$/, false],
  ['protocol/schemas', /\.json$/, false],
  ['protocol/bin', /\.js$/, false],
  ['protocol', /^process-worker\.js$/, false],
  ['cli', /^worker-boot\.js$/, false],
  ['linearizability', /^worker-boot\.js$/, false],
];
const SKIPPED_DIRS = new Set(['testdata', '.tlc-jar', 'states', 'gen']);

function filesUnder(dir: string, pattern: RegExp, deep: boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return deep && !SKIPPED_DIRS.has(e.name) ? filesUnder(path, pattern, deep) : [];
    return pattern.test(e.name) ? [path] : [];
  });
}

export function copyAssets(dist: string): number {
  let copied = 0;
  for (const [folder, pattern, deep] of ASSETS) {
    for (const file of filesUnder(join(ROOT, folder), pattern, deep)) {
      const target = join(dist, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
      copied++;
    }
  }
  return copied;
}

async function main(argv: readonly string[]): Promise<void> {
  const started = Date.now();
  const dist = outDir(argv);
  rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { stdio: 'inherit', cwd: ROOT });
  const copied = copyAssets(dist);
  await buildBrowserAssets(join(dist, 'browser-adapter', 'assets'));
  // Dated when the build started: a source saved while tsc was running still counts as newer.
  const stamp = join(dist, '.build-stamp');
  writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
  utimesSync(stamp, started / 1000, started / 1000);
  process.stdout.write(`${relative(process.cwd(), dist) || '.'}/ built in ${((Date.now() - started) / 1000).toFixed(1)} s (${copied} asset files copied, browser pages bundled)\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`build failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
