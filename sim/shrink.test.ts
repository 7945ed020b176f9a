// The shrinker's own parts: the pace it may slow, the event bound that cuts hopeless candidates
// short, and the fresh-seed rounds (cli/shrink.test.ts shrinks real planted bugs end to end).

import { findBug } from './bugs/catalogue';
import { bugSimConfig } from './bugs/run';
import { runSeed } from './run-seed';
import { MemoryTrace } from '../trace/sink';
import { candidates, caseConfig, caseOf, judgeCase, paceOf, shrinkCase, type SeedCursor } from './shrink';

/** A planted bug's failing seed (from `raftbed bugs`), with its generated plan made explicit. */
function failingRun(name: string, seed: number) {
  const bug = findBug(name);
  const config = bugSimConfig(bug, seed);
  const plan = runSeed(config, { bug }).faultPlan;
  return { bug, base: { ...config, faultPlan: plan }, plan };
}

const { bug, base, plan } = failingRun('accept-stale-term-responses', 1);
const original = judgeCase(base, caseOf(base, plan), bug)!;

describe('the pace', () => {
  it('starts as the base config\'s and, changed, is the config the run uses and its trace header records', () => {
    expect(paceOf(base)).toEqual({ tickMs: 10, electionTimeoutTicks: 3, heartbeatIntervalTicks: 1, thinkMeanMs: 20, attemptTimeoutMs: 150, operationTimeoutMs: 1000 });
    const slow = { ...original.case, pace: { tickMs: 25, electionTimeoutTicks: 5, heartbeatIntervalTicks: 2, thinkMeanMs: 70, attemptTimeoutMs: 400, operationTimeoutMs: 500 } };
    const config = caseConfig(base, slow);
    expect(config).toMatchObject({ tickMs: 25, raft: { electionTimeoutTicks: 5, heartbeatIntervalTicks: 2, preVote: false }, workload: { thinkMeanMs: 70, attemptTimeoutMs: 400, operationTimeoutMs: 500, clients: 5 } });
    const trace = new MemoryTrace(true);
    runSeed(config, { trace, bug });
    expect(JSON.parse(trace.text[0]).config).toMatchObject({ tickMs: 25, raft: { heartbeatIntervalTicks: 2 }, workload: { thinkMeanMs: 70 } });
  });

  it('is shrunk one setting at a time, only towards fewer events per simulated second, within core\'s rules', () => {
    const paced = [...candidates(original, 1000)].filter((c) => c.dimension === 'pace').map((c) => c.case.pace!);
    const from = original.case.pace!;
    const changed = (p: typeof from) => (Object.keys(from) as (keyof typeof from)[]).filter((k) => p[k] !== from[k]);
    expect(paced.length).toBeGreaterThan(10);
    for (const p of paced) {
      expect(changed(p)).toHaveLength(1);
      expect(p.heartbeatIntervalTicks).toBeLessThan(p.electionTimeoutTicks);
      expect(p.attemptTimeoutMs).toBeLessThanOrEqual(p.operationTimeoutMs);
    }
    const fields = new Set(paced.flatMap(changed));
    expect([...fields].sort()).toEqual(['attemptTimeoutMs', 'electionTimeoutTicks', 'heartbeatIntervalTicks', 'operationTimeoutMs', 'thinkMeanMs', 'tickMs'].filter((f) => f !== 'electionTimeoutTicks' || from.electionTimeoutTicks > from.heartbeatIntervalTicks + 1).sort());
    // Slower: longer ticks and think times, sparser heartbeats, shorter tails.
    expect(paced.filter((p) => p.tickMs !== from.tickMs).every((p) => p.tickMs > from.tickMs && p.tickMs <= 4 * from.tickMs)).toBe(true);
    expect(paced.filter((p) => p.thinkMeanMs !== from.thinkMeanMs).every((p) => p.thinkMeanMs > from.thinkMeanMs)).toBe(true);
    expect(paced.filter((p) => p.operationTimeoutMs !== from.operationTimeoutMs).every((p) => p.operationTimeoutMs < from.operationTimeoutMs)).toBe(true);
  });
});

describe('the event bound', () => {
  it('judges a candidate that needs more lines than the best case as no improvement, and one within it exactly as unbounded', () => {
    const lines = original.size.events;
    expect(judgeCase(base, original.case, bug, lines - 1)).toBeNull();
    expect(judgeCase(base, original.case, bug, lines)).toEqual(original);
  });
});

describe('fresh seeds', () => {
  it('an idle round tries only seeds never tried before: a quarter on the case, a quarter on its boldest candidates, half on combinations of them', () => {
    const cursor: SeedCursor = { next: 0, variant: 0 };
    const first = [...candidates(original, 1000, cursor, true)];
    const second = [...candidates(original, 1000, cursor, true)];
    for (const round of [first, second]) expect(round.every((c) => c.dimension.startsWith('seed'))).toBe(true);
    const seeds = [...first, ...second].map((c) => c.case.seed);
    expect(new Set(seeds).size).toBe(seeds.length);
    const unseeded = (c: { case: object }) => JSON.stringify({ ...c.case, seed: 0 });
    expect(first.filter((c) => c.dimension === 'seed').map(unseeded)).toEqual(Array(16).fill(unseeded(original)));
    // Single candidates: structural ones (the first of each dimension among them), under new seeds.
    const structural = new Set([...candidates(original, 1000)].filter((c) => !c.dimension.startsWith('seed')).map(unseeded));
    const singles = first.filter((_, k) => k % 4 === 1);
    expect(singles).toHaveLength(16);
    expect(singles.every((c) => structural.has(unseeded(c)))).toBe(true);
    expect(singles[0].dimension).toBe('seed, nodes');
    // Combinations: several changes at once, named; most differ from the case in more than one field.
    const combined = first.filter((_, k) => k % 4 >= 2);
    expect(combined).toHaveLength(32);
    const fieldsChanged = (c: (typeof combined)[number]) => {
      const paceChanged = Object.keys(original.case.pace!).filter((k) => (c.case.pace as never)[k] !== (original.case.pace as never)[k]).length;
      return paceChanged + (['clients', 'durationMs'] as const).filter((k) => c.case[k] !== original.case[k]).length;
    };
    expect(combined.filter((c) => c.dimension.includes(' + ') && fieldsChanged(c) >= 2).length).toBeGreaterThan(16);
    expect(combined.find((c) => c.dimension.includes('no clients'))?.case.clients).toBe(0);
  });
});

describe('a whole shrink', () => {
  it('reaches a quarter of the events of accept-stale-term-responses seed 1 within 2000 runs, and the result replays byte for byte', () => {
    const r = shrinkCase(base, { bug, maxAttempts: 2000 });
    expect(r.shrunk.violation.property).toBe('ElectionSafety');
    expect(r.shrunk.size.events * 4).toBeLessThanOrEqual(r.original.size.events);
    const config = caseConfig(base, r.shrunk.case);
    const a = new MemoryTrace(false);
    const b = new MemoryTrace(false);
    expect(runSeed(config, { trace: a, bug }).violation?.property).toBe('ElectionSafety');
    runSeed(config, { trace: b, bug });
    expect(a.digest()).toBe(b.digest());
    expect(a.lines).toBe(r.shrunk.size.events);
  });
});
