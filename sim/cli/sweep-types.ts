import type { Violation } from '../cluster/simulation';
import type { CoverageCounter } from '../cluster/coverage';

export interface SeedSummary {
  readonly seed: number;
  readonly violation: Violation | null;
  readonly events: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly operations: number;
  readonly linearizability: 'ok' | 'violation' | 'unknown' | null;
  readonly coverage: Readonly<Record<CoverageCounter, number>>;
}
