import type { DurableState, Entry, LogIndex, NodeId, PersistRecord, Snapshot, Term } from '../../core/types';
import { applyCheckedRecordInPlace, applyPersistRecordInPlace, DurableInvariantError } from '../../core/persist';
import type { DurableInvariant } from '../../core/durable-invariants';

export type DiskWriteErrorKind =
  /** appendFrom is not the last index + 1 after truncation. */
  | 'appendGap'
  /** Entries without an appendFrom: nobody can tell where they go. */
  | 'missingAppendFrom'
  /** Truncation would remove entries covered by the snapshot (committed entries). */
  | 'truncateIntoSnapshot'
  /** A snapshot older than the one on disk. */
  | 'staleSnapshot'
  /** The persisted term would go down. */
  | 'termRegression'
  /** A different vote in the same term: the node would vote twice. */
  | 'voteChangedInTerm'
  /** Records must carry strictly increasing seqs. */
  | 'seqNotIncreasing'
  /** A field has the wrong type or range. */
  | 'malformedRecord'
  /** The result would break a durable invariant (core/durable-invariants; `invariant` names it). */
  | 'brokenInvariant';

/**
 * A write sequence no correct core can produce. The disk refuses it (leaving itself unchanged),
 * because silently applying it would turn a core bug into a confusing later symptom.
 */
export class DiskWriteError extends Error {
  override readonly name = 'DiskWriteError';
  constructor(
    readonly kind: DiskWriteErrorKind,
    readonly seq: number,
    message: string,
    /** Which one, for kind 'brokenInvariant'. */
    readonly invariant?: DurableInvariant,
  ) {
    super(`persist record seq=${seq}: ${kind}: ${message}`);
  }
}

function isIndex(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

/**
 * The on-disk state of one node, mutable so that appends cost O(entries appended).
 * `entries[i]` holds log index `base + 1 + i`, where base is the snapshot's index (0 without one).
 */
export class DurableLog {
  term: Term;
  votedFor: NodeId | null;
  snapshot: Snapshot | null;
  entries: Entry[];

  /** The deployment's node ids, for VoteForMember (core/durable-invariants.ts): the options every record is applied with, made once. */
  private readonly applyOptions: { readonly voters: readonly NodeId[] | undefined };

  constructor(initial?: DurableState, voters?: readonly NodeId[]) {
    this.applyOptions = { voters };
    this.term = initial?.term ?? 0;
    this.votedFor = initial?.votedFor ?? null;
    this.snapshot = initial?.snapshot ?? null;
    this.entries = initial ? initial.entries.slice() : [];
  }

  get base(): LogIndex {
    return this.snapshot ? this.snapshot.index : 0;
  }

  get lastIndex(): LogIndex {
    return this.base + this.entries.length;
  }

  /** The term of the entry at `index`, the snapshot's term at its index, else undefined. */
  termAt(index: LogIndex): Term | undefined {
    const base = this.base;
    if (index === base) return this.snapshot ? this.snapshot.term : index === 0 ? 0 : undefined;
    if (index < base || index > base + this.entries.length) return undefined;
    return this.entries[index - base - 1]!.term;
  }

  /**
   * Applies one record: snapshot, then hard state, then truncation, then append. The whole record
   * is validated first, so a refused record changes nothing. `entryLimit` keeps only a prefix of
   * the record's entries: a torn write.
   */
  apply(record: PersistRecord, entryLimit = Number.POSITIVE_INFINITY): void {
    this.validate(record);
    // What a record means is core's to say; the disk adds validation and torn writes only.
    const torn = record.entries !== undefined && entryLimit < record.entries.length;
    try {
      applyPersistRecordInPlace(this, torn ? { ...record, entries: (record.entries as readonly Entry[]).slice(0, entryLimit) } : record, this.applyOptions);
    } catch (e) {
      // Refused before anything changed (core checks first): the disk is as it was.
      if (e instanceof DurableInvariantError) throw new DiskWriteError('brokenInvariant', record.seq, e.violation.detail, e.violation.invariant);
      throw e;
    }
  }

  /**
   * Applies a record that another DurableLog accepted (apply) from a state equal to this one's:
   * the same checks would give the same verdict, so they are skipped. SimDisk's durable copy
   * replays the written copy's records this way at fsync.
   */
  applyAccepted(record: PersistRecord): void {
    applyCheckedRecordInPlace(this, record);
  }

  /** A detached copy: what a restarting node reads. */
  toDurableState(): DurableState {
    return { term: this.term, votedFor: this.votedFor, snapshot: this.snapshot, entries: this.entries.slice() };
  }

  private validate(r: PersistRecord): void {
    const seq = r.seq;
    const fail = (kind: DiskWriteErrorKind, message: string): never => {
      throw new DiskWriteError(kind, seq, message);
    };
    if (typeof seq !== 'number' || !Number.isFinite(seq)) fail('malformedRecord', 'seq must be a finite number');
    if (r.term !== undefined && !isIndex(r.term)) fail('malformedRecord', `term ${String(r.term)} is not a non-negative integer`);
    if (r.votedFor !== undefined && r.votedFor !== null && typeof r.votedFor !== 'string') fail('malformedRecord', 'votedFor must be a string or null');
    if (r.truncateFrom !== undefined && !(isIndex(r.truncateFrom) && r.truncateFrom >= 1)) fail('malformedRecord', `truncateFrom ${String(r.truncateFrom)} is not an index >= 1`);
    if (r.appendFrom !== undefined && !(isIndex(r.appendFrom) && r.appendFrom >= 1)) fail('malformedRecord', `appendFrom ${String(r.appendFrom)} is not an index >= 1`);
    if (r.entries !== undefined && !Array.isArray(r.entries)) fail('malformedRecord', 'entries must be an array');

    // Walk the record's parts against the indices they would produce, without mutating anything.
    let base = this.base;
    let last = this.lastIndex;
    const snap = r.snapshot;
    if (snap !== undefined) {
      if (snap === null || !isIndex(snap.index) || !isIndex(snap.term)) fail('malformedRecord', 'snapshot needs integer index and term');
      if (snap.index < base) fail('staleSnapshot', `snapshot index ${snap.index} is older than the disk's ${base}`);
      last = this.termAt(snap.index) === snap.term ? Math.max(last, snap.index) : snap.index;
      base = snap.index;
    }
    if (r.term !== undefined && r.term < this.term) fail('termRegression', `term ${r.term} < persisted term ${this.term}`);
    if (r.votedFor !== undefined) {
      const termAfter = r.term ?? this.term;
      if (termAfter === this.term && this.votedFor !== null && r.votedFor !== this.votedFor) {
        fail('voteChangedInTerm', `vote for ${String(r.votedFor)} in term ${termAfter}, which already has a vote for ${this.votedFor}`);
      }
    }
    if (r.truncateFrom !== undefined) {
      if (r.truncateFrom <= base) fail('truncateIntoSnapshot', `truncateFrom ${r.truncateFrom} <= snapshot index ${base}`);
      last = Math.min(last, r.truncateFrom - 1);
    }
    const count = r.entries?.length ?? 0;
    if (count > 0 && r.appendFrom === undefined) fail('missingAppendFrom', `${count} entries without appendFrom`);
    if (r.appendFrom !== undefined && r.appendFrom !== last + 1) {
      fail('appendGap', `appendFrom ${r.appendFrom} but the log ends at ${last} after truncation (expected ${last + 1})`);
    }
  }
}

/**
 * The reference semantics of one persist record, as a pure function (copies the log: O(log size)).
 * SimDisk applies records incrementally with the same rules; tests compare the two.
 */
export function applyRecord(state: DurableState, record: PersistRecord): DurableState {
  const log = new DurableLog(state);
  log.apply(record);
  return log.toDurableState();
}

export { EMPTY_DURABLE_STATE } from '../../core';
