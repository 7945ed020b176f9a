// Reading a simulator trace to re-run it (replay, shrink). The whole file is checked first,
// line by line without holding it (complete, End line hash matching), then its header becomes
// the exact config that produced it, after bounds that keep an edited header from asking for a
// run of unbounded cost. Every problem is a typed error, exit 2.

import { makeSimConfig, SimConfigError, type SimConfig } from '../sim/config';
import { parseFaultPlan } from '../sim/faults';
import type { TraceEnd, TraceHeader } from '../trace/format';
import { TraceFormatError } from '../trace/read';
import { checkTraceFile } from '../trace/read-file';
import { CliUsageError } from './errors';

/** A header value outside what any real run writes; `field` names it as the header spells it. */
export class TraceHeaderError extends TraceFormatError {
  override readonly name: string = 'TraceHeaderError';
  constructor(readonly field: string, message: string) {
    super(0, `header.${field} ${message}`);
  }
}

/** The longest run replay accepts: one simulated day (its trace would be terabytes). */
export const MAX_TRACED_DURATION_MS = 86_400_000;

interface Bound {
  readonly min?: number;
  readonly max?: number;
  readonly why: string;
}

/**
 * Bounds on the header settings that scale a run's cost. Generous for real runs (the CLI's
 * defaults are far inside them); a header outside them was edited or damaged.
 */
export const HEADER_BOUNDS: Readonly<Record<string, Bound>> = {
  'config.seed': { min: 0, max: Number.MAX_SAFE_INTEGER, why: 'a seed is a non-negative safe integer' },
  'config.nodes': { min: 1, max: 9, why: 'raftbed simulates 1 to 9 nodes' },
  'config.durationMs': { min: 100, max: MAX_TRACED_DURATION_MS, why: 'one simulated day: its trace would be terabytes' },
  'config.tickMs': { min: 1, max: 60_000, why: 'shorter ticks multiply the steps per simulated second' },
  'config.fsyncMaxMs': { min: 0, max: 60_000, why: 'a minute per fsync' },
  'config.snapshotEveryEntries': { min: 1, max: 1_000_000, why: 'a million entries per snapshot' },
  'config.livenessLeaderBoundMs': { min: 1, max: 86_400_000, why: 'one simulated day' },
  'config.livenessOperationBoundMs': { min: 1, max: 86_400_000, why: 'one simulated day' },
  'config.workload.clients': { min: 0, max: 1_000, why: 'raftbed simulates at most 1000 clients' },
  'config.workload.keys': { min: 1, max: 1_000_000, why: 'a million keys' },
  'config.workload.thinkMeanMs': { min: 0.1, max: 86_400_000, why: 'shorter think times multiply the operations per simulated second' },
  'config.workload.redirectPauseMs': { min: 0.1, max: 86_400_000, why: 'shorter retry pauses multiply the attempts per simulated second' },
  'config.raft.electionTimeoutTicks': { min: 1, max: 100_000, why: 'ticks per election timeout' },
  'config.raft.heartbeatIntervalTicks': { min: 1, max: 100_000, why: 'ticks per heartbeat' },
  'config.raft.snapshotChunkBytes': { min: 1, max: 1 << 30, why: 'a chunk of at most 1 GiB' },
};

function valueAt(root: unknown, path: string): unknown {
  let v = root;
  for (const key of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/** Throws TraceHeaderError for the first header setting out of its bound (absent settings take defaults). */
export function checkHeaderBounds(header: TraceHeader): void {
  if (typeof header.config !== 'object' || header.config === null) throw new TraceHeaderError('config', 'is missing: a simulator trace records its config');
  for (const [field, bound] of Object.entries(HEADER_BOUNDS)) {
    const value = valueAt(header, field);
    if (value === undefined) continue;
    const low = bound.min ?? -Infinity;
    const high = bound.max ?? Infinity;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < low || value > high) {
      throw new TraceHeaderError(field, `is ${JSON.stringify(value)}, outside ${low} to ${high} (${bound.why}): the header was edited or damaged`);
    }
  }
  const nodes = valueAt(header, 'config.nodes');
  if (nodes !== undefined && header.nodes.length !== nodes) {
    throw new TraceHeaderError('nodes', `lists ${header.nodes.length} nodes, but header.config.nodes is ${JSON.stringify(nodes)}`);
  }
}

export interface RecordedSimTrace {
  readonly config: SimConfig;
  readonly header: TraceHeader;
  readonly end: TraceEnd;
}

/** Checks the trace file at `path` whole and rebuilds the config that produced it. */
export function openSimTrace(path: string): RecordedSimTrace {
  let checked: { header: TraceHeader; end: TraceEnd };
  try {
    checked = checkTraceFile(path);
  } catch (e) {
    if (typeof (e as NodeJS.ErrnoException).code === 'string') throw new CliUsageError(`cannot read ${path}: ${(e as Error).message}`);
    throw e;
  }
  const { header, end } = checked;
  if (header.source !== 'sim') throw new CliUsageError(`${path} comes from ${header.source}, not the simulator: nothing to re-run`);
  checkHeaderBounds(header);
  try {
    const config = makeSimConfig({ ...(header.config as SimConfig), faultPlan: parseFaultPlan(header.faultPlan, { nodes: header.nodes }) });
    return { config, header, end };
  } catch (e) {
    if (e instanceof SimConfigError || (e as Error).name === 'FaultPlanError') throw new TraceFormatError(0, `header: ${(e as Error).message}`);
    throw e;
  }
}
