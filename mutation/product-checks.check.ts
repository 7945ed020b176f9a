// The product's own checks, as one jest file that Stryker runs against every mutant of core
// (mutation/jest.product.config.js; `npm test` does not pick it up). A mutant is killed when any
// of these fails: a bounded sweep under the safety, liveness and linearizability checkers (and the
// sweep's own check that the profile's faults happened), replay of spec behaviours against core's
// step (replay-spec), or TLA+ validation of a simulator trace. Everything is fixed by the budget
// (mutation/product-plan.ts): seeds, profiles and traces are constants, so verdicts repeat.
//
// Jest has no bail within a file, so after the first failure the remaining cases return at once:
// the mutant is already killed, and its run should not cost the whole budget.

import { makeSimConfig } from '../sim/config';
import { runSeed } from '../sim/run-seed';
import { missingCoverage } from '../sim/cluster/coverage';
import { replayBehaviour, formatDisagreement } from '../tla/replay-spec/replay';
import { simTrace } from '../cli/sim-traces';
import { validateTraceText } from '../tla/validate';
import { budgetFromEnv, productPlan, type SweepCell } from './product-plan';
import { cachedBehaviours } from './spec-behaviours';

const plan = productPlan(budgetFromEnv(process.env));
let firstFailure: string | null = null;

/** Runs a check unless an earlier one already failed; records and rethrows its failure. */
function check(body: () => void | Promise<void>): () => Promise<void> {
  return async () => {
    if (firstFailure !== null) return;
    try {
      await body();
    } catch (error) {
      firstFailure = error instanceof Error ? error.message : String(error);
      throw error;
    }
  };
}

const cellName = (c: SweepCell): string => `${c.faults}/${c.nodes} nodes`;

/** One run of the simulator, judged like `raftbed sweep` judges it. */
function runAndJudge(cell: SweepCell, seed: number, durationMs: number): void {
  const config = makeSimConfig({ seed, faults: cell.faults, nodes: cell.nodes, durationMs });
  const result = runSeed(config);
  if (result.violation !== null) {
    const v = result.violation;
    throw new Error(`${cellName(cell)} seed ${seed} (${durationMs} ms): ${v.property}: ${v.detail} (event ${v.eventIndex})`);
  }
  return void result;
}

/** Cells' coverage across the sweep: a profile whose faults never fired fails, as in `raftbed sweep`. */
const sweepCoverage = new Map<string, Record<string, number>>();

function runSweepSeed(cell: SweepCell, seed: number): void {
  const config = makeSimConfig({ seed, faults: cell.faults, nodes: cell.nodes, durationMs: plan.sweepDurationMs });
  const result = runSeed(config);
  if (result.violation !== null) {
    const v = result.violation;
    throw new Error(`${cellName(cell)} seed ${seed}: ${v.property}: ${v.detail} (event ${v.eventIndex})`);
  }
  const counts = sweepCoverage.get(cellName(cell)) ?? {};
  for (const [k, n] of Object.entries(result.coverage.counts)) counts[k] = (counts[k] ?? 0) + n;
  sweepCoverage.set(cellName(cell), counts);
}

function checkSweepCoverage(): void {
  for (const cell of [...plan.oneNodeCells, ...plan.cells]) {
    const missing = missingCoverage(cell.faults, (sweepCoverage.get(cellName(cell)) ?? {}) as Parameters<typeof missingCoverage>[1], cell.nodes);
    if (missing.length > 0) throw new Error(`${cellName(cell)}: faults never happened: ${missing.join(', ')}`);
  }
}

describe(`product checks (budget ${plan.budgetS} s)`, () => {
  it('smoke: one short run per cell', check(() => {
    for (const cell of [...plan.oneNodeCells, ...plan.cells]) runAndJudge(cell, 1, plan.smokeDurationMs);
  }));

  for (const run of plan.replaySpec) {
    it(`replay-spec: ${run.count} spec behaviours (seed ${run.seed}, preVote ${run.preVote}) replay on core`, check(async () => {
      const behaviours = await cachedBehaviours({ seed: run.seed, preVote: run.preVote, count: run.count, depth: run.depth });
      for (const behaviour of behaviours) {
        const replay = replayBehaviour(behaviour, { preVote: run.preVote, seed: run.seed });
        if (replay.disagreement) throw new Error(`replay-spec: ${formatDisagreement(replay.disagreement)}`);
      }
    }));
  }

  // The sweep's own check that each profile's faults (and promised inputs) happened runs inside the
  // last round's test case, not a case of its own: a case that only reads counters executes no core
  // code, so Stryker would report a mutant only it kills as NoCoverage. Stryker runs every case of
  // this suite against each covered mutant (stryker.config.mjs, coverageAnalysis 'all'), so the
  // check sees every round's runs.
  it(`sweep: seeds 2-${plan.oneNodeSeeds + 1} in every one-node cell`, check(() => {
    for (let seed = 2; seed <= plan.oneNodeSeeds + 1; seed++) for (const cell of plan.oneNodeCells) runSweepSeed(cell, seed);
  }));

  const seeds = Array.from({ length: plan.sweepSeedsPerCell }, (_, k) => k + 2);
  for (let from = 0; from < seeds.length; from += plan.seedsPerRound) {
    const round = seeds.slice(from, from + plan.seedsPerRound);
    const last = from + plan.seedsPerRound >= seeds.length;
    it(`sweep: seeds ${round[0]}-${round[round.length - 1]} in every cell${last ? ', then every profile\'s faults happened' : ''}`, check(() => {
      for (const seed of round) for (const cell of plan.cells) runSweepSeed(cell, seed);
      if (last) checkSweepCoverage();
    }));
  }

  for (const t of plan.tlcTraces) {
    it(`TLC trace validation: ${t.faults} seed ${t.seed}, 3 nodes, ${t.durationMs} ms`, check(async () => {
      const trace = simTrace({ seed: t.seed, faults: t.faults, durationMs: t.durationMs });
      if (trace.violation !== null) throw new Error(`traced run ${t.faults} seed ${t.seed}: ${trace.violation}`);
      const result = await validateTraceText(trace.text, { skipDiagnosis: true, timeoutMs: 60_000 });
      if (result.verdict !== 'pass') {
        const where = result.firstUnmatched ? ` at line ${result.firstUnmatched.line}: ${result.firstUnmatched.content.slice(0, 200)}` : '';
        throw new Error(`TLC trace validation ${t.faults} seed ${t.seed}: ${result.verdict}${where}${result.error ? `: ${result.error}` : ''}`);
      }
    }));
  }
});
