// What the product's own checks run for one mutant, derived from a per-mutant budget in seconds.
// The plan is a pure function of the budget, so a budget names a fixed set of seeds: two runs of
// the same mutant with the same budget run the same checks and reach the same verdict. Seconds are
// turned into seed counts with a calibration measured once (docs/mutation.md), never with a clock.

import type { FaultProfileName } from '../sim/faults';

export interface SweepCell {
  readonly faults: FaultProfileName;
  readonly nodes: number;
}

export interface TraceToValidate {
  readonly seed: number;
  readonly faults: FaultProfileName;
  readonly durationMs: number;
}

export interface ReplaySpecRun {
  readonly seed: number;
  readonly preVote: boolean;
  readonly count: number;
  readonly depth: number;
}

export interface ProductPlan {
  readonly budgetS: number;
  /** Every sweep runs in each of these cells (the profiles and cluster sizes the issue names). */
  readonly cells: readonly SweepCell[];
  /** One-node clusters (a pre-candidate that is its own quorum): cheap runs, a few seeds each. */
  readonly oneNodeCells: readonly SweepCell[];
  /** Seeds 2..oneNodeSeeds+1 in each one-node cell, at the sweep's run length, before the sweep. */
  readonly oneNodeSeeds: number;
  /** A first, short run per cell: catches the grossly broken mutants in well under a second. */
  readonly smokeDurationMs: number;
  /** Seeds 2..sweepSeedsPerCell+1 in every cell, at the product's default run length. */
  readonly sweepSeedsPerCell: number;
  readonly sweepDurationMs: number;
  /** Seeds per test case: cells are interleaved in rounds of this many seeds, so a mutant any cell catches is caught early. */
  readonly seedsPerRound: number;
  readonly replaySpec: readonly ReplaySpecRun[];
  readonly tlcTraces: readonly TraceToValidate[];
}

export const DEFAULT_BUDGET_S = 60;
export const BUDGET_ENV = 'RAFTBED_MUTATION_BUDGET_S';

export const CELLS: readonly SweepCell[] = Object.freeze(
  (['all', 'swarm', 'partitions', 'crashes'] as const).flatMap((faults) => [3, 5].map((nodes) => ({ faults, nodes }))),
);

/**
 * A one-node cluster sends no message, so only faults of the node itself reach it (crashes, pauses,
 * clocks, disks: `all`), and swarm draws core's options (PreVote off, lease reads) over it. Its
 * runs cost a few milliseconds each, so they fit in the fixed costs below.
 */
export const ONE_NODE_CELLS: readonly SweepCell[] = Object.freeze((['all', 'swarm'] as const).map((faults) => ({ faults, nodes: 1 })));
export const ONE_NODE_SEEDS = 3;

/**
 * Fixed costs of one mutant's check run on an idle core (measured; docs/mutation.md): jest start
 * and module load, two TLC trace validations, replay of cached spec behaviours. The sweep gets the
 * rest of the budget.
 */
export const FIXED_COST_S = 14;
/** Seeds (10 s simulated each, across the 8 cells) one core runs per second of budget, measured. */
export const SWEEP_SEEDS_PER_S = 10;

export class BudgetError extends Error {
  override readonly name = 'BudgetError';
}

/**
 * Below this the sweep has too few seeds for its own check that each profile's faults happened
 * (with one seed per cell, swarm/5 drew no transfer request), and the unmutated code would fail.
 */
export const MIN_BUDGET_S = 20;

export function productPlan(budgetS: number = DEFAULT_BUDGET_S): ProductPlan {
  if (!Number.isFinite(budgetS) || budgetS < MIN_BUDGET_S) throw new BudgetError(`budget must be at least ${MIN_BUDGET_S} seconds, got ${budgetS}`);
  const sweepS = budgetS - FIXED_COST_S;
  const sweepSeedsPerCell = Math.max(1, Math.floor((sweepS * SWEEP_SEEDS_PER_S) / CELLS.length));
  return {
    budgetS,
    cells: CELLS,
    oneNodeCells: ONE_NODE_CELLS,
    oneNodeSeeds: ONE_NODE_SEEDS,
    smokeDurationMs: 3_000,
    sweepSeedsPerCell,
    sweepDurationMs: 10_000,
    seedsPerRound: 5,
    replaySpec: [
      { seed: 1, preVote: true, count: 25, depth: 30 },
      { seed: 2, preVote: false, count: 25, depth: 30 },
    ],
    tlcTraces: [
      { seed: 1, faults: 'all', durationMs: 700 },
      { seed: 2, faults: 'crashes', durationMs: 700 },
    ],
  };
}

export function budgetFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env[BUDGET_ENV];
  if (raw === undefined || raw === '') return DEFAULT_BUDGET_S;
  const budgetS = Number(raw);
  if (!Number.isFinite(budgetS)) throw new BudgetError(`${BUDGET_ENV} must be a number of seconds, got ${JSON.stringify(raw)}`);
  return budgetS;
}
