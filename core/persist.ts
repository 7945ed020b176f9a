// What a PersistRecord means to storage, written once so that every storage layer (the
// simulator's disk, the browser's localStorage, the test harness) applies records the same way.

import type { DurableState, Entry, PersistRecord } from './types';

export class PersistSequenceError extends Error {
  override readonly name = 'PersistSequenceError';
}

function firstIndex(state: DurableState): number {
  return state.snapshot ? state.snapshot.index + 1 : 1;
}

/** Applies one record: snapshot, then hard state, then truncation, then the append. */
export function applyPersistRecord(state: DurableState, record: PersistRecord): DurableState {
  let { term, votedFor, snapshot, entries } = state;
  if (record.snapshot) {
    const old = firstIndex(state);
    const at = record.snapshot.index - old;
    const keep = at >= 0 && at < entries.length && entries[at].term === record.snapshot.term;
    entries = keep ? entries.slice(at + 1) : [];
    snapshot = record.snapshot;
  }
  if (record.term !== undefined) term = record.term;
  if (record.votedFor !== undefined) votedFor = record.votedFor;
  const base = snapshot ? snapshot.index + 1 : 1;
  if (record.truncateFrom !== undefined) {
    if (record.truncateFrom < base) throw new PersistSequenceError(`truncation at ${record.truncateFrom} reaches into the snapshot (first index ${base})`);
    entries = entries.slice(0, record.truncateFrom - base);
  }
  if (record.entries !== undefined && record.entries.length > 0) {
    const expected = base + entries.length;
    if (record.appendFrom !== expected) {
      throw new PersistSequenceError(`append at ${record.appendFrom} does not follow the stored log ending at ${expected - 1}`);
    }
    entries = (entries as Entry[]).concat(record.entries);
  }
  return { term, votedFor, snapshot, entries };
}

export const EMPTY_DURABLE_STATE: DurableState = Object.freeze({ term: 0, votedFor: null, snapshot: null, entries: Object.freeze([]) as readonly Entry[] });
