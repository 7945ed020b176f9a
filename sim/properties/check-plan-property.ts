// A property over fault plans, checked with fast-check: every generated (seed, plan) is simulated
// with runPlan and judged; a failure is shrunk, written to a plan file and reported with the
// command that replays it.

import fc from 'fast-check';
import type { PlantedBug } from '../bugs/types';
import { disruptiveFaults, planCaseArb, type PlanCase, type PlanCaseArbOptions } from './plan-case';
import { runPlan, type PlanConfig, type PlanOutcome } from './run-plan';
import { describeCounterexample, writeCounterexample, type WrittenCounterexample } from './counterexample';

/** Says what went wrong with one run, or null if the property held. */
export type PlanJudge = (outcome: PlanOutcome) => string | null;

export interface PlanPropertyOptions {
  readonly name: string;
  readonly judge: PlanJudge;
  /** Shape of the generated plans; nodes must match config.nodes. */
  readonly arb: PlanCaseArbOptions;
  readonly config?: PlanConfig;
  readonly bug?: PlantedBug;
  readonly numRuns: number;
  /** fast-check's seed: fixed in CI so a run is reproducible. */
  readonly fcSeed: number;
  /** Where a counterexample's plan file goes (tests pass os.tmpdir()). */
  readonly counterexampleDir: string;
}

export interface PlanPropertyReport {
  readonly failed: boolean;
  readonly numRuns: number;
  readonly numShrinks: number;
  /** The shrunk failing case, its verdict, and where it was written. */
  readonly counterexample: PlanCase | null;
  readonly failure: string | null;
  readonly written: WrittenCounterexample | null;
  /** A human-readable account (empty when the property held). */
  readonly message: string;
}

/** The safety checker ran clean. */
export const noSafetyViolation: PlanJudge = (o) => (o.violation && o.violation.property !== 'Linearizability' ? `${o.violation.property}: ${o.violation.detail}` : null);

/** The client history has a linearization (or the checker could not decide: never a guess). */
export const linearizable: PlanJudge = (o) => {
  if (o.violation?.property === 'Linearizability') return `Linearizability: ${o.violation.detail}`;
  if (o.linearizability?.verdict === 'violation') return `Linearizability: keys ${o.linearizability.violatingKeys.join(', ')}`;
  return null;
};

export function checkPlanProperty(opts: PlanPropertyOptions): PlanPropertyReport {
  if (opts.arb.nodes !== (opts.config?.nodes ?? opts.arb.nodes)) throw new RangeError(`plans name ${opts.arb.nodes} nodes but the config runs ${opts.config?.nodes}`);
  const run = (c: PlanCase) => opts.judge(runPlan(c.seed, c.plan, opts.config, { bug: opts.bug }));
  const details = fc.check(
    fc.property(planCaseArb(opts.arb), (c) => run(c) === null),
    { seed: opts.fcSeed, numRuns: opts.numRuns },
  );
  if (!details.failed || details.counterexample === null) {
    return { failed: false, numRuns: details.numRuns, numShrinks: 0, counterexample: null, failure: null, written: null, message: '' };
  }
  const [counterexample] = details.counterexample;
  let failure: string | null;
  try {
    failure = run(counterexample);
  } catch (e) {
    // The harness itself broke (not a property failure): report it the same way, with its plan.
    failure = `threw ${(e as Error).stack ?? String(e)}`;
  }
  const written = writeCounterexample(opts.counterexampleDir, counterexample.seed, counterexample.plan, opts.config);
  const message = [
    `property "${opts.name}" failed after ${details.numRuns} runs (fast-check seed ${opts.fcSeed}, path ${details.counterexamplePath}), shrunk ${details.numShrinks} times to:`,
    `  ${failure ?? '(the shrunk case passed when re-run: the failure is not deterministic)'}`,
    `  ${disruptiveFaults(counterexample.plan).length} faults before the quiet period at ${counterexample.plan.quietAfterMs} ms`,
    describeCounterexample(counterexample.seed, counterexample.plan).replace(/^/gm, '    '),
    `  plan: ${written.file}`,
    `  replay: ${written.command}${opts.bug ? `   # with the planted bug ${opts.bug.name}` : ''}`,
  ].join('\n');
  return { failed: true, numRuns: details.numRuns, numShrinks: details.numShrinks, counterexample, failure, written, message };
}

/** checkPlanProperty for CI: throws an Error carrying the counterexample report. */
export function assertPlanProperty(opts: PlanPropertyOptions): PlanPropertyReport {
  const report = checkPlanProperty(opts);
  if (report.failed) throw new Error(report.message);
  return report;
}
