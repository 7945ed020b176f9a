// The published package, checked the way a user gets it: built into a scratch directory (the
// checkout's own dist/ belongs to the tests that run bin/raftbed), packed with `npm pack`, and
// installed into a fresh project without dev dependencies. That project then loads every entry
// point from CommonJS and from ESM, type-checks a file importing all of them under `strict`,
// `noUncheckedIndexedAccess` and `skipLibCheck: false` (and without @types/node), and runs the
// installed `raftbed` binary: --help, a sweep with worker threads, the demo's static pages, and the
// clear message `bench browser` gives when its optional peer playwright-core is absent.
//
// The install is offline and exact: the fresh project's lockfile is the checkout's lockfile cut
// down to raftbed's non-dev dependencies, so npm takes every tarball from its cache (tests reach
// nothing but 127.0.0.1), and a run-time dependency misfiled as a dev dependency is simply missing.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const execFileP = promisify(execFile);

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly files: readonly string[];
  readonly exports: Record<string, unknown>;
  readonly dependencies: Record<string, string>;
  readonly bin: Record<string, string>;
}
interface LockEntry {
  readonly dev?: boolean;
  readonly devOptional?: boolean;
}

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** Every entry point with a few of its exports that must be functions (classes count). */
const ENTRY_POINTS: Record<string, readonly string[]> = {
  raftbed: ['step', 'initialState'],
  'raftbed/core': ['step', 'initialState', 'makeConfig', 'validateMessage'],
  'raftbed/sim': ['Simulation', 'makeSimConfig', 'scenario', 'runSeed', 'generateFaultPlan', 'shrinkCase'],
  'raftbed/checkers': ['SafetyChecker', 'SafetyViolation'],
  'raftbed/trace': ['parseTrace', 'MemoryTrace', 'TraceFormatError'],
  'raftbed/linearizability': ['checkHistory', 'checkHistorySync', 'checkLinearizability', 'HistoryValidationError'],
  'raftbed/protocol': ['ProcessDriver', 'ConformanceMonitor', 'decodeOutput', 'CoreProtocolNode'],
  'raftbed/tla': ['runTlc', 'findTlcJar', 'validateTrace', 'parseTlaValue'],
  'raftbed/browser': ['createBrowserNode', 'sessioned', 'NodeAlreadyOpen'],
};

async function run(command: string, args: readonly string[], cwd: string, timeoutMs = 240_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileP(command, [...args], { cwd, timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, NODE_OPTIONS: '' } });
  } catch (e) {
    const { stdout, stderr, message } = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${message}\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** A lockfile for a project depending only on the tarball: raftbed's non-dev closure, copied from the checkout's lockfile. */
function consumerLock(tarballSpec: string): unknown {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { raftbed: tarballSpec } },
    'node_modules/raftbed': { version: PKG.version, resolved: tarballSpec, dependencies: PKG.dependencies, bin: PKG.bin },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev && !entry.devOptional) packages[path] = entry;
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** The first stdout line matching `pattern`, or a rejection with what was printed. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${seen}`)), timeoutMs);
    child.stderr?.on('data', (c: Buffer) => (seen += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      seen += c.toString();
      const m = pattern.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}; output:\n${seen}`)));
  });
}

describe('the npm package (npm pack, installed into a fresh project without dev dependencies)', () => {
  let work = '';
  let consumer = '';
  let installed = '';
  let packedFiles: string[] = [];
  const bin = () => join(consumer, 'node_modules', '.bin', 'raftbed');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'raftbed-pack-'));
    const stage = join(work, 'stage');
    await run(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'scripts', 'build-package.ts'), '--out', join(stage, 'dist')], ROOT);
    // Everything else `files` names, so npm pack applies the same list as it would in the checkout.
    cpSync(join(ROOT, 'package.json'), join(stage, 'package.json'));
    for (const entry of PKG.files) {
      if (entry.startsWith('!') || entry === 'dist') continue;
      mkdirSync(dirname(join(stage, entry)), { recursive: true });
      cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
    }
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage);
    const packed = (JSON.parse(stdout) as { filename: string; files: { path: string }[] }[])[0]!;
    packedFiles = packed.files.map((f) => f.path);
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    const spec = `file:../${packed.filename}`;
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { raftbed: spec } }));
    writeFileSync(join(consumer, 'package-lock.json'), JSON.stringify(consumerLock(spec)));
    await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], consumer);
    installed = join(consumer, 'node_modules', 'raftbed');
  }, 600_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('ships built JavaScript, declarations and run-time assets; no TypeScript sources, tests or build stamp', () => {
    for (const f of ['dist/core/index.js', 'dist/core/index.d.ts', 'dist/cli/main.js', 'dist/cli/worker-boot.js', 'dist/cli/sweep-worker.js', 'dist/cli/bench-browser.js',
      'dist/linearizability/worker-boot.js', 'dist/protocol/process-worker.js', 'dist/protocol/bin/core-node.js', 'dist/protocol/schemas/input.json',
      'dist/tla/Raft.tla', 'dist/tla/MCRaft.cfg', 'dist/tla/trace/TraceRaft.tla', 'dist/viewer/page/page.html', 'dist/browser-adapter/assets/app.js',
      'dist/browser-adapter/assets/index.html', 'dist/browser-adapter/assets/simplepeer.min.js', 'bin/raftbed', 'README.md', 'docs/node-protocol.md', 'protocol/schemas/input.json', 'package.json']) {
      expect(packedFiles).toContain(f);
    }
    expect(packedFiles.filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || /\.test\.|test-support|testdata|\/testing\//.test(f) || f.endsWith('.build-stamp'))).toEqual([]);
    expect(packedFiles.filter((f) => !/^(dist\/|bin\/raftbed$|README\.md$|docs\/[\w-]+\.md$|protocol\/schemas\/\w+\.json$|package\.json$)/.test(f))).toEqual([]);
  });

  it('resolves every relative require in the installed dist/ (the CLI loads its commands lazily, out of tsc\'s sight)', () => {
    const missing: string[] = [];
    for (const file of filesUnder(join(installed, 'dist')).filter((f) => f.endsWith('.js') && !f.includes('browser-adapter/assets'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/require\(["'](\.{1,2}\/[^"']+)["']\)/g)) {
        const base = join(dirname(file), m[1]!);
        if (![base, `${base}.js`, `${base}.json`, join(base, 'index.js')].some((c) => existsSync(c))) missing.push(`${relative(installed, file)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('loads every entry point from CommonJS', async () => {
    const script = `const want = ${JSON.stringify(ENTRY_POINTS)};
      for (const [entry, names] of Object.entries(want)) {
        const m = require(entry);
        for (const n of names) if (typeof m[n] !== 'function') throw new Error(entry + ' lacks ' + n);
      }
      if (require('raftbed/protocol/schemas/input.json').$schema === undefined) throw new Error('no input schema');
      console.log(require('raftbed/package.json').name, typeof require('raftbed/core').step);`;
    writeFileSync(join(consumer, 'check.cjs'), script);
    expect((await run(process.execPath, ['check.cjs'], consumer)).stdout.trim()).toBe('raftbed function');
  });

  it('loads every entry point from ESM, with named imports', async () => {
    const lines = Object.entries(ENTRY_POINTS).map(([entry, names], k) => `import { ${names.map((n) => `${n} as e${k}_${n}`).join(', ')} } from '${entry}';`);
    const all = Object.entries(ENTRY_POINTS).flatMap(([, names], k) => names.map((n) => `e${k}_${n}`));
    writeFileSync(join(consumer, 'check.mjs'), `${lines.join('\n')}\nconsole.log(JSON.stringify(Object.entries({ ${all.join(', ')} }).filter(([, f]) => typeof f !== 'function').map(([n]) => n)));\n`);
    expect((await run(process.execPath, ['check.mjs'], consumer)).stdout.trim()).toBe('[]');
  });

  it('type-checks a TypeScript consumer under strict, noUncheckedIndexedAccess and skipLibCheck false (node16 and node10 resolution, no @types/node)', async () => {
    const source = [
      ...Object.entries(ENTRY_POINTS).map(([entry], k) => `import * as e${k} from '${entry}';`),
      "import { step, initialState, makeConfig, type RaftState } from 'raftbed/core';",
      "import { scenario, type SimConfig } from 'raftbed/sim';",
      "import { checkHistory, type LinearizabilityResult } from 'raftbed/linearizability';",
      'const state: RaftState = initialState(makeConfig({ clusterId: "c", id: "n1", cluster: { voters: ["n1", "n2", "n3"] }, seed: 1 }));',
      'export const used = [step, state, scenario, checkHistory, ' + Object.keys(ENTRY_POINTS).map((_, k) => `e${k}`).join(', ') + '];',
      'export type Shapes = [SimConfig, LinearizabilityResult];',
    ].join('\n');
    writeFileSync(join(consumer, 'consumer.mts'), source);
    writeFileSync(join(consumer, 'consumer.ts'), source);
    // The README's library examples, each its own module, so the documentation cannot drift from the declarations.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = /<!-- library-examples:begin -->([\s\S]*)<!-- library-examples:end -->/.exec(readme)?.[1] ?? '';
    const examples = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(4);
    examples.forEach((text, k) => writeFileSync(join(consumer, `readme-${k}.mts`), text.includes('export ') ? text : `${text}export {};\n`));
    const strict = { strict: true, noUncheckedIndexedAccess: true, skipLibCheck: false, target: 'ES2022', noEmit: true, types: [] };
    writeFileSync(join(consumer, 'tsconfig.node16.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16' }, files: ['consumer.mts', ...examples.map((_, k) => `readme-${k}.mts`)] }));
    writeFileSync(join(consumer, 'tsconfig.node10.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'commonjs', moduleResolution: 'node10' }, files: ['consumer.ts'] }));
    await run(process.execPath, [TSC, '-p', 'tsconfig.node16.json'], consumer);
    await run(process.execPath, [TSC, '-p', 'tsconfig.node10.json'], consumer);
  }, 180_000);

  it('runs the installed raftbed binary: --help, and a sweep on worker threads', async () => {
    expect((await run(bin(), ['--help'], consumer)).stdout).toMatch(/usage: raftbed[\s\S]*sweep/i);
    const sweep = await run(bin(), ['sweep', '--seeds', '2', '--faults', 'all', '--workers', '2'], consumer);
    expect(sweep.stdout).toContain('violations: none');
  }, 180_000);

  it('serves the demo pages without a bundler (esbuild is a dev dependency)', async () => {
    expect(existsSync(join(consumer, 'node_modules', 'esbuild'))).toBe(false);
    const child = spawn(bin(), ['demo', '--port', '0'], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const m = await waitForLine(child, /introducer on (http:\/\/[^\s]+?)\/? /, 60_000);
      for (const page of ['index.html', 'todo.html', 'app.js', 'simplepeer.min.js']) {
        const res = await httpGet(`${m[1]!.replace(/\/$/, '')}/${page}`);
        expect([page, res.status]).toEqual([page, 200]);
        expect(res.body.length).toBeGreaterThan(100);
      }
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  }, 120_000);

  it('names the missing optional peer when `bench browser` runs without playwright-core', async () => {
    expect(existsSync(join(consumer, 'node_modules', 'playwright-core'))).toBe(false);
    const attempt = run(bin(), ['bench', 'browser', '--duration', '0.5'], consumer);
    await expect(attempt).rejects.toThrow(/needs playwright-core.*npm install playwright-core/);
  });

  it('can fail: an exports entry pointing at a missing file breaks the CommonJS check', async () => {
    const pkgPath = join(installed, 'package.json');
    const original = readFileSync(pkgPath, 'utf8');
    const broken = JSON.parse(original) as PackageJson;
    (broken.exports as Record<string, { default: string }>)['./core']!.default = './dist/core/no-such-file.js';
    writeFileSync(pkgPath, JSON.stringify(broken));
    try {
      await expect(run(process.execPath, ['check.cjs'], consumer)).rejects.toThrow(/Cannot find module/);
    } finally {
      writeFileSync(pkgPath, original);
    }
  });
});
