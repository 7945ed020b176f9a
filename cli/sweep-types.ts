import type { Violation } from '../sim/cluster/simulation';
import type { CoverageCounter } from '../sim/cluster/coverage';
import type { AvailabilityMeasures } from '../sim/cluster/liveness';

export interface SeedSummary {
  readonly seed: number;
  readonly violation: Violation | null;
  readonly events: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly operations: number;
  readonly linearizability: 'ok' | 'violation' | 'unknown' | null;
  readonly coverage: Readonly<Record<CoverageCounter, number>>;
  /** Null when the seed failed before it produced a run. */
  readonly availability: AvailabilityMeasures | null;
  /** The worker thread running this seed died: re-running it in the sweep's own thread is unsafe. */
  readonly workerDied?: boolean;
}

export interface SweepViolation {
  readonly seed: number;
  readonly property: string;
  readonly detail: string;
  readonly eventIndex: number;
  /** UncaughtException: the first frames of the stack, paths relative to the repository. */
  readonly frames?: readonly string[];
  /** Empty when no trace could be written (the seed killed its worker: it is not re-run here). */
  readonly trace: string;
  /** The trace's HTML view, and its linearizability report (linearizability failures); empty/null without a trace. */
  readonly view: string;
  readonly linearizabilityReport: string | null;
  readonly replay: string;
}

/** The worst availability any seed showed after its quiet point, beside the tightest bounds it was held to. */
export interface SweepAvailability {
  readonly maxLeaderlessMs: number;
  /** Bounds are null when no seed reached its quiet point. */
  readonly leaderlessBoundMs: number | null;
  readonly maxOperationMs: number;
  readonly stalledOperationBoundMs: number | null;
  readonly catchUpBoundMs: number | null;
  readonly catchUpWindowsJudged: number;
  readonly catchUpExtensions: number;
}

export interface SweepReport {
  readonly runs: number;
  readonly violations: SweepViolation[];
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly speedOverRealTime: number;
  readonly linearizability: Record<string, number>;
  readonly coverage: Record<string, number>;
  readonly missingCoverage: string[];
  readonly validation: readonly TraceValidation[];
  readonly availability: SweepAvailability;
}

export interface TraceValidation {
  readonly seed: number;
  readonly trace: string;
  readonly verdict: string;
  readonly detail: string;
}
