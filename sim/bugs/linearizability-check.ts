// The simulator judges safety after every event but does not yet check the client history at the
// end of a run. Until that moves into the run pipeline, this turns the linearizability checker's
// verdict on `result.history` into the same Violation shape the simulator reports.

import type { RunResult, Violation } from '../cluster/simulation';
import { checkLinearizability, type HistoryOp } from '../linearizability';

export interface CheckHistoryOptions {
  /** Search steps allowed per key; a key that runs out is 'unknown', which is not a violation. */
  readonly maxSearchSteps?: number;
  /**
   * The trace line the violation should point at. The check runs after the last event, so pass
   * the trace's line count; without a trace it is 0, as for the simulator's own violations.
   */
  readonly eventIndex?: number;
}

/** Default per-key budget: ample for the simulator's histories (a few thousand ops on a few keys). */
export const CHECK_HISTORY_MAX_SEARCH_STEPS = 2_000_000;

/** A 'Linearizability' violation if the run's client history is not linearizable, else null ('ok' or 'unknown'). */
export function checkHistory(result: Pick<RunResult, 'history' | 'simulatedMs'>, options: CheckHistoryOptions = {}): Violation | null {
  const verdict = checkLinearizability(result.history, { maxSearchSteps: options.maxSearchSteps ?? CHECK_HISTORY_MAX_SEARCH_STEPS });
  if (verdict.verdict !== 'violation') return null;
  const key = verdict.violatingKeys[0];
  const keyResult = verdict.perKey.get(key);
  const failed = keyResult?.failedOp === undefined ? undefined : result.history.find((h) => h.id === keyResult.failedOp);
  return {
    property: 'Linearizability',
    detail: describe(key, failed, keyResult?.longestPrefix.length ?? 0),
    node: null,
    atMs: failed ? (failed.completeMs ?? failed.invokeMs) : result.simulatedMs,
    eventIndex: options.eventIndex ?? 0,
  };
}

function describe(key: string, failed: HistoryOp | undefined, placed: number): string {
  if (failed === undefined) return `history of key ${key} is not linearizable`;
  const outcome = failed.result === null ? 'unknown outcome' : JSON.stringify(failed.result);
  return `key ${key}: op ${failed.id} (${failed.op.kind} by ${failed.client}, ${failed.invokeMs}-${failed.completeMs ?? '?'} ms, ${outcome}) fits after none of the ${placed}-op linearizable prefixes`;
}
