// The end-of-run judgement of the client history: linearizability, turned into the same Violation
// shape the per-event checkers report. Every caller (runSeed, hence the CLI, sweeps, properties
// and bug hunts) judges a history through here.

import type { RunResult, Violation } from '../cluster/simulation';
import { checkLinearizability, type HistoryOp, type LinearizabilityResult } from '../../linearizability';
import { formatMs } from '../format-ms';

/** Per-key search budget: ample for simulator histories; running out yields 'unknown', never a guess. */
export const HISTORY_MAX_SEARCH_STEPS = 2_000_000;

export interface JudgeHistoryOptions {
  readonly maxSearchSteps?: number;
  /** The trace line the violation points at: the check runs after the last event. */
  readonly eventIndex?: number;
}

export interface HistoryJudgement {
  readonly linearizability: LinearizabilityResult;
  /** A 'Linearizability' violation, or null when the verdict is 'ok' or 'unknown'. */
  readonly violation: Violation | null;
}

export function judgeHistory(result: Pick<RunResult, 'history' | 'simulatedMs'>, options: JudgeHistoryOptions = {}): HistoryJudgement {
  const linearizability = checkLinearizability(result.history, { maxSearchSteps: options.maxSearchSteps ?? HISTORY_MAX_SEARCH_STEPS });
  if (linearizability.verdict !== 'violation') return { linearizability, violation: null };
  const key = linearizability.violatingKeys[0];
  const keyResult = linearizability.perKey.get(key);
  const failed = keyResult?.failedOp === undefined ? undefined : result.history.find((h) => h.id === keyResult.failedOp);
  const violation: Violation = {
    property: 'Linearizability',
    detail: describe(key, failed, keyResult?.longestPrefix.length ?? 0),
    node: null,
    atMs: failed ? (failed.completeMs ?? failed.invokeMs) : result.simulatedMs,
    eventIndex: options.eventIndex ?? 0,
  };
  return { linearizability, violation };
}

function describe(key: string, failed: HistoryOp | undefined, placed: number): string {
  if (failed === undefined) return `history of key ${key} is not linearizable`;
  const outcome = failed.result === null ? 'unknown outcome' : JSON.stringify(failed.result);
  return `key ${key}: op ${failed.id} (${failed.op.kind} by ${failed.client}, ${formatMs(failed.invokeMs)} to ${failed.completeMs === null ? '?' : formatMs(failed.completeMs)}, ${outcome}) fits after none of the ${placed}-op linearizable prefixes`;
}
