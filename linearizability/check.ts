import { SearchBudget, type StopReason } from './budget';
import { validateOperations, type HistoryOp, type Operation } from './history';
import { kvModel } from './kv-model';
import { resolveModel, type Model, type ResolvedModel } from './model';
import { PartitionSearch, type Exhausted, type PartitionOutcome, type SearchOp, type Verdict } from './search';

export type { Verdict } from './search';

export interface CheckOptions {
  /**
   * Search steps allowed per partition (one step = one attempt to apply an
   * op, or one backtrack). A partition that one attempt of this many steps
   * cannot decide gets verdict 'unknown', never a guess. Default 10,000,000.
   */
  maxSearchSteps?: number;
  /** Wall-clock budget for the whole check, measured with `now` (required with it). */
  timeLimitMs?: number;
  /** A clock in milliseconds, injected by the caller (a CLI passes the wall clock), so the checker itself stays deterministic. */
  now?: () => number;
  /**
   * Stop at the first partition found not linearisable (default true): the
   * verdict is then known, and the partitions not yet decided report
   * 'unknown' with `exhausted: 'not-checked'` or 'cancelled'. Pass false to
   * decide every partition.
   */
  stopAtFirstViolation?: boolean;
}

export interface KeyResult {
  /** The partition (for key-value stores, the key). */
  key: string;
  verdict: Verdict;
  /** See PartitionOutcome.longestPrefix: a witness for 'ok', the longest linearisable prefix otherwise. */
  longestPrefix: number[];
  /** For 'violation': the op that could not be placed after `longestPrefix`. */
  failedOp?: number;
  /**
   * Why the verdict is 'unknown': the step budget ('steps'), the time budget
   * ('deadline'), or another partition's violation stopped the check before
   * this one was decided ('cancelled' mid-search, 'not-checked' before it).
   */
  exhausted?: Exhausted | 'not-checked';
  /** Ops of this partition that took part in the search (read-only ops with unknown outcome are dropped). */
  opCount: number;
  /** Steps spent on this partition, over all attempts. */
  searchSteps: number;
  visitedStates: number;
}

export interface LinearizabilityResult {
  /** 'violation' if any partition is not linearisable; else 'unknown' if any was not decided; else 'ok'. */
  verdict: Verdict;
  /** The name of the model the history was checked against. */
  model: string;
  perKey: Map<string, KeyResult>;
  /** Partitions with verdict 'violation', sorted. */
  violatingKeys: string[];
  /** Ids of read-only ops with unknown outcome: they constrain nothing, so they are dropped. */
  droppedOps: number[];
  searchSteps: number;
  /** Worker threads that searched partitions (0: everything ran in the calling thread). */
  workerThreads: number;
}

export type CheckOptionsErrorCode = 'bad-max-search-steps' | 'bad-time-limit' | 'time-limit-needs-clock' | 'bad-workers';

export class CheckOptionsError extends Error {
  override readonly name = 'CheckOptionsError';
  constructor(
    readonly code: CheckOptionsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_SEARCH_STEPS = 10_000_000;

/**
 * Partitions take turns. The first turn of every partition ends after this
 * many steps plus a few per op: enough for almost every linearisable
 * partition (a search needs two to three steps per op when nothing is
 * ambiguous) and for most violations. A partition it does not decide is
 * paused, and resumes on its next turn, each turn four times longer than the
 * last, until maxSearchSteps. So one hard partition no longer holds up the
 * verdict on the others, and since a paused search carries on where it
 * stopped, taking turns costs no repeated work.
 */
const FIRST_QUOTA_STEPS = 10_000;
const FIRST_QUOTA_STEPS_PER_OP = 16;
const QUOTA_GROWTH = 4;

export function firstQuota(opCount: number): number {
  return FIRST_QUOTA_STEPS + FIRST_QUOTA_STEPS_PER_OP * opCount;
}

/** Validated options, with the deadline turned into a poll. */
export interface ResolvedOptions {
  maxSteps: number;
  stopAtFirstViolation: boolean;
  /** Asks the injected clock whether the time budget is spent. */
  deadline?: () => StopReason | undefined;
}

export function resolveOptions(opts: CheckOptions): ResolvedOptions {
  const maxSteps = opts.maxSearchSteps ?? DEFAULT_MAX_SEARCH_STEPS;
  if (typeof maxSteps !== 'number' || !(maxSteps >= 0)) {
    throw new CheckOptionsError('bad-max-search-steps', 'maxSearchSteps must be a non-negative number');
  }
  const resolved: ResolvedOptions = { maxSteps, stopAtFirstViolation: opts.stopAtFirstViolation ?? true };
  if (opts.timeLimitMs === undefined) return resolved;
  if (typeof opts.timeLimitMs !== 'number' || !(opts.timeLimitMs >= 0)) {
    throw new CheckOptionsError('bad-time-limit', 'timeLimitMs must be a non-negative number');
  }
  const now = opts.now;
  if (typeof now !== 'function') {
    throw new CheckOptionsError('time-limit-needs-clock', 'timeLimitMs needs a clock: pass now, a function returning milliseconds');
  }
  const deadline = now() + opts.timeLimitMs;
  resolved.deadline = () => (now() >= deadline ? 'deadline' : undefined);
  return resolved;
}

/** One partition's operations, in invocation order. */
export interface PartitionTask<Input, Output> {
  key: string;
  ops: SearchOp<Input, Output>[];
}

function byInvocation(a: Operation, b: Operation): number {
  return a.invokeMs - b.invokeMs || a.id - b.id;
}

/** Simulators usually record ops in invocation order; checking first skips the sort. */
function isInInvocationOrder(ops: readonly Operation[]): boolean {
  for (let i = 1; i < ops.length; i++) if (byInvocation(ops[i - 1], ops[i]) > 0) return false;
  return true;
}

/**
 * Splits a history into the model's partitions (P-compositionality),
 * dropping read-only ops whose outcome is unknown. Partitions come smallest
 * first, then by name, so easy ones are decided before hard ones.
 */
export function partitionHistory<State, Input, Output>(
  history: readonly Operation<Input, Output>[],
  model: ResolvedModel<State, Input, Output>,
): { tasks: PartitionTask<Input, Output>[]; dropped: number[] } {
  const byKey = new Map<string, Operation<Input, Output>[]>();
  const dropped: number[] = [];
  for (const h of history) {
    if (h.completeMs === null && model.isReadOnly(h.op, undefined)) {
      dropped.push(h.id);
      continue;
    }
    const key = model.partition(h.op);
    let ops = byKey.get(key);
    if (ops === undefined) byKey.set(key, (ops = []));
    ops.push(h);
  }
  const tasks: PartitionTask<Input, Output>[] = [];
  for (const [key, ops] of byKey) {
    if (!isInInvocationOrder(ops)) ops.sort(byInvocation);
    tasks.push({ key, ops });
  }
  tasks.sort((a, b) => a.ops.length - b.ops.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { tasks, dropped };
}

/**
 * The state of one check: which partitions are decided, which remain, and
 * whether the check has stopped. The in-thread rounds below and the worker
 * pool (parallel.ts) both report into it.
 */
export class CheckRun<State, Input, Output> {
  private readonly results = new Map<string, KeyResult>();
  /** Steps of searches that were thrown away (a worker's search restarted elsewhere). */
  private readonly spentBefore = new Map<string, number>();
  private readonly lastAttempt = new Map<string, PartitionOutcome>();
  /** Paused in-thread searches, resumed on the partition's next turn. */
  private readonly searches = new Map<string, PartitionSearch<State, Input, Output>>();
  /** Undecided partitions, smallest first; brought up to date by `prune`. */
  remaining: PartitionTask<Input, Output>[];
  /** Why the check stopped early, if it did. */
  stoppedBy: 'violation' | StopReason | undefined;
  /** Attempts made at each partition so far; each gets QUOTA_GROWTH times the steps of the last. */
  private readonly attempts = new Map<string, number>();
  /** Set by the worker pool. */
  workerThreads = 0;

  constructor(
    readonly model: ResolvedModel<State, Input, Output>,
    private readonly tasks: readonly PartitionTask<Input, Output>[],
    private readonly dropped: readonly number[],
    readonly options: ResolvedOptions,
  ) {
    this.remaining = [...tasks];
  }

  get done(): boolean {
    return this.remaining.length === 0 || this.stoppedBy !== undefined;
  }

  /** Lets go of the paused in-thread searches (the partitions are handed elsewhere and start again). */
  releaseSearches(): void {
    for (const task of this.remaining) if (this.searches.has(task.key)) this.restarted(task);
    this.searches.clear();
  }

  /** Drops decided partitions from `remaining`. */
  prune(): void {
    this.remaining = this.remaining.filter((t) => !this.results.has(t.key));
  }

  /** Notes that a partition's search was thrown away after `steps` steps, to be started again. */
  restarted(task: PartitionTask<Input, Output>): void {
    const last = this.lastAttempt.get(task.key);
    this.spentBefore.set(task.key, (this.spentBefore.get(task.key) ?? 0) + (last?.searchSteps ?? 0));
    this.lastAttempt.delete(task.key);
  }

  private spentOn(key: string): number {
    return (this.spentBefore.get(key) ?? 0) + (this.lastAttempt.get(key)?.searchSteps ?? 0);
  }

  /** Records one turn of a partition's search; returns true if it decided the partition. */
  record(task: PartitionTask<Input, Output>, outcome: PartitionOutcome, final: boolean): boolean {
    this.lastAttempt.set(task.key, outcome);
    const spent = this.spentOn(task.key);
    const decided = final || outcome.verdict !== 'unknown';
    if (outcome.exhausted === 'deadline' && this.stoppedBy === undefined) this.stoppedBy = 'deadline';
    if (outcome.exhausted === 'deadline' || outcome.exhausted === 'cancelled') return false;
    if (!decided) return false;
    this.results.set(task.key, toKeyResult(task, outcome, spent));
    if (outcome.verdict === 'violation' && this.options.stopAtFirstViolation && this.stoppedBy === undefined) this.stoppedBy = 'violation';
    return true;
  }

  /**
   * How many steps a partition's search may have spent by the end of its
   * next turn: small at first, then growing, so that partitions take turns
   * and a hard one cannot starve the others of a verdict. The last turn
   * reaches the whole budget.
   */
  nextQuota(task: PartitionTask<Input, Output>): { steps: number; final: boolean } {
    const attempt = this.attempts.get(task.key) ?? 0;
    this.attempts.set(task.key, attempt + 1);
    const steps = Math.min(this.options.maxSteps, firstQuota(task.ops.length) * QUOTA_GROWTH ** attempt);
    return { steps, final: steps >= this.options.maxSteps };
  }

  /** Gives every remaining partition one more attempt, in this thread. */
  runRound(): void {
    for (const task of [...this.remaining]) {
      if (this.stoppedBy !== undefined) break;
      if (this.options.deadline?.() === 'deadline') {
        this.stoppedBy = 'deadline';
        break;
      }
      const quota = this.nextQuota(task);
      let search = this.searches.get(task.key);
      if (search === undefined) this.searches.set(task.key, (search = new PartitionSearch(task.ops, this.model)));
      const outcome = search.advance(new SearchBudget(quota.steps, this.options.deadline));
      if (this.record(task, outcome, quota.final)) this.searches.delete(task.key);
    }
    this.prune();
    // A stopped check resumes nothing: let the paused searches' memory go.
    if (this.stoppedBy !== undefined) this.searches.clear();
  }

  /** Rounds with growing quotas until every partition is decided or the check stops. */
  runInThread(): void {
    while (!this.done) this.runRound();
  }

  finish(): LinearizabilityResult {
    const perKey = new Map<string, KeyResult>();
    let searchSteps = 0;
    // Report partitions in name order, whatever order they were decided in.
    const keys = this.tasks.map((t) => t.key).sort();
    const byKey = new Map(this.tasks.map((t) => [t.key, t]));
    for (const key of keys) {
      const steps = this.spentOn(key);
      searchSteps += steps;
      const decided = this.results.get(key);
      if (decided !== undefined) {
        perKey.set(key, decided);
        continue;
      }
      const task = byKey.get(key)!;
      const last = this.lastAttempt.get(key);
      const exhausted: KeyResult['exhausted'] =
        this.stoppedBy === 'deadline' ? 'deadline' : this.stoppedBy === undefined ? 'steps' : last === undefined ? 'not-checked' : 'cancelled';
      perKey.set(key, {
        key,
        verdict: 'unknown',
        longestPrefix: last?.longestPrefix ?? [],
        exhausted,
        opCount: task.ops.length,
        searchSteps: steps,
        visitedStates: last?.visitedStates ?? 0,
      });
    }
    const violatingKeys = keys.filter((k) => perKey.get(k)!.verdict === 'violation');
    return { verdict: combineVerdicts(perKey.values()), model: this.model.name, perKey, violatingKeys, droppedOps: [...this.dropped], searchSteps, workerThreads: this.workerThreads };
  }
}

function combineVerdicts(results: Iterable<KeyResult>): Verdict {
  let verdict: Verdict = 'ok';
  for (const r of results) {
    if (r.verdict === 'violation') return 'violation';
    if (r.verdict === 'unknown') verdict = 'unknown';
  }
  return verdict;
}

function toKeyResult(task: PartitionTask<unknown, unknown>, o: PartitionOutcome, spent: number): KeyResult {
  const r: KeyResult = { key: task.key, verdict: o.verdict, longestPrefix: o.longestPrefix, opCount: task.ops.length, searchSteps: spent, visitedStates: o.visitedStates };
  if (o.failedOp !== undefined) r.failedOp = o.failedOp;
  if (o.exhausted !== undefined) r.exhausted = o.exhausted;
  return r;
}

/** Validates the history against the model and splits it; shared by the in-thread and parallel checks. */
export function prepareRun<State, Input, Output>(
  history: readonly Operation<Input, Output>[],
  model: Model<State, Input, Output>,
  opts: CheckOptions,
): CheckRun<State, Input, Output> {
  const resolved = resolveModel(model);
  validateOperations(history, resolved.validate);
  const options = resolveOptions(opts);
  const { tasks, dropped } = partitionHistory(history, resolved);
  return new CheckRun(resolved, tasks, dropped, options);
}

/**
 * Decides whether a history is linearisable with respect to `model`, in the
 * calling thread, deterministically. Partitions are tried smallest first
 * with a small step quota, then the undecided ones again with growing
 * quotas, so a violation in an easy partition is found before a hard
 * partition has used up its budget. Throws HistoryValidationError for a
 * malformed history and CheckOptionsError for bad options.
 */
export function checkHistorySync<State, Input, Output>(
  history: readonly Operation<Input, Output>[],
  model: Model<State, Input, Output>,
  opts: CheckOptions = {},
): LinearizabilityResult {
  const run = prepareRun(history, model, opts);
  run.runInThread();
  return run.finish();
}

/**
 * Decides whether a history of raftbed's key-value store is linearisable:
 * `checkHistorySync` with the `kv` model. This is what the simulator calls.
 */
export function checkLinearizability(history: readonly HistoryOp[], opts: CheckOptions = {}): LinearizabilityResult {
  return checkHistorySync(history, kvModel, opts);
}
