// The bug catalogue's name for the end-of-run history judgement (sim/checkers/history.ts).

import type { RunResult, Violation } from '../cluster/simulation';
import { HISTORY_MAX_SEARCH_STEPS, judgeHistory, type JudgeHistoryOptions } from '../checkers/history';

export type CheckHistoryOptions = JudgeHistoryOptions;

export const CHECK_HISTORY_MAX_SEARCH_STEPS = HISTORY_MAX_SEARCH_STEPS;

/** A 'Linearizability' violation if the run's client history is not linearizable, else null ('ok' or 'unknown'). */
export function checkHistory(result: Pick<RunResult, 'history' | 'simulatedMs'>, options: CheckHistoryOptions = {}): Violation | null {
  return judgeHistory(result, options).violation;
}
