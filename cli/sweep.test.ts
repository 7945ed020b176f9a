// An exception in one seed of a sweep is that seed's failure (UncaughtException, with its message,
// first stack frames, event index and replay command); the sweep goes on and reports every other
// seed. Checked in the worker threads (a refused disk write, a worker that dies) and in-process.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepReport } from './cmd-sweep';
import { main } from './main';
import { runInWorkers } from './sweep-pool';
import { summarizeSeed } from './sweep-seed';
import { makeSimConfig } from '../sim/config';
import { CapturingIo } from './test-support/capturing-io';
import { parseTrace } from '../trace/read';
import type { PlantedBug } from '../sim/bugs/types';

const PLANTS = join(__dirname, '..', 'sim', 'test-support', 'sweep-plants');
const clock = () => 0;

/** `raftbed sweep ARGV` through main, with the test's clock and planted harness fault. */
const sweepCommand = (argv: string[], io: CapturingIo, now: () => number, hooks: { bugModule?: string } = {}) => main(['sweep', ...argv], io, { now, sweepBugModule: hooks.bugModule });
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-sweep-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const SHORT = ['--faults', 'none', '--nodes', '3', '--duration', '1500'];

describe('sweep: an exception is one seed\'s failure', () => {
  it('a refused disk write on even seeds: those seeds fail with the error and a replay, the odd ones pass', async () => {
    const io = new CapturingIo();
    const code = await sweepCommand(['--seeds', '4', ...SHORT, '--workers', '2', '--json', '--out', join(dir, 'refused')], io, clock, { bugModule: join(PLANTS, 'refused-disk-write.ts') });
    const report = JSON.parse(io.stdout) as SweepReport;
    expect(code).toBe(1);
    expect(report.runs).toBe(4);
    expect(report.linearizability).toEqual({ ok: 2, unknown: 0, violation: 0, skipped: 2 });
    expect(report.violations.map((v) => [v.seed, v.property])).toEqual([[2, 'UncaughtException'], [4, 'UncaughtException']]);
    for (const v of report.violations) {
      expect(v.detail).toMatch(/^DiskWriteError: persist record seq=\d+: seqNotIncreasing/);
      // The traced re-run points at the event; frames name repository files, not this machine's paths.
      expect(v.eventIndex).toBeGreaterThan(0);
      expect(v.frames![0]).toMatch(/^at SimDisk\.write \(sim\/storage\/disk\.ts:\d+:\d+\)$/);
      expect(v.frames!.join('\n')).not.toContain(dir);
      expect(existsSync(v.trace)).toBe(true);
      // The last event (the End line after it says the trace is complete).
      const last = parseTrace(readFileSync(v.trace, 'utf8')).events.at(-1);
      expect(last).toMatchObject({ ev: 'Violation', property: 'UncaughtException', detail: v.detail });
      expect(v.replay).toBe(`raftbed replay ${v.trace}   # or: raftbed run --seed ${v.seed} --faults none --nodes 3 --duration 1500`);
    }
  });

  it('prints each failing seed with its frames and replay command', async () => {
    const io = new CapturingIo();
    const code = await sweepCommand(['--seeds', '2', ...SHORT, '--workers', '1', '--out', join(dir, 'text')], io, clock, { bugModule: join(PLANTS, 'refused-disk-write.ts') });
    expect(code).toBe(1);
    const text = io.stdout;
    expect(text).toMatch(/raftbed sweep: 2 runs, profile none/);
    expect(text).toMatch(/ {2}VIOLATIONS: 1\n {4}seed 2: UncaughtException at trace event \d+: DiskWriteError: /);
    expect(text).toMatch(/\n {6}at SimDisk\.write \(sim\/storage\/disk\.ts:\d+:\d+\)\n/);
    expect(text).toMatch(/\n {6}replay: raftbed replay .*seed-2\.ndjson/);
  });

  it('a worker thread that dies fails only the seed it was running; a new worker takes the rest', async () => {
    const base = makeSimConfig({ seed: 1, faults: 'none', nodes: 3, durationMs: 1_500 });
    const seen: number[] = [];
    const summaries = await runInWorkers(base, [1, 2, 3, 4], { workers: 1, bugModule: join(PLANTS, 'worker-exit.ts'), onResult: (s) => seen.push(s.seed) });
    expect(summaries.map((s) => s.seed)).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([1, 2, 3, 4]);
    const dead = summaries[1];
    expect(dead).toMatchObject({ seed: 2, workerDied: true, events: 0, violation: { property: 'UncaughtException', detail: 'the worker thread running this seed died: it exited with code 7' } });
    for (const s of [summaries[0], summaries[2], summaries[3]]) {
      expect(s.violation).toBeNull();
      expect(s.events).toBeGreaterThan(1000);
    }
  });

  it('in-process: a seed whose simulation cannot even be built is summarised, not thrown', () => {
    const unbuildable: PlantedBug = {
      name: 'test-unbuildable', description: 'its step factory throws', caughtBy: ['UncaughtException'],
      step: () => {
        throw new TypeError('no step for you');
      },
    };
    const s = summarizeSeed(makeSimConfig({ faults: 'none', nodes: 3, durationMs: 1_000 }), 9, unbuildable, () => 0n);
    expect(s).toMatchObject({ seed: 9, events: 0, availability: null, violation: { property: 'UncaughtException', detail: 'TypeError: no step for you', eventIndex: -1 } });
    expect(s.violation!.frames!.length).toBeGreaterThan(0);
  });
});
