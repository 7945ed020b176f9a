// One simulation under an explicit fault plan. The property suites, the scripted scenarios and the
// CLI's `replay --plan` all run a plan through here, so a counterexample printed by a property
// replays with exactly the settings that found it.

import type { NodeOutput, StepInput } from '../../protocol/types';
import type { Simulation } from '../cluster/simulation';
import { makeSimConfig, type SimConfig } from '../config';
import type { FaultPlan } from '../faults';
import type { PlantedBug } from '../bugs/types';
import type { TraceSink } from '../../trace/sink';
import { runSeed, type SeedOutcome } from '../run-seed';

/**
 * The settings a plan runs under unless told otherwise. Only fields the CLI has flags for
 * (nodes, duration, clients) differ from DEFAULT_SIM_CONFIG, so every run here can be replayed
 * from the command line.
 */
export const PLAN_RUN_DEFAULTS: Readonly<Partial<SimConfig>> = Object.freeze({
  nodes: 5,
  durationMs: 4_000,
  workload: { ...makeSimConfig().workload, clients: 3 },
});

/** Overrides for a plan run; the workload may be given in part. */
export type PlanConfig = Partial<Omit<SimConfig, 'workload'>> & { readonly workload?: Partial<SimConfig['workload']> };

/** Called with every protocol step of every node, in order, before the simulator acts on its output. */
export type StepObserver = (node: string, input: StepInput, output: NodeOutput) => void;

export interface RunPlanOptions {
  readonly bug?: PlantedBug;
  readonly trace?: TraceSink;
  /** Runs once the simulation exists and before it starts: where scripts schedule their actions. */
  readonly prepare?: (sim: Simulation) => void;
  readonly observe?: StepObserver;
}

export type PlanOutcome = SeedOutcome;

/** The settings a run gets from the defaults and `config`, before a seed and plan are chosen. */
export function planRunSettings(config: PlanConfig = {}): SimConfig {
  return makeSimConfig({
    ...PLAN_RUN_DEFAULTS,
    ...config,
    workload: { ...(PLAN_RUN_DEFAULTS.workload as SimConfig['workload']), ...config.workload },
  });
}

/** The full SimConfig a plan runs under: defaults, then `config`, then the seed and the plan itself. */
export function planSimConfig(seed: number, plan: FaultPlan, config: PlanConfig = {}): SimConfig {
  return makeSimConfig({ ...planRunSettings(config), seed, faultPlan: plan });
}

/**
 * Runs `plan` with `seed` and judges safety (during the run) and linearizability (after it, unless
 * the config turns it off). A script's own exceptions (failed expectations) propagate.
 */
export function runPlan(seed: number, plan: FaultPlan, config: PlanConfig = {}, options: RunPlanOptions = {}): PlanOutcome {
  const simConfig = planSimConfig(seed, plan, config);
  return runSeed(simConfig, { trace: options.trace, bug: options.bug, prepare: options.prepare, observe: options.observe });
}
