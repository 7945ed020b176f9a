// The simulator's promise: a seed determines the run, byte for byte. Checked within one process
// for every fault profile, across separate processes through the real CLI, and statically: no
// module under core/ or sim/ reads a clock, Math.random, timers or the environment.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Simulation } from './cluster/simulation';
import { makeSimConfig } from './config';
import { FAULT_PROFILES, type FaultProfileName } from './faults';
import { runSeed } from './run-seed';
import { MemoryTrace } from '../trace/sink';
import { scanSource } from './test-support/nondeterminism-scan';

const ROOT = join(__dirname, '..');

function traceHash(seed: number, faults: FaultProfileName, durationMs = 2_000): string {
  const trace = new MemoryTrace(false);
  new Simulation(makeSimConfig({ seed, faults, durationMs }), { trace }).run();
  return trace.digest();
}

describe('determinism within one process', () => {
  it.each(FAULT_PROFILES.map((p) => [p]))('profile %s: the same seed gives the same trace hash, another seed a different one', (faults) => {
    const a = traceHash(21, faults);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(traceHash(21, faults)).toBe(a);
    expect(traceHash(22, faults)).not.toBe(a);
  });
});

describe('determinism across processes (bin/raftbed run --hash)', () => {
  const runBin = promisify(execFile);
  // Each spawn costs a ts-node start-up (about 2.5 s of CPU), so three seeds on three profiles.
  const samples: readonly [number, FaultProfileName][] = [[3, 'all'], [8, 'crashes'], [13, 'swarm']];
  // The trace header names the git commit; other people commit to this tree while tests run, so
  // the CLI is kept from reading it (the hash then covers code and seed only).
  const env = { ...process.env, GIT_DIR: join(ROOT, '.no-such-git-dir') };
  const hashFromProcess = async (seed: number, faults: string) => {
    const { stdout } = await runBin(process.execPath, [join(ROOT, 'bin', 'raftbed'), 'run', '--seed', String(seed), '--hash', '--faults', faults, '--duration', '3000'], { env, cwd: ROOT });
    return stdout.trim();
  };

  it('gives one hash per seed in two processes, equal to the in-process run, and different hashes for different seeds', async () => {
    const hashes = await Promise.all(samples.flatMap(([seed, faults]) => [hashFromProcess(seed, faults), hashFromProcess(seed, faults)]));
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    samples.forEach(([seed, faults], k) => {
      const [first, second] = [hashes[2 * k], hashes[2 * k + 1]];
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(second).toBe(first);
      const trace = new MemoryTrace(false);
      runSeed(makeSimConfig({ seed, faults, durationMs: 3_000 }), { trace, version, commit: 'unknown' });
      expect(trace.digest()).toBe(first);
    });
    expect(new Set(samples.map((_, k) => hashes[2 * k])).size).toBe(samples.length);
  });
});

describe('no module under core/ or sim/ reads the clock, randomness, timers or the environment', () => {
  /** Benchmarks and the CLI measure wall time for humans; they are the documented exceptions. */
  const exempt = (path: string) => /\.test\.ts$/.test(path) || /bench/.test(path) || /cli/.test(path) || /(^|\/)progress\.ts$/.test(path);

  function modules(dir: string): string[] {
    const out: string[] = [];
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) out.push(...modules(path));
      else if (/\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
    }
    return out;
  }

  it('finds no forbidden reads in any non-exempt module', () => {
    const files = [...modules(join(ROOT, 'core')), ...modules(join(ROOT, 'sim'))].map((p) => relative(ROOT, p)).filter((p) => !exempt(p));
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain('sim/cluster/simulation.ts');
    const findings = files.flatMap((f) => scanSource(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(findings).toEqual([]);
  });

  it('the scan catches each forbidden read, and ignores comments, strings and look-alike members', () => {
    const planted = [
      'const a = Date.now();',
      'const b = Math.random();',
      'const c = performance.now();',
      'setTimeout(() => {}, 1);',
      'const timer = setInterval;',
      'const d = process.env.SEED;',
      "const e = process['env'];",
      'const f = new Date();',
      'globalThis.setTimeout(() => {}, 1);',
    ];
    const found = scanSource('planted.ts', planted.join('\n'));
    expect(found.map((x) => x.line)).toEqual(planted.map((_, k) => k + 1));
    const innocent = [
      '// Date.now() and Math.random() are banned here',
      "const s = 'pass a clock, e.g. () => performance.now()';",
      'const o = { setTimeout: 1 }; o.setTimeout; clock.now(); rng.random();',
      'class C { setInterval() {} }',
    ].join('\n');
    expect(scanSource('innocent.ts', innocent)).toEqual([]);
  });
});
