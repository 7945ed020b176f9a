// The shrinker's own parts: the pace it may slow, the event bound that cuts hopeless candidates
// short, and the fresh-seed rounds (cli/shrink.test.ts shrinks real planted bugs end to end).

import { findBug } from './bugs/catalogue';
import { bugSimConfig } from './bugs/run';
import { runSeed } from './run-seed';
import { MemoryTrace } from '../trace/sink';
import { candidates, caseConfig, caseOf, disruptive, judgeCase, paceOf, shrinkCase, simplerFaults, type SeedCursor } from './shrink';

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
    const changed = (p: typeof from) => ([...new Set([...Object.keys(from), ...Object.keys(p)])] as (keyof typeof from)[]).filter((k) => p[k] !== from[k]);
    expect(paced.length).toBeGreaterThan(10);
    for (const p of paced) {
      expect(changed(p)).toHaveLength(1);
      expect(p.heartbeatIntervalTicks).toBeLessThan(p.electionTimeoutTicks);
      expect(p.attemptTimeoutMs).toBeLessThanOrEqual(p.operationTimeoutMs);
    }
    const fields = new Set(paced.flatMap(changed));
    expect([...fields].sort()).toEqual(['attemptTimeoutMs', 'electionTimeoutTicks', 'heartbeatIntervalTicks', 'operationTimeoutMs', 'redirectPauseMs', 'thinkMeanMs', 'tickMs'].filter((f) => f !== 'electionTimeoutTicks' || from.electionTimeoutTicks > from.heartbeatIntervalTicks + 1).sort());
    // Slower: longer ticks and think times, sparser heartbeats, shorter tails.
    expect(paced.filter((p) => p.tickMs !== from.tickMs).every((p) => p.tickMs > from.tickMs && p.tickMs <= 4 * from.tickMs)).toBe(true);
    expect(paced.filter((p) => p.thinkMeanMs !== from.thinkMeanMs).every((p) => p.thinkMeanMs > from.thinkMeanMs)).toBe(true);
    expect(paced.filter((p) => p.operationTimeoutMs !== from.operationTimeoutMs).every((p) => p.operationTimeoutMs < from.operationTimeoutMs)).toBe(true);
    // Calmer retries: a longer pause after a redirect than the workload's 5 ms, up to the attempt timeout.
    const pauses = paced.filter((p) => p.redirectPauseMs !== undefined).map((p) => p.redirectPauseMs!);
    expect(pauses.length).toBeGreaterThan(3);
    expect(pauses.every((ms) => ms > 5 && ms <= from.attemptTimeoutMs)).toBe(true);
  });
});

describe('the operations', () => {
  it('are shrunk by a cap on how many are invoked and a later start, and the workload honours both and the retry pause', () => {
    const ops = [...candidates(original, 1000)].filter((c) => c.dimension === 'operations').map((c) => c.case.pace!);
    const caps = ops.filter((p) => p.maxOperations !== undefined).map((p) => p.maxOperations!);
    const starts = ops.filter((p) => p.startInvokingAtMs !== undefined).map((p) => p.startInvokingAtMs!);
    expect(caps[0]).toBe(0);
    expect(caps.every((n) => n < original.size.operations)).toBe(true);
    expect(starts[0]).toBe(Math.floor(original.violation.atMs));
    expect(starts.every((ms) => ms > 0 && ms <= original.violation.atMs)).toBe(true);
    // The run under each: at most the cap, nothing before the start, retries no sooner than the pause.
    const calm = caseConfig({ ...base, faultPlan: undefined, faults: 'none' }, { ...original.case, plan: { ...plan, schedule: [] }, pace: { ...original.case.pace!, maxOperations: 3, startInvokingAtMs: 400, redirectPauseMs: 40 } });
    const trace = new MemoryTrace(true);
    const run = runSeed(calm, { trace, bug: undefined });
    expect(run.history.length).toBe(3);
    expect(Math.min(...run.history.map((h) => h.invokeMs))).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(trace.text[0]).config.workload).toMatchObject({ maxOperations: 3, startInvokingAtMs: 400, redirectPauseMs: 40 });
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

describe('a shrink that needs fewer operations and calmer clients', () => {
  it('reaches a quarter of the events of truncate-on-stale-append seed 1 within 2000 runs (0.39 without the operations and retry-pause dimensions), and replays', () => {
    const run = failingRun('truncate-on-stale-append', 1);
    const r = shrinkCase(run.base, { bug: run.bug, maxAttempts: 2000 });
    expect(r.original.violation.property).toBe('CommitSurvivesElections');
    expect(r.shrunk.violation.property).toBe('CommitSurvivesElections');
    expect(r.shrunk.size.events * 4).toBeLessThanOrEqual(r.original.size.events);
    const config = caseConfig(run.base, r.shrunk.case);
    const a = new MemoryTrace(false);
    const b = new MemoryTrace(false);
    expect(runSeed(config, { trace: a, bug: run.bug }).violation?.property).toBe('CommitSurvivesElections');
    runSeed(config, { trace: b, bug: run.bug });
    expect(a.digest()).toBe(b.digest());
    expect(a.lines).toBe(r.shrunk.size.events);
  });
});

describe('membership operations', () => {
  const member = findBug('overlapping-conf-changes');
  const config = bugSimConfig({ ...member, trap: undefined }, 3);
  const membershipPlan = runSeed(config, { bug: member }).faultPlan;
  const judged = judgeCase({ ...config, faultPlan: membershipPlan }, caseOf(config, membershipPlan), member)!;

  it('are shrunk like every fault, and more: dropped, each moved sooner on its own, and a joint replace (two nodes named) made a single-server change', () => {
    const faults = disruptive(membershipPlan);
    const replaceAt = faults.findIndex((f) => f.kind === 'membership' && f.op === 'replace');
    expect(replaceAt).toBeGreaterThanOrEqual(0);
    expect(simplerFaults(faults[replaceAt])).toEqual([{ ...faults[replaceAt], op: 'removeNode' }, { ...faults[replaceAt], op: 'addLearner' }]);
    expect(simplerFaults({ atMs: 1, kind: 'crash', node: 'n1' })).toEqual([]);
    const all = [...candidates(judged, 1000)];
    const kinds = all.filter((c) => c.dimension === 'fault kinds').map((c) => disruptive(c.case.plan));
    // One fault changed per candidate, the others as they were.
    expect(kinds.some((fs) => fs.length === faults.length && fs.filter((f, k) => JSON.stringify(f) !== JSON.stringify(faults[k])).length === 1 && fs[replaceAt].kind === 'membership')).toBe(true);
    const moves = all.filter((c) => c.dimension === 'fault moves').map((c) => disruptive(c.case.plan).map((f) => f.atMs));
    const changes = faults.filter((f) => f.kind === 'membership').length;
    // Two moves for each change at least 2 ms after the fault before it (the divergent-configuration
    // episodes put theirs 1 ms after the split they follow: those stay where they are).
    const movable = faults.filter((f, k) => f.kind === 'membership' && f.atMs - (k === 0 ? 0 : faults[k - 1].atMs) >= 2).length;
    expect(movable).toBeGreaterThan(changes / 3);
    expect(moves.length).toBe(2 * movable);
    const times = faults.map((f) => f.atMs);
    for (const moved of moves) {
      const changed = moved.map((t, k) => (t !== times[k] ? k : -1)).filter((k) => k >= 0);
      expect(changed).toHaveLength(1);
      expect(faults[changed[0]].kind).toBe('membership');
      expect(moved.reduce((a, b) => a + b, 0)).toBeLessThan(times.reduce((a, b) => a + b, 0));
    }
    const membershipDropped = all.filter((c) => c.dimension === 'faults').some((c) => disruptive(c.case.plan).filter((f) => f.kind === 'membership').length < faults.filter((f) => f.kind === 'membership').length);
    expect(membershipDropped).toBe(true);
  });

  it('a random run (no trap) of overlapping-conf-changes shrinks to a quarter of its events with the same property, and replays byte for byte', () => {
    const base = { ...config, faultPlan: membershipPlan };
    const r = shrinkCase(base, { bug: member, maxAttempts: 600 });
    expect(r.original.violation.property).toBe('OneUncommittedConfig');
    expect(r.shrunk.violation.property).toBe('OneUncommittedConfig');
    expect(r.shrunk.size.events * 4).toBeLessThanOrEqual(r.original.size.events);
    expect(disruptive(r.shrunk.case.plan).some((f) => f.kind === 'membership')).toBe(true);
    const shrunk = caseConfig(base, r.shrunk.case);
    const a = new MemoryTrace(false);
    const b = new MemoryTrace(false);
    expect(runSeed(shrunk, { trace: a, bug: member }).violation?.property).toBe('OneUncommittedConfig');
    runSeed(shrunk, { trace: b, bug: member });
    expect(a.digest()).toBe(b.digest());
    expect(a.lines).toBe(r.shrunk.size.events);
  });
});
