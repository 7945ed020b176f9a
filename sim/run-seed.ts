// One complete run: simulate, then judge the client history for linearizability. The CLI, the
// sweep workers, the property suites, scenarios and bug hunts all go through here, so they agree
// on a verdict.

import { Simulation, uncaughtViolation, type RunResult, type SimulationOptions } from './cluster/simulation';
import type { SimConfig } from './config';
import type { PlantedBug } from './bugs/types';
import type { TraceSink } from '../trace/sink';
import type { LinearizabilityResult } from '../linearizability';
import { judgeHistory } from './checkers/history';

export interface SeedOutcome extends RunResult {
  readonly linearizability: LinearizabilityResult | null;
}

export interface RunSeedOptions {
  readonly trace?: TraceSink;
  readonly bug?: PlantedBug;
  readonly version?: string;
  readonly commit?: string;
  /** Search budget per key; exhausting it yields "unknown", never a guess. */
  readonly maxSearchSteps?: number;
  /** Called with the simulation before it runs: scripts schedule their actions here. */
  readonly prepare?: (sim: Simulation) => void;
  /** Watches every protocol step (scripted scenarios). */
  readonly observe?: SimulationOptions['observe'];
}

export function runSeed(config: SimConfig, options: RunSeedOptions = {}): SeedOutcome {
  const sim = new Simulation(config, options);
  options.prepare?.(sim);
  const result = sim.run();
  if (result.violation !== null || !config.checkLinearizability) return { ...result, linearizability: null };
  const eventIndex = options.trace?.lines ?? 0;
  try {
    const { linearizability, violation } = judgeHistory(result, { maxSearchSteps: options.maxSearchSteps, eventIndex });
    return { ...result, linearizability, ...(violation !== null ? { violation } : {}) };
  } catch (e) {
    // The checker broke on this history: the seed fails, and says why, like any other violation.
    return { ...result, linearizability: null, violation: uncaughtViolation(e, result.simulatedMs, eventIndex) };
  }
}
