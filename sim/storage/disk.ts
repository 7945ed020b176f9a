import type { DurableState, Entry, NodeId, PersistRecord } from '../../core/types';
import { checkDurableState, type DurableViolation } from '../../core/durable-invariants';
import type { Rng } from '../random/rng';
import { DiskWriteError, DurableLog } from './durable-log';

export { applyRecord, DiskWriteError, DurableLog, EMPTY_DURABLE_STATE, type DiskWriteErrorKind } from './durable-log';

/** What a crash did to the unsynced tail. */
export interface CrashReport {
  /** Records written but not yet synced when the crash hit. */
  readonly unsyncedRecords: number;
  /** How many of those reached the disk anyway (always a prefix of them, in write order). */
  readonly survivedRecords: number;
  /** The last surviving record kept only a prefix of its entries. */
  readonly torn: boolean;
  /** Entries written but lost: whole lost records plus the torn record's missing suffix. */
  readonly lostEntries: number;
}

export interface SimDiskOptions {
  /** Chance that the last surviving unsynced record is torn (when it has entries). Default 0.5. */
  readonly tornWriteProbability?: number;
  /** Every node that may ever be a voter (membership changes add some), so a restore can check whom the stored vote went to. */
  readonly voters?: readonly NodeId[];
}

/**
 * The disk holds a state that breaks a durable invariant (core/durable-invariants): no correct
 * node writes one, so a restart from it is refused, as the browser's storage refuses to load it.
 */
export class DiskStateError extends Error {
  override readonly name = 'DiskStateError';
  constructor(readonly violation: DurableViolation, readonly when: 'initial' | 'restore') {
    super(`${when === 'initial' ? 'initial disk state' : 'state on disk at restore'} breaks ${violation.invariant}: ${violation.detail}`);
  }
}

/**
 * One node's simulated disk. Writes land in a volatile queue; `sync(seq)` makes every record up to
 * seq durable; `crash` keeps the durable state plus a random prefix of the queue, the last record
 * possibly torn. Writes are validated on arrival against everything written so far (the node's own
 * view, like an OS page cache), so a bad record fails at the step that produced it.
 */
export class SimDisk {
  private durable: DurableLog;
  /** The log as the node sees it: durable state plus every pending record. Only for validation. */
  private written: DurableLog;
  private pending: PersistRecord[] = [];
  /** pending[0 .. head) are already synced; compacted lazily so sync never shifts the array. */
  private head = 0;
  private _lastSeq: number;
  private _lastSyncedSeq: number;
  private readonly tornWriteProbability: number;
  private readonly voters: readonly NodeId[] | undefined;

  /** Throws DiskStateError when `initial` breaks a durable invariant. */
  constructor(initial?: DurableState, options: SimDiskOptions = {}) {
    this.voters = options.voters;
    this.writtenLog = liveLogView(() => this.written);
    this.durableLog = liveLogView(() => this.durable);
    if (initial) this.refuseBroken(initial, 'initial');
    this.durable = new DurableLog(initial, options.voters);
    this.written = new DurableLog(initial, options.voters);
    this._lastSeq = 0;
    this._lastSyncedSeq = 0;
    this.tornWriteProbability = options.tornWriteProbability ?? 0.5;
  }

  /**
   * The node's log as its records wrote it, synced or not (the protocol's fold, docs/node-protocol.md
   * §5): the (index, term) pairs the safety checker reads. Live: it follows writes and crashes.
   */
  readonly writtenLog: LogView;

  /** The (index, term) pairs of what is durable (synced, or kept by a crash): live, like writtenLog. */
  readonly durableLog: LogView;

  /** The entries after the snapshot in the written log, with their indexes (a copy: for scripts, not per event). */
  writtenEntries(): { readonly index: number; readonly entry: Entry }[] {
    const base = this.written.base;
    return this.written.entries.map((entry, k) => ({ index: base + 1 + k, entry }));
  }

  /** The seq of the last record written (and surviving, after a crash). A restarted node continues from it. */
  get lastSeq(): number {
    return this._lastSeq;
  }

  /** The seq of the last record known durable. */
  get lastSyncedSeq(): number {
    return this._lastSyncedSeq;
  }

  /** Queues a record; it is lost on a crash unless synced first. Throws DiskWriteError on a corrupt sequence. */
  write(record: PersistRecord): void {
    if (!(record.seq > this._lastSeq)) {
      throw new DiskWriteError('seqNotIncreasing', record.seq, `seq must exceed the last written seq ${this._lastSeq}`);
    }
    this.written.apply(record);
    this.pending.push(record);
    this._lastSeq = record.seq;
  }

  /** Makes every written record with seq <= uptoSeq durable. */
  sync(uptoSeq: number): void {
    const pending = this.pending;
    let head = this.head;
    while (head < pending.length && pending[head]!.seq <= uptoSeq) {
      const record = pending[head]!;
      // `written` accepted this record from the state `durable` is in now (both logs take the
      // same records in the same order from the same start): checking it again cannot fail.
      this.durable.applyAccepted(record);
      this._lastSyncedSeq = record.seq;
      pending[head] = undefined as unknown as PersistRecord;
      head++;
    }
    if (head === pending.length) {
      pending.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > pending.length) {
      pending.splice(0, head);
      head = 0;
    }
    this.head = head;
  }

  /** Number of written records not yet synced. */
  pendingSeqs(): number {
    return this.pending.length - this.head;
  }

  /** Simulates power loss: decides what of the unsynced tail survives. The disk stays usable afterwards. */
  crash(rng: Rng): CrashReport {
    const unsynced = this.pending.slice(this.head);
    const survived = rng.int(0, unsynced.length + 1);
    let lostEntries = 0;
    for (let i = survived; i < unsynced.length; i++) lostEntries += unsynced[i]!.entries?.length ?? 0;
    let torn = false;
    for (let i = 0; i < survived; i++) {
      const record = unsynced[i]!;
      const count = record.entries?.length ?? 0;
      if (i === survived - 1 && count > 0 && rng.chance(this.tornWriteProbability)) {
        const kept = rng.int(0, count);
        torn = true;
        lostEntries += count - kept;
        this.durable.apply(record, kept);
      } else {
        this.durable.applyAccepted(record);
      }
    }
    // What survived is on the platter now: it is the durable state the next life starts from.
    this._lastSeq = survived > 0 ? unsynced[survived - 1]!.seq : this._lastSyncedSeq;
    this._lastSyncedSeq = this._lastSeq;
    this.pending = [];
    this.head = 0;
    this.written = new DurableLog(this.durable.toDurableState(), this.voters);
    return { unsyncedRecords: unsynced.length, survivedRecords: survived, torn, lostEntries };
  }

  /**
   * What a restart sees (a copy; meant to be called at restart, not per event). Checked with the
   * same invariants as the browser's load: throws DiskStateError rather than restore a state no
   * correct node writes.
   */
  durableState(): DurableState {
    const state = this.durable.toDurableState();
    this.refuseBroken(state, 'restore');
    return state;
  }

  private refuseBroken(state: DurableState, when: 'initial' | 'restore'): void {
    const broken = checkDurableState(state, { voters: this.voters });
    if (broken) throw new DiskStateError(broken, when);
  }
}

/** The (index, term) pairs of a log, read through to whichever DurableLog `current` returns now. */
export interface LogView {
  termAt(index: number): number | undefined;
  readonly snapshotIndex: number;
  readonly lastIndex: number;
}

function liveLogView(current: () => DurableLog): LogView {
  return {
    termAt: (index) => current().termAt(index),
    get snapshotIndex() {
      return current().base;
    },
    get lastIndex() {
      return current().lastIndex;
    },
  };
}
