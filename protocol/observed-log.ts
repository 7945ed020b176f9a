// A node's log and hard state as the protocol shows them: not sent with each output, but folded
// from the node's persist records over the durable state it started from. The same fold is the
// protocol's storage semantics (a record's parts apply in the order snapshot, hard state,
// truncation, append), so drivers, disks and checkers all use this one class.

import type { DurableState, Entry, NodeId, PersistRecord, Snapshot, Term } from './types';

export class PersistSequenceError extends Error {
  override readonly name = 'PersistSequenceError';
  constructor(readonly field: string, readonly rule: string) {
    super(`${field} ${rule}`);
  }
}

export class ObservedLog {
  term: Term = 0;
  votedFor: NodeId | null = null;
  snapshot: Snapshot | null = null;
  /** entries[k] is the entry at index snapshotIndex + 1 + k. */
  private entries: Entry[] = [];

  constructor(durable?: DurableState) {
    if (durable === undefined) return;
    this.term = durable.term;
    this.votedFor = durable.votedFor;
    this.snapshot = durable.snapshot;
    this.entries = durable.entries.slice();
  }

  get snapshotIndex(): number {
    return this.snapshot === null ? 0 : this.snapshot.index;
  }

  get snapshotTerm(): Term {
    return this.snapshot === null ? 0 : this.snapshot.term;
  }

  get lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  get lastTerm(): Term {
    return this.entries.length === 0 ? this.snapshotTerm : this.entries[this.entries.length - 1].term;
  }

  /** The term at `index`: 0 at index 0, undefined if compacted away or beyond the end. */
  termAt(index: number): Term | undefined {
    const s = this.snapshotIndex;
    if (index === s) return this.snapshotTerm;
    if (index < s || index > s + this.entries.length) return undefined;
    return this.entries[index - s - 1].term;
  }

  entryAt(index: number): Entry | undefined {
    const s = this.snapshotIndex;
    return index <= s || index > s + this.entries.length ? undefined : this.entries[index - s - 1];
  }

  /** The terms of entries first..last, clipped to what the log holds: an O(n) copy, for checkers that keep a log. */
  termsBetween(first: number, last: number): number[] {
    const base = this.snapshotIndex + 1;
    const out: number[] = [];
    for (let i = Math.max(first, base); i <= Math.min(last, this.lastIndex); i++) out.push(this.entries[i - base].term);
    return out;
  }

  /** A copy of everything, as a restarted node would get it. */
  durableState(): DurableState {
    return { term: this.term, votedFor: this.votedFor, snapshot: this.snapshot, entries: this.entries.slice() };
  }

  /**
   * Applies one record; throws PersistSequenceError, naming the record's field, if it does not fit.
   * `keepEntries` < entries.length applies a torn write: everything but the entries' tail.
   */
  apply(record: PersistRecord, keepEntries?: number): void {
    if (record.snapshot !== undefined) {
      const s = record.snapshot;
      const keep = s.index > this.snapshotIndex && s.index <= this.lastIndex && this.termAt(s.index) === s.term;
      this.entries = keep ? this.entries.slice(s.index - this.snapshotIndex) : [];
      this.snapshot = s;
    }
    if (record.term !== undefined) this.term = record.term;
    if (record.votedFor !== undefined) this.votedFor = record.votedFor;
    const base = this.snapshotIndex + 1;
    if (record.truncateFrom !== undefined) {
      if (record.truncateFrom < base) throw new PersistSequenceError('truncateFrom', `${record.truncateFrom} reaches into the snapshot (first index ${base})`);
      this.entries.length = Math.min(this.entries.length, record.truncateFrom - base);
    }
    const entries = record.entries;
    if (entries !== undefined && entries.length > 0) {
      const expected = base + this.entries.length;
      if (record.appendFrom !== expected) {
        throw new PersistSequenceError('appendFrom', `is ${record.appendFrom}, but the log (after any truncation) ends at ${expected - 1}: appends go exactly at its end`);
      }
      let previous = this.lastTerm;
      const n = keepEntries === undefined ? entries.length : Math.min(keepEntries, entries.length);
      for (let k = 0; k < n; k++) {
        const e = entries[k];
        if (e.term < previous) throw new PersistSequenceError(`entries[${k}].term`, `${e.term} is below the term before it (${previous}): terms never decrease along a log`);
        previous = e.term;
        this.entries.push(e);
      }
    }
  }
}
