// The Raft log as an immutable value: a snapshot boundary plus the entries after it.
// Index 0 is the empty prefix (term 0). Entries at or before `snapshotIndex` are compacted away.

import type { Entry, LogIndex, Term } from './types';
import {
  PersistentVector,
  emptyVector,
  vectorFromArray,
  vectorGet,
  vectorPushAll,
  vectorSlice,
  vectorTake,
} from './persistent-vector';

export interface RaftLog {
  readonly snapshotIndex: LogIndex;
  readonly snapshotTerm: Term;
  readonly entries: PersistentVector<Entry>;
}

export const EMPTY_LOG: RaftLog = Object.freeze({ snapshotIndex: 0, snapshotTerm: 0, entries: emptyVector<Entry>() });

export function lastIndex(log: RaftLog): LogIndex {
  return log.snapshotIndex + log.entries.size;
}

export function lastTerm(log: RaftLog): Term {
  return log.entries.size === 0 ? log.snapshotTerm : vectorGet(log.entries, log.entries.size - 1).term;
}

/** The term of the entry at `index`, or undefined if it is compacted or beyond the end. */
export function termAt(log: RaftLog, index: LogIndex): Term | undefined {
  if (index === log.snapshotIndex) return log.snapshotTerm;
  if (index < log.snapshotIndex || index > lastIndex(log)) return undefined;
  return vectorGet(log.entries, index - log.snapshotIndex - 1).term;
}

export function entryAt(log: RaftLog, index: LogIndex): Entry | undefined {
  if (index <= log.snapshotIndex || index > lastIndex(log)) return undefined;
  return vectorGet(log.entries, index - log.snapshotIndex - 1);
}

/** Entries with indexes in [from, to], clipped to what the log holds. */
export function entriesBetween(log: RaftLog, from: LogIndex, to: LogIndex): Entry[] {
  const base = log.snapshotIndex + 1;
  return vectorSlice(log.entries, Math.max(from, base) - base, to - base + 1);
}

export function appendEntries(log: RaftLog, entries: readonly Entry[]): RaftLog {
  if (entries.length === 0) return log;
  return { snapshotIndex: log.snapshotIndex, snapshotTerm: log.snapshotTerm, entries: vectorPushAll(log.entries, entries) };
}

/** Drops every entry with index >= `from`. Callers guarantee `from` is after the snapshot. */
export function truncateFrom(log: RaftLog, from: LogIndex): RaftLog {
  return { snapshotIndex: log.snapshotIndex, snapshotTerm: log.snapshotTerm, entries: vectorTake(log.entries, from - log.snapshotIndex - 1) };
}

/**
 * Discards the prefix up to `index` (§7). If the log holds a matching entry at `index`, the suffix
 * after it survives; otherwise the log restarts empty after the snapshot.
 */
export function compactTo(log: RaftLog, index: LogIndex, term: Term): RaftLog {
  const keepSuffix = termAt(log, index) === term;
  const suffix = keepSuffix ? entriesBetween(log, index + 1, lastIndex(log)) : [];
  return { snapshotIndex: index, snapshotTerm: term, entries: vectorFromArray(suffix) };
}

export function logFromEntries(snapshotIndex: LogIndex, snapshotTerm: Term, entries: readonly Entry[]): RaftLog {
  return { snapshotIndex, snapshotTerm, entries: vectorFromArray(entries) };
}

/**
 * Terms never decrease along a log, so both lookups below are binary searches rather than scans;
 * fast backtracking calls them once per rejected AppendEntries.
 */
export function lastIndexOfTerm(log: RaftLog, term: Term): LogIndex | undefined {
  let lo = log.snapshotIndex;
  let hi = lastIndex(log);
  if ((termAt(log, lo) as Term) > term) return undefined;
  // Invariant: termAt(lo) <= term; find the largest index whose term is <= term.
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    if ((termAt(log, mid) as Term) <= term) lo = mid;
    else hi = mid - 1;
  }
  return termAt(log, lo) === term ? lo : undefined;
}

export function firstIndexOfTerm(log: RaftLog, term: Term, atOrBefore: LogIndex): LogIndex {
  let lo = log.snapshotIndex + 1;
  let hi = Math.min(atOrBefore, lastIndex(log));
  // Find the smallest index in [lo, hi] whose term is >= term.
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if ((termAt(log, mid) as Term) >= term) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
