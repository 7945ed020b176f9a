import type { ModelSource } from './model';
import type { PartitionOutcome, SearchOp } from './search';

/** Values of the shared stop flag. */
export const STOP_NONE = 0;
export const STOP_CANCELLED = 1;
export const STOP_DEADLINE = 2;

export interface WorkerData {
  /** The worker module the boot file loads. */
  script: string;
  source: ModelSource;
  /** One Int32: STOP_NONE, STOP_CANCELLED or STOP_DEADLINE. */
  stopFlag: SharedArrayBuffer;
  /** Post a heartbeat every this many budget polls (0: never; only a deadline needs them). */
  heartbeatPolls: number;
}

/**
 * Run a partition's search until it has spent `maxSteps` steps in all: a new
 * search when `ops` is given, else the one this worker paused earlier.
 */
export type WorkerTask =
  | { kind: 'run'; key: string; ops?: SearchOp<unknown, unknown>[]; maxSteps: number }
  /** Forget a paused search (its partition moves to another worker). */
  | { kind: 'drop'; key: string };

export type WorkerReply = { kind: 'heartbeat' } | { kind: 'result'; key: string; outcome: PartitionOutcome };
