// One step's scratch space: a shallow draft of the state (the caller's value is never touched;
// nested objects are replaced, never edited) and the output being assembled.
//
// The persist-before-send contract lives here, in `respond`:
//   Requests (AppendEntries, RequestVote, ...) may leave before this node's own writes are durable:
//   sending them early is what lets a leader write its log in parallel with its followers (§10.2.1).
//   Responses promise something about this node's durable state (a vote, a matching log, an
//   installed snapshot), so each one is held until every write issued before it is acknowledged.
//   Messages to self (a candidate's own vote, the leader's own log counting toward commit) take
//   the same path, so nothing counts toward a quorum before it is durable.

import type { ActionName, ApplyEntry, Entry, LogIndex, Message, Output, PersistRecord, Proposed, RaftError, ReadResult, Snapshot } from './types';
import { copyLeaderState, copyProgress, copyState, type LeaderState, type Progress, type RaftState } from './state';
import { heldPush } from './held-queue';
import { EMPTY_LIST } from './arrays';
import { MAX_INTERNED_ACTIONS, NO_ACTIONS, extendActions, quietOutput, type ActionList } from './action-lists';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type Draft = Mutable<RaftState>;

/** The step's persist record, built in place: the output gets this very object. */
interface PendingPersist {
  seq: number;
  term?: number;
  votedFor?: string | null;
  truncateFrom?: LogIndex;
  appendFrom?: LogIndex;
  entries?: Entry[];
  snapshot?: Snapshot;
}

/** Shared by every output list that stayed empty; frozen so that nobody can fill it by accident. */

export class InternalInvariantError extends Error {
  override readonly name = 'InternalInvariantError';
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InternalInvariantError(message);
}

/**
 * `list` with `item` appended: up to three items by a fresh literal of exactly that size (the
 * lists here are private to the step until it returns), then by push.
 */
function appendSmall<T>(list: T[] | null, item: T): T[] {
  if (list === null) return [item];
  switch (list.length) {
    case 1:
      return [list[0], item];
    case 2:
      return [list[0], list[1], item];
    default:
      list.push(item);
      return list;
  }
}

export class StepContext {
  // Every field is set by begin(), in one order (one hidden class), so that step() can reuse a
  // context from one step to the next: see takeStepContext below.
  s!: Draft;
  // Output lists are created on first use: most steps fill two or three of them, and a step is
  // the simulator's innermost loop.
  private _messages!: Message[] | null;
  private _apply!: ApplyEntry[] | null;
  private _reads!: ReadResult[] | null;
  private _proposed!: Proposed[] | null;
  private _errors!: RaftError[] | null;
  /** The actions so far, as an interned list while short (see action-lists.ts), then as this step's own. */
  private _actionList!: ActionList;
  private _actions!: ActionName[] | null;
  private _selfInbox!: Message[] | null;
  restore!: Snapshot | null;
  private pending!: PendingPersist | null;
  /** A list of entries this step made and no one else holds (a proposal's): see ownEntries. */
  private ownedEntries!: readonly Entry[] | null;
  // Leader state is copied at most once per step, on first write; later writes in the same step
  // edit that private copy. The caller's state is never touched, and a step that updates
  // progress five times pays for one copy, not five. The progress record and each follower's
  // entry in it are copied the same way, separately: most leader steps touch one follower or none.
  private ownedLeader!: LeaderState | null;
  private progressRecordOwned!: boolean;
  /**
   * Followers whose progress this step already copied: most steps copy one follower's or none, so
   * the first is kept in a field and only a step that copies several pays for a list.
   */
  private firstOwnedProgress!: string | null;
  /** The second: a leader of three nodes (two followers, both sent to by a proposal) needs no list. */
  private secondOwnedProgress!: string | null;
  private moreOwnedProgress!: string[] | null;

  constructor(state: RaftState) {
    this.begin(state);
  }

  /** Starts a step on `state`: a fresh draft of it, and everything else empty. */
  begin(state: RaftState): void {
    this.s = copyState(state) as Draft;
    this.clear();
  }

  /** Drops everything but the draft (which begin replaces). */
  clear(): void {
    this._messages = null;
    this._apply = null;
    this._reads = null;
    this._proposed = null;
    this._errors = null;
    this._actionList = NO_ACTIONS;
    this._actions = null;
    this._selfInbox = null;
    this.restore = null;
    this.pending = null;
    this.ownedEntries = null;
    this.ownedLeader = null;
    this.progressRecordOwned = false;
    this.firstOwnedProgress = null;
    this.secondOwnedProgress = null;
    this.moreOwnedProgress = null;
  }

  get messages(): Message[] {
    return (this._messages ??= []);
  }
  get apply(): ApplyEntry[] {
    return (this._apply ??= []);
  }
  /** Hands `entries` (indexes from `from` on) to the application, in one list of the final size. */
  addApplied(from: LogIndex, entries: readonly Entry[]): void {
    let applied: ApplyEntry[];
    if (entries.length === 1) {
      applied = [{ index: from, entry: entries[0] }];
    } else {
      applied = new Array<ApplyEntry>(entries.length);
      for (let k = 0; k < entries.length; k++) applied[k] = { index: from + k, entry: entries[k] };
    }
    if (this._apply === null) this._apply = applied;
    else for (let k = 0; k < applied.length; k++) this._apply.push(applied[k]);
  }
  get reads(): ReadResult[] {
    return (this._reads ??= []);
  }
  get proposed(): Proposed[] {
    return (this._proposed ??= []);
  }
  /** As proposed.push, but a step's first proposal starts a list of one rather than of 17. */
  addProposed(proposal: Proposed): void {
    this._proposed = appendSmall(this._proposed, proposal);
  }
  get errors(): RaftError[] {
    return (this._errors ??= []);
  }
  /** Released self-addressed messages, processed before the step returns (drainSelfInbox). */
  get selfInbox(): readonly Message[] {
    return this._selfInbox ?? EMPTY_LIST;
  }
  pushSelf(message: Message): void {
    this._selfInbox = appendSmall(this._selfInbox, message);
  }
  /** Replaces the newest self-addressed message (see supersedesOwnAck in step.ts). */
  replaceNewestSelf(message: Message): void {
    const inbox = this._selfInbox;
    invariant(inbox !== null && inbox.length > 0, 'no self-addressed message to replace');
    inbox[inbox.length - 1] = message;
  }
  clearSelfInbox(): void {
    this._selfInbox = null;
  }
  hasSelfMessages(): boolean {
    return this._selfInbox !== null && this._selfInbox.length > 0;
  }

  get id(): string {
    return this.s.config.id;
  }

  // Most steps perform one to three actions and send at most two messages. A list built as a
  // literal is allocated at its size; the first push onto a full list reserves room for 17 more.
  action(name: ActionName): void {
    if (this._actions !== null) this._actions.push(name);
    else if (this._actionList.names.length < MAX_INTERNED_ACTIONS) this._actionList = extendActions(this._actionList, name);
    else this._actions = [...this._actionList.names, name];
  }

  send(message: Message): void {
    this._messages = appendSmall(this._messages, message);
  }

  /** Sends a message whose meaning depends on durable state: see the contract above. */
  respond(message: Message): void {
    const s = this.s;
    if (s.persistSeq > s.durableSeq) {
      s.held = heldPush(s.held, { seq: s.persistSeq, message });
    } else if (message.to === this.id) {
      this.pushSelf(message);
    } else {
      this.send(message);
    }
  }

  private record(): PendingPersist {
    if (!this.pending) {
      this.s.persistSeq += 1;
      this.pending = { seq: this.s.persistSeq };
    }
    return this.pending;
  }

  persistHardState(): void {
    if (this.pending === null) {
      // The step's first write, as one literal with the fields record() and the stores below would
      // add, in their order: the record then holds them in place, with no separate property store
      // (adding fields to a one-field literal allocates one) and no shape changes on the way.
      this.s.persistSeq += 1;
      this.pending = { seq: this.s.persistSeq, term: this.s.term, votedFor: this.s.votedFor };
      return;
    }
    const r = this.pending;
    r.term = this.s.term;
    r.votedFor = this.s.votedFor;
  }

  persistTruncate(from: LogIndex): void {
    const r = this.record();
    if (r.appendFrom !== undefined && from >= r.appendFrom) {
      // Only entries written in this very step are cut: the earlier log is untouched.
      r.entries = (r.entries as Entry[]).slice(0, from - r.appendFrom);
      if (r.entries.length === 0) {
        delete r.appendFrom;
        delete r.entries;
      }
      return;
    }
    r.truncateFrom = r.truncateFrom === undefined ? from : Math.min(r.truncateFrom, from);
    delete r.appendFrom;
    delete r.entries;
  }

  persistAppend(from: LogIndex, entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    if (this.pending === null) {
      // As in persistHardState: the first write as one literal, fields in record()'s order. The
      // list of a proposal made in this step is the step's own (see ownEntries): kept, not copied.
      this.s.persistSeq += 1;
      const own = entries === this.ownedEntries ? (entries as Entry[]) : entries.length === 1 ? [entries[0]] : entries.slice();
      this.pending = { seq: this.s.persistSeq, appendFrom: from, entries: own };
      return;
    }
    const r = this.pending;
    invariant(r.snapshot === undefined || from > r.snapshot.index, 'append before a snapshot in one persist record');
    if (r.appendFrom === undefined) {
      r.appendFrom = from;
      r.entries = entries.length === 1 ? [entries[0]] : entries.slice();
    } else {
      invariant(from === r.appendFrom + (r.entries as Entry[]).length, 'non-contiguous appends in one persist record');
      (r.entries as Entry[]).push(...entries);
    }
  }

  /**
   * Marks `entries` as made in this step and held by nobody else, so that the persist record may
   * keep the list itself rather than a copy (the log copies what it appends; the record is the
   * only other holder). Only one list at a time: the newest proposal's.
   */
  ownEntries(entries: readonly Entry[]): void {
    this.ownedEntries = entries;
  }

  persistSnapshot(snapshot: Snapshot): void {
    const r = this.record();
    invariant(r.appendFrom === undefined && r.truncateFrom === undefined, 'snapshot after log writes in one persist record');
    r.snapshot = snapshot;
  }

  leader(): LeaderState {
    invariant(this.s.leader !== null, 'leader state used by a non-leader');
    return this.s.leader;
  }

  /** This step's private copy of the leader state, for direct writes (made on first use). */
  ownLeader(): Mutable<LeaderState> {
    const leader = this.leader();
    if (this.ownedLeader !== leader) {
      this.s.leader = copyLeaderState(leader);
      this.ownedLeader = this.s.leader;
      this.progressRecordOwned = false;
    }
    return this.s.leader as Mutable<LeaderState>;
  }

  updateLeader(patch: Partial<LeaderState>): void {
    Object.assign(this.ownLeader(), patch);
    // A record handed in is not ours to edit: copy it again on the next write.
    if (patch.progress !== undefined) this.progressRecordOwned = false;
  }

  progress(id: string): Progress {
    const pr = this.leader().progress[id];
    // Not invariant(): its message would be built on every call.
    if (pr === undefined) throw new InternalInvariantError(`no progress for ${id}`);
    return pr;
  }

  /** This step's private copy of one follower's progress, for direct writes (made on first use). */
  ownProgress(id: string): Mutable<Progress> {
    const leader = this.ownLeader();
    if (!this.progressRecordOwned) {
      leader.progress = { ...leader.progress };
      this.progressRecordOwned = true;
      this.firstOwnedProgress = null;
      this.secondOwnedProgress = null;
      if (this.moreOwnedProgress !== null) this.moreOwnedProgress.length = 0;
    }
    const progress = leader.progress as Record<string, Progress>;
    if (!this.ownsProgress(id)) {
      progress[id] = copyProgress(this.progress(id));
      if (this.firstOwnedProgress === null) this.firstOwnedProgress = id;
      else if (this.secondOwnedProgress === null) this.secondOwnedProgress = id;
      else (this.moreOwnedProgress ??= []).push(id);
    }
    return progress[id] as Mutable<Progress>;
  }

  private ownsProgress(id: string): boolean {
    return this.firstOwnedProgress === id || this.secondOwnedProgress === id || (this.moreOwnedProgress !== null && this.moreOwnedProgress.includes(id));
  }

  updateProgress(id: string, patch: Partial<Progress>): Progress {
    return Object.assign(this.ownProgress(id), patch);
  }

  /** Nothing to report but interned actions: the output can be a shared one (see action-lists.ts). */
  private isQuiet(): boolean {
    return this._messages === null && this.pending === null && this._apply === null && this.restore === null && this._reads === null &&
      this._proposed === null && this._errors === null && this._actions === null;
  }

  finish(): { state: RaftState; output: Output } {
    const persist: PersistRecord | null = this.pending;
    if (this.isQuiet()) return { state: this.s, output: quietOutput(this._actionList) };
    return {
      state: this.s,
      output: {
        messages: this._messages ?? EMPTY_LIST,
        persist,
        apply: this._apply ?? EMPTY_LIST,
        restore: this.restore,
        reads: this._reads ?? EMPTY_LIST,
        proposed: this._proposed ?? EMPTY_LIST,
        errors: this._errors ?? EMPTY_LIST,
        actions: this._actions ?? this._actionList.names,
      },
    };
  }
}

/**
 * One context kept between steps: a step takes it (or makes one if it is taken, as by a step that
 * began inside another) and gives it back when it returns. Nothing of a finished step stays in it
 * (release), so reuse is invisible: a context is scratch space, never part of a state or output.
 */
let spareContext: StepContext | null = null;

export function takeStepContext(state: RaftState): StepContext {
  const ctx = spareContext;
  if (ctx === null) return new StepContext(state);
  spareContext = null;
  ctx.begin(state);
  return ctx;
}

/** Returns a finished step's context for reuse, after dropping what it referred to. */
export function releaseStepContext(ctx: StepContext): void {
  ctx.s = RELEASED;
  ctx.clear();
  spareContext = ctx;
}

/** The draft of a context between steps: none (a context is used only between begin and release). */
const RELEASED = null as unknown as Draft;
