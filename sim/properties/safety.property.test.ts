// Safety and linearizability over generated fault plans.
//
// RAFTBED_FC_RUNS sets the number of plans per property (default 40, a CI-sized run on 2 shared
// cores). A nightly run is one variable away, e.g. `RAFTBED_FC_RUNS=2000 npx jest sim/properties`.
// RAFTBED_FC_SEED changes fast-check's seed (default fixed, so CI runs are reproducible).
// Environment is read here, in the test file only: code under sim/ never reads it.

import { tmpdir } from 'node:os';
import { assertPlanProperty, linearizable, noSafetyViolation, type PlanPropertyOptions } from '.';

const numRuns = Number(process.env.RAFTBED_FC_RUNS ?? 40);
const fcSeed = Number(process.env.RAFTBED_FC_SEED ?? 20261122);

const common: Omit<PlanPropertyOptions, 'name' | 'judge'> = {
  // Faults for the first half; the quiet second half must bring back a leader (liveness is checked
  // at quietAfterMs + livenessLeaderBoundMs = the end of the run).
  arb: { nodes: 5, durationMs: 4_000, quietFraction: 0.5, maxEpisodes: 10 },
  config: { nodes: 5, durationMs: 4_000 },
  numRuns,
  fcSeed,
  counterexampleDir: tmpdir(),
};

describe('properties over generated fault plans', () => {
  it('the safety checker finds no violation under any fault plan', () => {
    const report = assertPlanProperty({ ...common, name: 'safety', judge: noSafetyViolation });
    expect(report.numRuns).toBe(numRuns);
  });

  it('every client history is linearizable under any fault plan', () => {
    const report = assertPlanProperty({ ...common, name: 'linearizability', judge: linearizable, fcSeed: fcSeed + 1 });
    expect(report.numRuns).toBe(numRuns);
  });
});
