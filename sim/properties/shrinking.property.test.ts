// Shrinking works: properties that are made to fail on purpose must come back with a minimal
// counterexample (one fault), written to a plan file that replays the same failure.

import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseFaultPlan } from '../faults';
import type { PlantedBug } from '../bugs/types';
import { checkPlanProperty, disruptiveFaults, noSafetyViolation, runPlan, type PlanJudge, type PlanPropertyOptions } from '.';

const small: Omit<PlanPropertyOptions, 'name' | 'judge'> = {
  arb: { nodes: 3, durationMs: 2_000, quietFraction: 0.6, maxEpisodes: 8 },
  config: { nodes: 3, durationMs: 2_000, workload: { clients: 0 } },
  numRuns: 50,
  fcSeed: 424242,
  counterexampleDir: tmpdir(),
};

/** Figure 2 says votedFor is persistent; this node forgets it at every restart. */
const forgetsVote: PlantedBug = {
  name: 'test-forgets-vote',
  description: 'restarts with its term but without its vote',
  caughtBy: ['DurableStateRegressed', 'OneVotePerTerm', 'ElectionSafety'],
  restart: (durable) => ({ ...durable, votedFor: null }),
};

describe('shrinking', () => {
  it('shrinks a planted "restart forgets the vote" failure to a single crash, on a calm network', () => {
    const report = checkPlanProperty({ ...small, name: 'safety with a planted bug', judge: noSafetyViolation, bug: forgetsVote });
    expect(report.failed).toBe(true);
    expect(report.numShrinks).toBeGreaterThan(0);
    expect(report.failure).toMatch(/^(DurableStateRegressed|OneVotePerTerm|ElectionSafety):/);

    const { seed, plan } = report.counterexample!;
    const faults = disruptiveFaults(plan);
    const crashes = faults.filter((f) => f.kind === 'crash');
    expect(crashes).toHaveLength(1);
    // Nothing but that crash and, possibly, its own restart is left.
    expect(faults.every((f) => (f.kind === 'crash' || f.kind === 'restart') && f.node === (crashes[0] as { node: string }).node)).toBe(true);
    expect(plan.network).toMatchObject({ dropProbability: 0, duplicateProbability: 0, reorderProbability: 0 });

    // The printed plan file replays it, with the printed command's settings.
    const file = report.written!.file;
    expect(report.message).toContain(`plan: ${file}`);
    expect(report.written!.command).toMatch(new RegExp(`^raftbed replay --plan ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --seed ${seed} --nodes 3 --duration 2000 --clients 0$`));
    const replayed = parseFaultPlan(JSON.parse(readFileSync(file, 'utf8')), { nodes: ['n1', 'n2', 'n3'] });
    expect(replayed).toEqual(plan);
    expect(noSafetyViolation(runPlan(seed, replayed, small.config, { bug: forgetsVote }))).toBe(report.failure);
    // And the bug is the cause: the same plan is fine without it.
    expect(runPlan(seed, replayed, small.config).violation).toBeNull();
  });

  it('shrinks "n1 never crashes" to exactly one crash of n1', () => {
    const neverCrashesN1: PlanJudge = (o) => (o.faultPlan.schedule.some((f) => f.kind === 'crash' && f.node === 'n1') ? 'n1 crashed' : null);
    const report = checkPlanProperty({ ...small, numRuns: 100, name: 'n1 never crashes', judge: neverCrashesN1 });
    expect(report.failed).toBe(true);
    const faults = disruptiveFaults(report.counterexample!.plan);
    expect(faults.filter((f) => f.kind === 'crash')).toEqual([expect.objectContaining({ kind: 'crash', node: 'n1' })]);
    expect(faults.every((f) => f.kind === 'crash' || (f.kind === 'restart' && f.node === 'n1'))).toBe(true);
    expect(report.counterexample!.seed).toBe(0);
  });
});
