// The whole-run shrinker on real planted bugs (two fast ones; sim/bench-shrink.ts runs every bug):
// the shrunk run fails with the same property, has at most a quarter of the original's trace
// events, and its written trace replays byte for byte through `raftbed replay`.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBug } from '../sim/bugs/catalogue';
import { bugSimConfig } from '../sim/bugs/run';
import { runSeed } from '../sim/run-seed';
import { MemoryTrace } from '../trace/sink';
import { makeSimConfig } from '../sim/config';
import { candidates, caseConfig, disruptive, NotFailingError, shrinkCase } from '../sim/shrink';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-shrink-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A planted bug's failing seed (from `raftbed bugs`), with its generated plan made explicit. */
function failingRun(name: string, seed: number) {
  const bug = findBug(name);
  const config = bugSimConfig(bug, seed);
  return { bug, base: { ...config, faultPlan: runSeed(config, { bug }).faultPlan } };
}

describe.each([
  ['forget-vote-on-restart', 1],
  ['prevote-bumps-term', 1],
])('shrinking %s seed %d', (name, seed) => {
  it('keeps the property, cuts the events to a quarter or less, and the written trace replays byte for byte', async () => {
    const { bug, base } = failingRun(name, seed);
    const progress: number[] = [];
    const r = shrinkCase(base, { bug, maxAttempts: 400, onAttempt: (p) => progress.push(p.best.size.events) });
    expect(r.shrunk.violation.property).toBe(r.original.violation.property);
    expect(r.shrunk.size.events * 4).toBeLessThanOrEqual(r.original.size.events);
    expect(r.shrunk.size.faults).toBeLessThanOrEqual(r.original.size.faults);
    expect(r.attempts).toBe(progress.length);
    // The best size only ever goes down.
    expect(progress.every((e, k) => k === 0 || e <= progress[k - 1])).toBe(true);

    // Traced for real, the shrunk run ends at its own violation...
    const trace = new MemoryTrace(true);
    const v = runSeed(caseConfig(base, r.shrunk.case), { trace, bug }).violation!;
    expect(v).toMatchObject({ property: r.original.violation.property, eventIndex: r.shrunk.size.events - 1 });
    expect(trace.lines).toBe(r.shrunk.size.events);
    // ...and `raftbed replay` re-runs its trace file identically.
    const file = join(dir, `${name}.ndjson`);
    writeFileSync(file, trace.ndjson());
    const io = new CapturingIo();
    expect(await main(['replay', file], io)).toBe(1);
    // (The header may name another build; every event line must match.)
    expect(io.outLines[0]).toMatch(new RegExp(`^identical: ${trace.lines + 1} lines, sha256 [0-9a-f]{64}$`));
    expect(io.outLines[1]).toMatch(new RegExp(`^violation: ${v.property} at .* \\(trace event ${v.eventIndex}\\)`));
  });
});

describe('the shrinker refuses what it must', () => {
  it('a run that does not fail is not shrunk', () => {
    const base = makeSimConfig({ seed: 1, nodes: 3, durationMs: 300, faults: 'none' });
    const plan = runSeed(base).faultPlan;
    expect(() => shrinkCase({ ...base, faultPlan: plan })).toThrow(NotFailingError);
  });

  it('a run that breaks another property than the one asked for is not shrunk', () => {
    const { bug, base } = failingRun('forget-vote-on-restart', 1);
    expect(() => shrinkCase(base, { bug, property: 'ElectionSafety', maxAttempts: 5 })).toThrow(/breaks DurableStateRegressed, not ElectionSafety/);
    expect(shrinkCase(base, { bug, property: 'DurableStateRegressed', maxAttempts: 5 }).shrunk.violation.property).toBe('DurableStateRegressed');
  });

  it('a smaller cluster keeps only faults on its own nodes, and partitions lose the removed members', () => {
    const base = makeSimConfig({ seed: 3, nodes: 5, durationMs: 4000, faults: 'all' });
    const plan = runSeed(base).faultPlan;
    const fake = { case: { seed: 3, nodes: 5, durationMs: 4000, clients: 5, plan }, violation: { property: 'ElectionSafety' as const, detail: '', node: null, atMs: 1000, eventIndex: 0 }, size: { events: 0, faults: 0, operations: 0 } };
    const three = [...candidates(fake, 1000)].find((c) => c.dimension === 'nodes' && c.case.nodes === 3)!;
    const named = JSON.stringify(disruptive(three.case.plan));
    expect(named).not.toMatch(/n4|n5/);
    expect(disruptive(plan).length).toBeGreaterThan(disruptive(three.case.plan).length);
  });
});
