// One complete run: simulate, then judge the client history for linearizability. The CLI, the
// sweep workers, the property suites and replay all go through here, so they agree on a verdict.

import { Simulation, type RunResult, type Violation } from './cluster/simulation';
import type { SimConfig } from './config';
import type { PlantedBug } from './bugs/types';
import type { TraceSink } from './trace/sink';
import { checkLinearizability, type LinearizabilityResult } from './linearizability';

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
}

export function runSeed(config: SimConfig, options: RunSeedOptions = {}): SeedOutcome {
  const result = new Simulation(config, options).run();
  if (result.violation !== null || !config.checkLinearizability) return { ...result, linearizability: null };
  const linearizability = checkLinearizability(result.history, { maxSearchSteps: options.maxSearchSteps ?? 2_000_000 });
  if (linearizability.verdict !== 'violation') return { ...result, linearizability };
  const key = linearizability.violatingKeys[0];
  const failedOp = linearizability.perKey.get(key)?.failedOp;
  const violation: Violation = {
    property: 'Linearizability',
    detail: `key ${key}: operation ${failedOp ?? '?'} cannot be placed in any linearization`,
    node: null,
    atMs: result.simulatedMs,
    eventIndex: options.trace?.lines ?? 0,
  };
  return { ...result, violation, linearizability };
}
