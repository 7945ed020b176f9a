import { HashedBitset } from './bitset';
import { SearchBudget, type StopReason } from './budget';
import { buildEntryList, lift, unlift, type Entry, type TimedOp } from './entries';
import type { ResolvedModel } from './model';
import { StateTable } from './state-table';
import { VisitedCache } from './visited-cache';

export interface SearchOp<Op, Result> extends TimedOp {
  id: number;
  op: Op;
  /** Ignored when the outcome is unknown (`completeMs === null`). */
  result: Result | null;
}

/** Why a search gave up without a verdict. */
export type Exhausted = 'steps' | StopReason;

export type Verdict = 'ok' | 'violation' | 'unknown';

export interface PartitionOutcome {
  verdict: Verdict;
  /**
   * Op ids in linearisation order. For 'ok': a full witness (unknown-outcome
   * ops that appear took effect; absent ones never did). For 'violation': the
   * longest linearisable prefix found before the search got stuck. For
   * 'unknown': the deepest prefix reached before the budget ran out.
   */
  longestPrefix: number[];
  /** For 'violation': the op that had to be linearised after `longestPrefix` but could not be. */
  failedOp?: number;
  /** Why the verdict is 'unknown'. */
  exhausted?: Exhausted;
  searchSteps: number;
  visitedStates: number;
}

/**
 * The order in which a node's candidates are tried.
 *
 * Free: a known-outcome op that the model declares read-only (a get, a cas
 * that reports no swap) and that fits the current state can be moved to the
 * front of any completion without changing it: it changes no state wherever
 * it is linearised, and every op that had to follow it still does. So if one
 * fits it is the node's only child: no other candidate is tried, and if it
 * fails the node fails. An op that merely leaves *this* state unchanged
 * (a put of the value already held) is not free: placed later, after some
 * other write, it changes the state.
 *
 * Otherwise every candidate is tried once per node, and the order only
 * affects speed. Known-outcome ops come first. Unknown-outcome writes never
 * have to take effect, and they stay near the head of the event list
 * forever, so plain list order would keep applying writes nobody observed.
 * When no known op fits, the unknown ops that let the blocking op (the first
 * pending return) fit are tried before the rest.
 */
const enum Pass {
  Free = 0,
  Known = 1,
  UnknownEnabling = 2,
  UnknownOther = 3,
}

/** One linearisation decision; frames link to their parent, so keeping a prefix costs O(1). */
interface Frame<State> {
  readonly call: Entry;
  readonly stateBefore: State;
  readonly stateIdBefore: number;
  /** The pass that made the decision, so backtracking resumes it. */
  readonly pass: Pass;
  /** The node's blocking return event, for decisions made in an unknown pass. */
  readonly blocker: Entry | null;
  readonly parent: Frame<State> | null;
  readonly depth: number;
}

/**
 * Wing–Gong–Lowe search with Lowe's memoisation, on one partition.
 * `ops` must be sorted by invocation time. Unknown-outcome ops have no return
 * event, so they are never forced; the search succeeds as soon as every
 * known-outcome op is linearised.
 *
 * The search runs in rounds that allow at most 0, 1, 2, 4, ... unknown ops
 * applied "speculatively" (in the UnknownOther pass) within any window of
 * SPECULATION_WINDOW consecutive decisions, the last round unlimited. Depth-first search otherwise explores every speculative
 * application below every wrong choice among known ops, which multiplies the
 * work by the number of pending unknown ops at each level. A round that fails
 * without ever hitting its limit has explored everything, so its 'violation'
 * is final; one that hit the limit proves nothing and the next round starts
 * afresh (its cache is not valid for a larger limit). Steps are counted
 * across all rounds.
 */
export class PartitionSearch<State, Op, Result> {
  private readonly search: WglSearch<State, Op, Result>;
  private limit = 0;
  private roundStarted = false;
  private decided: PartitionOutcome | undefined;

  constructor(ops: readonly SearchOp<Op, Result>[], model: ResolvedModel<State, Op, Result>) {
    this.search = new WglSearch(ops, model);
  }

  /** Steps spent so far, over all rounds and all calls to `advance`. */
  get steps(): number {
    return this.search.steps;
  }

  /**
   * Searches until a verdict, or until `budget` stops it: its `maxSteps`
   * caps the steps spent over all calls so far. An outcome of 'unknown' with
   * `exhausted: 'steps'` is a pause: call again with a larger budget to
   * carry on where it stopped, without repeating any work.
   */
  advance(budget: SearchBudget): PartitionOutcome {
    if (this.decided !== undefined) return this.decided;
    for (;;) {
      const unlimited = this.limit >= this.search.unknownCount;
      if (!this.roundStarted) {
        this.search.startRound(unlimited ? Infinity : this.limit);
        this.roundStarted = true;
      }
      const outcome = this.search.resume(budget);
      if (outcome.verdict === 'unknown') return outcome;
      if (unlimited || outcome.verdict !== 'violation' || !this.search.limitHit) return (this.decided = outcome);
      this.limit = this.limit === 0 ? 1 : this.limit * 2;
      this.roundStarted = false;
    }
  }
}

/** One search of a partition from scratch, within `budget`. */
export function searchPartition<State, Op, Result>(
  ops: readonly SearchOp<Op, Result>[],
  model: ResolvedModel<State, Op, Result>,
  budget: SearchBudget,
): PartitionOutcome {
  return new PartitionSearch(ops, model).advance(budget);
}

const SPECULATION_WINDOW = 32;

class WglSearch<State, Op, Result> {
  private readonly head: Entry;
  /** Per op: the output the model checks, `undefined` when the outcome is unknown. */
  private readonly outputs: (Result | undefined)[];
  private readonly states: StateTable<State>;
  /** Linearised known-outcome ops, by known index. */
  private readonly linearised: HashedBitset;
  /** Applied unknown-outcome ops, by unknown index. */
  private readonly applied: Uint32Array;
  /** Per op: its index among the known-outcome or among the unknown-outcome ops. */
  private readonly bitOf: Int32Array;
  readonly unknownCount: number;
  private readonly knownCount: number;
  // Per-round state, reset by startRound().
  private visited: VisitedCache;
  private knownRemaining = 0;
  private state: State;
  private stateId: number;
  private top: Frame<State> | null = null;
  private deepest: Frame<State> | null = null;
  private failureFrame: Frame<State> | null = null;
  private failureDepth = -1;
  private failedOpIndex = -1;
  private speculationLimit = Infinity;
  /** Whether the current round skipped a speculative application because of its limit. */
  limitHit = false;
  /** Counted across rounds: the budget is for the whole partition. */
  steps = 0;
  // Where a paused round carries on.
  private cursor: Entry | null = null;
  private cursorPass = Pass.Free;
  private cursorBlocker: Entry | null = null;
  private backtracking = false;
  private budget = new SearchBudget(0);

  constructor(
    private readonly ops: readonly SearchOp<Op, Result>[],
    private readonly model: ResolvedModel<State, Op, Result>,
  ) {
    this.head = buildEntryList(ops).head;
    this.outputs = ops.map((o) => (o.completeMs === null ? undefined : (o.result as Result)));
    this.states = new StateTable(model);
    this.bitOf = new Int32Array(ops.length);
    let unknownCount = 0;
    let knownCount = 0;
    for (let i = 0; i < ops.length; i++) {
      this.bitOf[i] = ops[i].completeMs === null ? unknownCount++ : knownCount++;
    }
    this.unknownCount = unknownCount;
    this.knownCount = knownCount;
    this.linearised = new HashedBitset(knownCount);
    this.applied = new Uint32Array(Math.ceil(unknownCount / 32));
    this.visited = new VisitedCache(this.applied.length);
    this.state = model.init();
    this.stateId = this.states.intern(this.state);
  }

  /** Starts a round; every round starts from scratch, and the previous one is abandoned. */
  startRound(speculationLimit: number): void {
    this.unwind();
    this.visited = new VisitedCache(this.applied.length);
    this.knownRemaining = this.knownCount;
    this.deepest = this.failureFrame = null;
    this.failureDepth = this.failedOpIndex = -1;
    this.speculationLimit = speculationLimit;
    this.limitHit = false;
    this.cursor = this.head.next;
    this.cursorPass = Pass.Free;
    this.cursorBlocker = null;
    this.backtracking = false;
  }

  /**
   * Runs the current round until it decides, or until the budget stops it.
   * A round stopped by the step budget ('unknown', 'steps') is paused at a
   * point where nothing is half done, and a later call with a larger budget
   * carries on from there as if it had never stopped.
   */
  resume(budget: SearchBudget): PartitionOutcome {
    this.budget = budget;
    const { ops, outputs, model, head, visited } = this;
    let entry = this.cursor;
    let pass = this.cursorPass;
    let blocker = this.cursorBlocker;
    const pause = (exhausted: Exhausted): PartitionOutcome => {
      this.cursor = entry;
      this.cursorPass = pass;
      this.cursorBlocker = blocker;
      return this.finish('unknown', exhausted);
    };
    for (;;) {
      if (!this.backtracking) {
        if (this.knownRemaining === 0) return this.finish('ok');

        if (entry !== null && entry.isCall) {
          const opIndex = entry.opIndex;
          const o = ops[opIndex];
          const unknownOutcome = o.completeMs === null;
          if (unknownOutcome !== pass >= Pass.UnknownEnabling) {
            entry = entry.next;
            continue;
          }
          const exhausted = this.spendStep();
          if (exhausted !== undefined) return pause(exhausted);
          const output = outputs[opIndex];
          const next = model.step(this.state, o.op, output);
          let apply: boolean;
          if (next === undefined) apply = false;
          else if (pass === Pass.Free) apply = model.isReadOnly(o.op, output) && model.equal(next, this.state);
          else if (pass === Pass.Known) apply = true;
          else apply = this.worthApplyingUnknown(opIndex, next, pass, blocker);
          if (apply) {
            this.mark(opIndex, unknownOutcome);
            const nextId = this.states.intern(next!);
            if (visited.addIfNew(this.linearised, this.applied, nextId)) {
              this.push(entry, next!, nextId, pass, blocker);
              if (!unknownOutcome) this.knownRemaining--;
              entry = head.next;
              pass = Pass.Free;
              blocker = null;
              continue;
            }
            this.unmark(opIndex, unknownOutcome);
            // A free op is this node's only child; if that child is known to
            // fail, so does the node.
            if (pass === Pass.Free) entry = null;
            else entry = entry.next;
          } else {
            entry = entry.next;
          }
          if (entry !== null || pass !== Pass.Free) continue;
          // Fall through to backtracking: the node is dead.
        } else if (pass === Pass.Free) {
          pass = Pass.Known;
          entry = head.next;
          continue;
        } else if (pass === Pass.Known && this.unknownCount > 0) {
          // Reached a return event: every known candidate has been tried.
          blocker = entry;
          pass = Pass.UnknownEnabling;
          entry = head.next;
          continue;
        } else if (pass === Pass.UnknownEnabling && this.unknownCount > 0) {
          if (this.recentSpeculation() < this.speculationLimit) {
            pass = Pass.UnknownOther;
            entry = head.next;
            continue;
          }
          this.limitHit = true;
        }

        this.noteFailure(entry);
        this.backtracking = true;
      }
      // Backtrack. Popping a free op's frame means its parent has failed too.
      let undone: Frame<State>;
      do {
        if (this.top === null) return this.finish('violation');
        const exhausted = this.spendStep();
        if (exhausted !== undefined) return pause(exhausted);
        undone = this.pop();
      } while (undone.pass === Pass.Free);
      this.backtracking = false;
      entry = undone.call.next;
      pass = undone.pass;
      blocker = undone.blocker;
    }
  }

  private push(call: Entry, next: State, nextId: number, pass: Pass, blocker: Entry | null): void {
    const parent = this.top;
    const depth = parent === null ? 1 : parent.depth + 1;
    this.top = { call, stateBefore: this.state, stateIdBefore: this.stateId, pass, blocker, parent, depth };
    if (this.deepest === null || depth > this.deepest.depth) this.deepest = this.top;
    this.state = next;
    this.stateId = nextId;
    lift(call);
  }

  private pop(): Frame<State> {
    const undone = this.top!;
    this.top = undone.parent;
    this.state = undone.stateBefore;
    this.stateId = undone.stateIdBefore;
    const opIndex = undone.call.opIndex;
    const unknownOutcome = this.ops[opIndex].completeMs === null;
    this.unmark(opIndex, unknownOutcome);
    unlift(undone.call);
    if (!unknownOutcome) this.knownRemaining++;
    return undone;
  }

  /**
   * Speculative applications among the last SPECULATION_WINDOW decisions. The
   * limit is local because an unknown write is usually observed soon after it
   * is applied; a global count would run out on a long history.
   */
  private recentSpeculation(): number {
    let count = 0;
    const top = this.top;
    if (top === null) return 0;
    for (let f: Frame<State> | null = top; f !== null && top.depth - f.depth < SPECULATION_WINDOW; f = f.parent) {
      if (f.pass === Pass.UnknownOther) count++;
    }
    return count;
  }

  /** Undoes every decision on the stack, restoring the event list and sets of a fresh search. */
  private unwind(): void {
    while (this.top !== null) this.pop();
  }

  private mark(opIndex: number, unknownOutcome: boolean): void {
    const bit = this.bitOf[opIndex];
    if (unknownOutcome) this.applied[bit >>> 5] |= 1 << (bit & 31);
    else this.linearised.add(bit);
  }

  private unmark(opIndex: number, unknownOutcome: boolean): void {
    const bit = this.bitOf[opIndex];
    if (unknownOutcome) this.applied[bit >>> 5] &= ~(1 << (bit & 31));
    else this.linearised.delete(bit);
  }

  /** Keeps the deepest point where the search got stuck, for the report. */
  private noteFailure(blockedAt: Entry | null): void {
    const depth = this.top === null ? 0 : this.top.depth;
    if (depth > this.failureDepth && blockedAt !== null) {
      this.failureDepth = depth;
      this.failureFrame = this.top;
      this.failedOpIndex = blockedAt.opIndex;
    }
  }

  private spendStep(): Exhausted | undefined {
    if (this.steps >= this.budget.maxSteps) return 'steps';
    this.steps++;
    if ((this.steps & (SearchBudget.pollInterval - 1)) === 0) return this.budget.stopped();
    return undefined;
  }

  /**
   * Whether to apply an unknown-outcome op `o` (giving `next`) in this pass.
   * Such ops are optional, which licenses two prunings that never lose a
   * linearisation using the fewest unknown ops (see README.md):
   * - an op that leaves the state unchanged is never needed;
   * - an op applied right after another unknown op whose effect it entirely
   *   overwrites (two puts, say) is not needed there: the parent node tries
   *   it on its own.
   */
  private worthApplyingUnknown(opIndex: number, next: State, pass: Pass, blocker: Entry | null): boolean {
    const { model, state } = this;
    if (model.equal(next, state)) return false;
    const top = this.top;
    if (top !== null && top.pass >= Pass.UnknownEnabling) {
      const direct = model.step(top.stateBefore, this.ops[opIndex].op, undefined);
      if (direct !== undefined && model.equal(direct, next)) return false;
    }
    // "Enables" means the blocking op does not fit the current state but fits
    // the new one. A blocker that fits anyway (an append, say) is blocked by
    // the cache, not by the state, and no single unknown op is more promising
    // than another.
    let enables = false;
    if (blocker !== null) {
      const b = this.ops[blocker.opIndex];
      const out = this.outputs[blocker.opIndex];
      enables = model.step(next, b.op, out) !== undefined && model.step(state, b.op, out) === undefined;
    }
    return enables === (pass === Pass.UnknownEnabling);
  }

  private prefixOf(frame: Frame<State> | null): number[] {
    const ids: number[] = [];
    for (let f = frame; f !== null; f = f.parent) ids.push(this.ops[f.call.opIndex].id);
    return ids.reverse();
  }

  private finish(verdict: Verdict, exhausted?: Exhausted): PartitionOutcome {
    const outcome: PartitionOutcome = { verdict, longestPrefix: [], searchSteps: this.steps, visitedStates: this.visited.size };
    if (verdict === 'ok') outcome.longestPrefix = this.prefixOf(this.top);
    else if (verdict === 'violation') {
      outcome.longestPrefix = this.prefixOf(this.failureFrame);
      if (this.failedOpIndex >= 0) outcome.failedOp = this.ops[this.failedOpIndex].id;
    } else {
      outcome.longestPrefix = this.prefixOf(this.deepest);
      outcome.exhausted = exhausted;
    }
    return outcome;
  }
}
