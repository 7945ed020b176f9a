import type { Violation } from '../cluster/simulation';
import type { CoverageCounter } from '../cluster/coverage';
import type { AvailabilityMeasures } from '../cluster/liveness';

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
