// A planted bug: a small variant of core that the simulator must catch. Bugs live here, never
// in core; each wraps core's step function (or the storage contract) to break one rule.

import type { DurableState, Input } from '../../core';
import type { RaftState, StepResult } from '../../core';
import type { PropertyName } from '../../checkers/violation';
import type { SimConfig } from '../config';

export type StepFn = (state: RaftState, input: Input) => StepResult;

export interface PlantedBug {
  readonly name: string;
  readonly description: string;
  /** The properties expected to catch it (any one is enough). */
  readonly caughtBy: readonly PropertyName[];
  /** Wraps core's step. Results are processed in order, as if the node had stepped several times. */
  readonly step?: (step: StepFn) => (state: RaftState, input: Input) => StepResult | readonly StepResult[];
  /** Edits what a node recovers from disk at restart. */
  readonly restart?: (durable: DurableState) => DurableState;
  /**
   * Judged only by the implementation-neutral checkers (views, persist records, applied entries),
   * as an external implementation would be, without the white-box checks of core's private state
   * (sim/checkers/core-step.ts). For harness plants that show a view-based property can fail: the
   * white-box checks would otherwise report the plant first, under another name.
   */
  readonly viewsOnly?: boolean;
  /** Tells core a write is durable the moment it is issued, before the disk has synced it. */
  readonly ackBeforeSync?: boolean;
  /** Settings under which the bug shows quickly (it must still be caught under the defaults' profiles). */
  readonly config?: Partial<SimConfig>;
  /**
   * For a bug whose trap needs a script (a membership change at one precise moment of an
   * election): runs the scripted scenario for `seed` (which varies its timings) with `bug`, or
   * with the unmodified core when `bug` is null, and returns the run's violation. Hunts use it
   * instead of generated fault plans.
   */
  readonly trap?: (seed: number, bug: PlantedBug | null) => TrapViolation | null;
}

/** What a trap reports: the simulator's Violation, seen structurally (sim/cluster imports this file). */
export interface TrapViolation {
  readonly property: PropertyName;
  readonly detail: string;
  readonly node: string | null;
  readonly atMs: number;
  readonly eventIndex: number;
}
