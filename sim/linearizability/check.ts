import { SearchBudget } from './budget';
import { validateHistory, type HistoryOp, type KvOp, type KvResult } from './history';
import { kvRegisterModel, type PrimitiveState, type SequentialModel } from './model';
import { searchPartition, type PartitionOutcome, type Verdict } from './search';

export type { Verdict } from './search';

export interface CheckOptions {
  /**
   * Search steps allowed per key (one step = one attempt to apply an op, or
   * one backtrack). A key that runs out gets verdict 'unknown', never a guess.
   * Default 10,000,000.
   */
  maxSearchSteps?: number;
  /** Wall-clock budget for the whole check, measured with `now` (required with it). */
  timeLimitMs?: number;
  /** A clock in milliseconds, injected by the caller (a CLI passes the wall clock), so the checker itself stays deterministic. */
  now?: () => number;
  /** Stop after the first key with a violation; later keys report 'unknown' with `exhausted: 'not-checked'`. */
  stopAtFirstViolation?: boolean;
}

export interface KeyResult {
  key: string;
  verdict: Verdict;
  /** See PartitionOutcome.longestPrefix: a witness for 'ok', the longest linearisable prefix otherwise. */
  longestPrefix: number[];
  /** For 'violation': the op that could not be placed after `longestPrefix`. */
  failedOp?: number;
  exhausted?: 'steps' | 'deadline' | 'not-checked';
  /** Ops of this key that took part in the search (unknown-outcome gets are dropped). */
  opCount: number;
  searchSteps: number;
  visitedStates: number;
}

export interface LinearizabilityResult {
  /** 'violation' if any key is non-linearisable; else 'unknown' if any key was not decided; else 'ok'. */
  verdict: Verdict;
  perKey: Map<string, KeyResult>;
  /** Keys with verdict 'violation', in check order (sorted). */
  violatingKeys: string[];
  /** Ids of gets with unknown outcome: they constrain nothing, so they are dropped. */
  droppedOps: number[];
  searchSteps: number;
}

export type CheckOptionsErrorCode = 'bad-max-search-steps' | 'bad-time-limit' | 'time-limit-needs-clock';

export class CheckOptionsError extends Error {
  override readonly name = 'CheckOptionsError';
  constructor(readonly code: CheckOptionsErrorCode, message: string) {
    super(message);
  }
}

export const DEFAULT_MAX_SEARCH_STEPS = 10_000_000;

function makeBudget(opts: CheckOptions): SearchBudget {
  const maxSteps = opts.maxSearchSteps ?? DEFAULT_MAX_SEARCH_STEPS;
  if (typeof maxSteps !== 'number' || !(maxSteps >= 0)) {
    throw new CheckOptionsError('bad-max-search-steps', 'maxSearchSteps must be a non-negative number');
  }
  if (opts.timeLimitMs === undefined) return new SearchBudget(maxSteps, undefined, undefined);
  if (typeof opts.timeLimitMs !== 'number' || !(opts.timeLimitMs >= 0)) {
    throw new CheckOptionsError('bad-time-limit', 'timeLimitMs must be a non-negative number');
  }
  if (typeof opts.now !== 'function') {
    throw new CheckOptionsError('time-limit-needs-clock', 'timeLimitMs needs a clock: pass now, a function returning milliseconds');
  }
  return new SearchBudget(maxSteps, opts.now, opts.now() + opts.timeLimitMs);
}

interface Partitioned {
  byKey: Map<string, HistoryOp[]>;
  dropped: number[];
}

function byInvocation(a: HistoryOp, b: HistoryOp): number {
  return a.invokeMs - b.invokeMs || a.id - b.id;
}

/** Simulators usually record ops in invocation order; checking first skips the sort. */
function isInInvocationOrder(ops: readonly HistoryOp[]): boolean {
  for (let i = 1; i < ops.length; i++) if (byInvocation(ops[i - 1], ops[i]) > 0) return false;
  return true;
}

/** Splits a history by key (P-compositionality), dropping gets whose outcome is unknown. */
export function partitionByKey(history: readonly HistoryOp[]): Partitioned {
  const byKey = new Map<string, HistoryOp[]>();
  const dropped: number[] = [];
  for (const h of history) {
    if (h.op.kind === 'get' && h.completeMs === null) {
      dropped.push(h.id);
      continue;
    }
    let ops = byKey.get(h.op.key);
    if (ops === undefined) byKey.set(h.op.key, (ops = []));
    ops.push(h);
  }
  for (const ops of byKey.values()) if (!isInInvocationOrder(ops)) ops.sort(byInvocation);
  return { byKey, dropped };
}

function combineVerdicts(results: Iterable<KeyResult>): Verdict {
  let verdict: Verdict = 'ok';
  for (const r of results) {
    if (r.verdict === 'violation') return 'violation';
    if (r.verdict === 'unknown') verdict = 'unknown';
  }
  return verdict;
}

function toKeyResult(key: string, opCount: number, o: PartitionOutcome): KeyResult {
  const r: KeyResult = { key, verdict: o.verdict, longestPrefix: o.longestPrefix, opCount, searchSteps: o.searchSteps, visitedStates: o.visitedStates };
  if (o.failedOp !== undefined) r.failedOp = o.failedOp;
  if (o.exhausted !== undefined) r.exhausted = o.exhausted;
  return r;
}

/**
 * Checks a key-value history against a per-key model of your choice. This is
 * how a custom or deliberately broken model is plugged in; most callers want
 * `checkLinearizability`.
 */
export function checkLinearizabilityWithModel<State extends PrimitiveState>(
  history: readonly HistoryOp[],
  model: SequentialModel<State, KvOp, KvResult>,
  opts: CheckOptions = {},
): LinearizabilityResult {
  validateHistory(history);
  const budget = makeBudget(opts);
  const { byKey, dropped } = partitionByKey(history);
  const perKey = new Map<string, KeyResult>();
  const violatingKeys: string[] = [];
  let searchSteps = 0;
  let stop = false;
  for (const key of [...byKey.keys()].sort()) {
    const ops = byKey.get(key)!;
    if (stop || budget.deadlinePassed) {
      const exhausted = stop ? 'not-checked' : 'deadline';
      perKey.set(key, { key, verdict: 'unknown', longestPrefix: [], exhausted, opCount: ops.length, searchSteps: 0, visitedStates: 0 });
      continue;
    }
    const result = toKeyResult(key, ops.length, searchPartition(ops, model, budget));
    perKey.set(key, result);
    searchSteps += result.searchSteps;
    if (result.verdict === 'violation') {
      violatingKeys.push(key);
      if (opts.stopAtFirstViolation === true) stop = true;
    }
  }
  return { verdict: combineVerdicts(perKey.values()), perKey, violatingKeys, droppedOps: dropped, searchSteps };
}

/**
 * Decides whether a key-value history is linearisable. Throws
 * HistoryValidationError for a malformed history and CheckOptionsError for
 * bad options; otherwise always returns, with 'unknown' when the budget ran
 * out before a key was decided.
 */
export function checkLinearizability(history: readonly HistoryOp[], opts: CheckOptions = {}): LinearizabilityResult {
  return checkLinearizabilityWithModel(history, kvRegisterModel, opts);
}
