// What a PersistRecord means to storage, written once so that every storage layer (the
// simulator's disk, the browser's localStorage, the test harness) applies records the same way.

import type { DurableState, Entry, NodeId, PersistRecord, Snapshot, Term } from './types';
import { DurableViolation, entriesSurvivingSnapshot, recordViolation, type DurableCheckOptions } from './durable-invariants';

/** A record that does not follow the stored state. Storage refuses it and writes nothing. */
export class PersistSequenceError extends Error {
  override readonly name: string = 'PersistSequenceError';
}

/**
 * A record whose result would break a durable invariant (./durable-invariants): a state that no
 * correct node writes and that load would refuse. A PersistSequenceError, so every storage layer
 * refuses it the same way, writing nothing.
 */
export class DurableInvariantError extends PersistSequenceError {
  override readonly name = 'DurableInvariantError';
  constructor(readonly violation: DurableViolation, readonly seq: number) {
    super(`persist record seq ${seq} would break ${violation.invariant}: ${violation.detail}`);
  }
}

/** A DurableState that storage layers update in place: appends must not copy the log. */
export interface MutableDurableState {
  term: Term;
  votedFor: NodeId | null;
  snapshot: Snapshot | null;
  entries: Entry[];
}

/**
 * Applies one record in place: snapshot, then hard state, then truncation, then the append.
 * Throws DurableInvariantError, changing nothing, if the result would break a durable invariant.
 */
export function applyPersistRecordInPlace(state: MutableDurableState, record: PersistRecord, options: DurableCheckOptions = {}): void {
  // Checked before anything changes, so a refused record leaves the state as it was.
  const broken = recordViolation(state, record, options);
  if (broken) throw new DurableInvariantError(broken, record.seq);
  applyCheckedRecordInPlace(state, record);
}

/**
 * applyPersistRecordInPlace without the durable-invariant check, for a record already checked
 * against an equal state: a storage layer that keeps two copies of one log (written and durable)
 * applies each record to both from the same state, so the second check can only agree with the
 * first. Still refuses a record that does not follow the log (PersistSequenceError).
 */
export function applyCheckedRecordInPlace(state: MutableDurableState, record: PersistRecord): void {
  if (record.snapshot) {
    const survivesFrom = entriesSurvivingSnapshot(state.entries, state.snapshot, record.snapshot);
    state.entries = survivesFrom === null ? [] : state.entries.slice(survivesFrom);
    state.snapshot = record.snapshot;
  }
  if (record.term !== undefined) state.term = record.term;
  if (record.votedFor !== undefined) state.votedFor = record.votedFor;
  const base = state.snapshot ? state.snapshot.index + 1 : 1;
  if (record.truncateFrom !== undefined) {
    if (record.truncateFrom < base) throw new PersistSequenceError(`truncation at ${record.truncateFrom} reaches into the snapshot (first index ${base})`);
    state.entries.length = Math.min(state.entries.length, record.truncateFrom - base);
  }
  if (record.entries !== undefined && record.entries.length > 0) {
    const expected = base + state.entries.length;
    if (record.appendFrom !== expected) {
      throw new PersistSequenceError(`append at ${record.appendFrom} does not follow the stored log ending at ${expected - 1}`);
    }
    for (const e of record.entries) state.entries.push(e);
  }
}

export function toMutableDurableState(state: DurableState): MutableDurableState {
  return { term: state.term, votedFor: state.votedFor, snapshot: state.snapshot, entries: state.entries.slice() };
}

/** The pure form: returns a new state and leaves the given one untouched. */
export function applyPersistRecord(state: DurableState, record: PersistRecord, options: DurableCheckOptions = {}): DurableState {
  const next = toMutableDurableState(state);
  applyPersistRecordInPlace(next, record, options);
  return next;
}

export const EMPTY_DURABLE_STATE: DurableState = Object.freeze({ term: 0, votedFor: null, snapshot: null, entries: Object.freeze([]) as readonly Entry[] });
