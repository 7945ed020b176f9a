/**
 * Simulator traces for trace validation's tests and benchmark: one run, traced in memory.
 * Everything is determined by the arguments (the simulator reads no clock), so a test that names
 * a seed always validates the same trace.
 */
import { Simulation } from '../sim/cluster/simulation';
import { makeSimConfig, type SimConfig } from '../sim/config';
import { MemoryTrace } from '../trace/sink';
import type { PlantedBug } from '../sim/bugs/types';
import { bugSimConfig } from '../sim/bugs/run';

export interface SimTraceOptions {
  readonly seed: number;
  readonly faults: SimConfig['faults'];
  readonly durationMs: number;
  readonly nodes?: number;
  readonly clients?: number;
  readonly bug?: PlantedBug;
  /** Settings layered over the defaults (and over the bug's own), e.g. a snapshot interval. */
  readonly overrides?: Partial<SimConfig>;
}

export interface SimTrace {
  readonly text: string;
  /** Events in the trace (lines after the header). */
  readonly events: number;
  /** The simulator's own verdict, if it flagged something (the trace then ends there). */
  readonly violation: string | null;
}

export function simTrace(options: SimTraceOptions): SimTrace {
  const own = options.bug?.config ?? {};
  const config = makeSimConfig({
    ...own,
    ...options.overrides,
    seed: options.seed,
    faults: options.faults,
    durationMs: options.durationMs,
    nodes: options.nodes ?? 3,
    workload: { ...makeSimConfig().workload, ...own.workload, clients: options.clients ?? 2 },
    raft: { ...own.raft, ...options.overrides?.raft },
    ...(options.bug ? { bug: options.bug.name } : {}),
  });
  const trace = new MemoryTrace();
  const result = new Simulation(config, { trace, ...(options.bug ? { bug: options.bug } : {}) }).run();
  return {
    text: trace.ndjson(),
    events: trace.lines - 1,
    violation: result.violation === null ? null : `${result.violation.property}: ${result.violation.detail}`,
  };
}

/** The first `events` events of a trace (a prefix of a behaviour is a behaviour). */
export { tracePrefix } from '../tla/validate';

/**
 * A traced run of a planted bug under exactly the configuration its hunts use (bugSimConfig),
 * optionally shortened.
 */
export function bugTrace(bug: PlantedBug, seed: number, durationMs?: number): SimTrace {
  const config = bugSimConfig(bug, seed, durationMs === undefined ? {} : { durationMs });
  const trace = new MemoryTrace();
  const result = new Simulation(config, { trace, bug }).run();
  return {
    text: trace.ndjson(),
    events: trace.lines - 1,
    violation: result.violation === null ? null : `${result.violation.property}: ${result.violation.detail}`,
  };
}
