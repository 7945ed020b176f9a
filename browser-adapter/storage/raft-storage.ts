// One Raft node's DurableState in a KeyValueStore (localStorage in the browser).
//
// WRaft kept its log in localStorage too, and a cluster could not come back once every tab had
// closed. The rules here exist so that cannot happen to a persist we acknowledged:
//   - append() returns only after every setItem it needs has returned: the caller may send
//     PersistAck{seq} to core as soon as it returns, and not before;
//   - writes go to fresh keys first and the metadata last, so the metadata write is the commit
//     point: a crash between any two writes loads as the previous state or the new one;
//   - every value carries a checksum and load() cross-checks them, so damage is reported as a
//     typed StorageCorruption and the node refuses to run rather than vote with a bad log.
// What a PersistRecord *means* is core's applyPersistRecord; this class only decides how to lay
// the resulting state out in keys, rewriting as little as it can.

import { applyPersistRecord, checkDurableState, PersistSequenceError } from '../../core';
import type { DurableState, Entry, PersistRecord, Snapshot } from '../../core';
import { KeyValueStore, isQuotaExceededError } from './key-value-store';
import { StorageCorruption, StorageFull, StorageUnavailable } from './errors';
import { FencedOut } from './fenced-store';
import {
  ChunkBuilder, ChunkRef, Meta, SnapshotRef, chunkKey, decodeChunk, decodeMeta, decodeSnapshotPart, encodeMeta,
  encodeSnapshotPart, entryJson, isDataKey, keyPrefix, metaKey, snapshotPartKey,
} from './layout';

export interface RaftStorageOptions {
  readonly cluster: string;
  readonly node: string;
  /** Entries per log chunk key. An append rewrites at most the last, partly filled chunk. */
  readonly maxEntriesPerChunk?: number;
  /** A chunk is closed once its value reaches this many UTF-16 units (one large entry may exceed it). */
  readonly maxChunkUnits?: number;
  /** Snapshot data is split into parts of at most this many UTF-16 units. */
  readonly maxSnapshotPartUnits?: number;
  /**
   * The node's configured voters. load() then refuses a stored vote for anyone else (without a
   * snapshot, storage has no other way to know the members).
   */
  readonly voters?: readonly string[];
}

export const DEFAULT_STORAGE_LIMITS = Object.freeze({
  maxEntriesPerChunk: 256,
  maxChunkUnits: 64 * 1024,
  maxSnapshotPartUnits: 256 * 1024,
});

export type LoadError = StorageCorruption | StorageUnavailable;

export type LoadResult =
  | { readonly ok: true; readonly state: DurableState; readonly lastSeq: number }
  | { readonly ok: false; readonly error: LoadError };

export interface StorageUsage {
  /** Keys under this node's prefix. */
  readonly keys: number;
  /** UTF-16 code units of those keys and their values (what localStorage's quota counts). */
  readonly units: number;
}

/** A chunk as this instance knows it: the metadata's reference plus its size, for packing. */
interface StoredChunk extends ChunkRef {
  readonly units: number;
  /** Kept for the last chunk only, so the next small append can extend it cheaply. */
  readonly builder?: ChunkBuilder;
}

interface Loaded {
  readonly state: DurableState;
  readonly meta: Meta;
  readonly chunks: readonly StoredChunk[];
}

const EMPTY_STATE: DurableState = Object.freeze({ term: 0, votedFor: null, snapshot: null, entries: Object.freeze([]) as readonly Entry[] });
const EMPTY_META: Meta = Object.freeze({ seq: 0, term: 0, votedFor: null, first: 1, last: 0, nextId: 0, snapshot: null, chunks: [] });

const chunkEnd = (c: ChunkRef): number => c.first + c.count - 1;
const withoutBuilder = (c: StoredChunk): StoredChunk => (c.builder ? { id: c.id, first: c.first, count: c.count, sum: c.sum, units: c.units } : c);
const firstIndexOf = (state: DurableState): number => (state.snapshot ? state.snapshot.index + 1 : 1);

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`RaftStorage: ${name} must be a positive integer, got ${v}`);
  return v;
}

export class RaftStorage {
  /** Every key of this node starts with it: `raftbed/<cluster>/<node>/`. */
  readonly prefix: string;
  private readonly maxEntriesPerChunk: number;
  private readonly maxChunkUnits: number;
  private readonly maxSnapshotPartUnits: number;
  private readonly voters: readonly string[] | undefined;
  private loaded: Loaded | null = null;
  /** Why this instance refuses to write, when it does. */
  private refusal: StorageUnavailable | FencedOut | null = new StorageUnavailable('RaftStorage: call load() before append()');

  constructor(private readonly store: KeyValueStore, options: RaftStorageOptions) {
    this.prefix = keyPrefix(options.cluster, options.node);
    this.maxEntriesPerChunk = positive('maxEntriesPerChunk', options.maxEntriesPerChunk, DEFAULT_STORAGE_LIMITS.maxEntriesPerChunk);
    this.maxChunkUnits = positive('maxChunkUnits', options.maxChunkUnits, DEFAULT_STORAGE_LIMITS.maxChunkUnits);
    this.maxSnapshotPartUnits = positive('maxSnapshotPartUnits', options.maxSnapshotPartUnits, DEFAULT_STORAGE_LIMITS.maxSnapshotPartUnits);
    this.voters = options.voters;
  }

  /** The durable state as of the last successful load or append. */
  get state(): DurableState {
    return this.requireLoaded().state;
  }

  /** The seq of the last record made durable (0 for fresh storage): restartState's `lastSeq`. */
  get lastSeq(): number {
    return this.requireLoaded().meta.seq;
  }

  // -------------------------------------------------------------------------------------------
  // Loading
  // -------------------------------------------------------------------------------------------

  /**
   * Reads and verifies everything; never throws. On success, also deletes keys under this
   * node's prefix that the metadata does not name (leftovers of a write a crash interrupted).
   * On failure nothing is deleted, so the damaged state stays available for inspection.
   */
  load(): LoadResult {
    this.loaded = null;
    let loaded: Loaded;
    try {
      loaded = this.readAndVerify();
    } catch (e) {
      const error = e instanceof StorageCorruption ? e : new StorageUnavailable(`RaftStorage: reading ${this.prefix} failed: ${(e as Error)?.message ?? e}`, e);
      this.refusal = error instanceof StorageUnavailable ? error : new StorageUnavailable(`RaftStorage: storage is corrupt (${error.message}); refusing to write`, error);
      return { ok: false, error };
    }
    this.loaded = loaded;
    this.refusal = null;
    this.collectGarbage(loaded.meta);
    return { ok: true, state: loaded.state, lastSeq: loaded.meta.seq };
  }

  private readAndVerify(): Loaded {
    const key = metaKey(this.prefix);
    const raw = this.store.getItem(key);
    if (raw === null) return { state: EMPTY_STATE, meta: EMPTY_META, chunks: [] };
    const meta = decodeMeta(key, raw);
    const inconsistent = (detail: string, at = key): never => {
      throw new StorageCorruption(at, 'Inconsistent', detail);
    };

    const snapshot = meta.snapshot ? this.readSnapshot(meta.snapshot) : null;
    const first = snapshot ? snapshot.index + 1 : 1;
    if (meta.first !== first) inconsistent(`first index ${meta.first} does not follow the snapshot (expected ${first})`);
    if (meta.last < first - 1) inconsistent(`last index ${meta.last} is before first index ${first}`);
    if (snapshot && meta.snapshot && meta.snapshot.id >= meta.nextId) inconsistent(`snapshot id ${meta.snapshot.id} is not below nextId ${meta.nextId}`);

    const chunks: StoredChunk[] = [];
    let entries: Entry[] = [];
    for (let i = 0; i < meta.chunks.length; i++) {
      const ref = meta.chunks[i];
      const ck = chunkKey(this.prefix, ref.id);
      if (ref.id >= meta.nextId) inconsistent(`chunk id ${ref.id} is not below nextId ${meta.nextId}`);
      if (i > 0 && ref.first !== chunkEnd(meta.chunks[i - 1]) + 1) inconsistent(`chunk ${i} starts at ${ref.first}, leaving a gap or overlap after ${chunkEnd(meta.chunks[i - 1])}`);
      const value = this.store.getItem(ck);
      const chunk = decodeChunk(ck, value);
      const sum = (value as string).slice(0, 8);
      if (sum !== ref.sum) throw new StorageCorruption(ck, 'ChecksumMismatch', `chunk has checksum ${sum} but the metadata names ${ref.sum} (a stale or foreign chunk)`);
      if (chunk.first !== ref.first || chunk.entries.length !== ref.count) {
        inconsistent(`chunk holds ${chunk.entries.length} entries from ${chunk.first}; the metadata says ${ref.count} from ${ref.first}`, ck);
      }
      chunks.push({ ...ref, units: ck.length + (value as string).length });
      entries = entries.length === 0 ? chunk.entries : entries.concat(chunk.entries);
    }

    if (meta.last >= first) {
      if (chunks.length === 0) inconsistent(`the log should hold ${first}..${meta.last} but no chunks are listed`);
      if (chunks[0].first > first || chunkEnd(chunks[0]) < first) inconsistent(`the first chunk covers ${chunks[0].first}..${chunkEnd(chunks[0])}, not the first index ${first}`);
      if (chunkEnd(chunks[chunks.length - 1]) !== meta.last) inconsistent(`the chunks end at ${chunkEnd(chunks[chunks.length - 1])}, not at the last index ${meta.last}`);
      entries = entries.slice(first - chunks[0].first);
    } else if (chunks.length > 0) {
      inconsistent('chunks are listed for an empty log');
    }
    const state: DurableState = { term: meta.term, votedFor: meta.votedFor, snapshot, entries };
    // Checksums vouch for the bytes, not for Raft: a forged or buggy state can be sealed correctly.
    const broken = checkDurableState(state, { voters: this.voters });
    if (broken) throw new StorageCorruption(key, 'BrokenInvariant', broken.detail, broken.invariant);
    return { state, meta, chunks };
  }

  private readSnapshot(ref: SnapshotRef): Snapshot {
    const texts: string[] = [];
    for (let k = 0; k < ref.parts.length; k++) {
      const key = snapshotPartKey(this.prefix, ref.id, k);
      const part = decodeSnapshotPart(key, this.store.getItem(key));
      if (part.sum !== ref.parts[k]) throw new StorageCorruption(key, 'ChecksumMismatch', `snapshot part has checksum ${part.sum} but the metadata names ${ref.parts[k]}`);
      texts.push(part.text);
    }
    const data = texts.join('');
    if (data.length !== ref.length) throw new StorageCorruption(metaKey(this.prefix), 'Inconsistent', `snapshot data is ${data.length} units long; the metadata says ${ref.length}`);
    return { index: ref.index, term: ref.term, config: ref.config, data };
  }

  private collectGarbage(meta: Meta): void {
    const live = new Set<string>();
    for (const c of meta.chunks) live.add(chunkKey(this.prefix, c.id));
    if (meta.snapshot) for (let k = 0; k < meta.snapshot.parts.length; k++) live.add(snapshotPartKey(this.prefix, meta.snapshot.id, k));
    let keys: string[];
    try {
      keys = this.store.keys();
    } catch {
      return; // Leftovers only cost space; the next load tries again.
    }
    for (const key of keys) if (isDataKey(this.prefix, key) && !live.has(key)) this.removeQuietly(key);
  }

  // -------------------------------------------------------------------------------------------
  // Writing
  // -------------------------------------------------------------------------------------------

  /** Makes one record durable. Returns only once it is; see appendAll for the failure modes. */
  append(record: PersistRecord): void {
    this.appendAll([record]);
  }

  /**
   * Makes several records durable with one metadata write (a driver that collected the persist
   * records of several steps saves all of them at once). Either all of them are applied or none:
   *   - PersistSequenceError (core's) when a record does not follow the stored state; nothing written;
   *   - StorageFull when the quota runs out; written keys are removed again, the state is unchanged;
   *   - StorageUnavailable when load() has not succeeded or an earlier write failed unexpectedly;
   *   - FencedOut (from a FencedStore) when another writer claimed this node's storage: nothing
   *     more is written, and every later append throws FencedOut (the store stays fenced);
   *   - any other error from the store is rethrown, and this instance refuses further writes
   *     (the next load() decides what is durable).
   */
  appendAll(records: readonly PersistRecord[]): void {
    const before = this.requireLoaded();
    if (records.length === 0) return;

    let state = before.state;
    let seq = before.meta.seq;
    let dirtyFrom = Infinity;
    for (const record of records) {
      if (!Number.isSafeInteger(record.seq) || record.seq <= seq) throw new PersistSequenceError(`persist record seq ${record.seq} does not follow the stored seq ${seq}`);
      state = applyPersistRecord(state, record, { voters: this.voters });
      seq = record.seq;
      // Indices the record may have changed; everything below them is untouched (see planChunks).
      if (record.truncateFrom !== undefined) dirtyFrom = Math.min(dirtyFrom, record.truncateFrom);
      if (record.entries !== undefined && record.entries.length > 0 && record.appendFrom !== undefined) dirtyFrom = Math.min(dirtyFrom, record.appendFrom);
    }

    const writes: [string, string][] = [];
    const removals: string[] = [];
    let nextId = before.meta.nextId;

    let snapshotRef = before.meta.snapshot;
    if (state.snapshot !== before.state.snapshot && state.snapshot !== null) {
      const id = nextId++;
      const parts: string[] = [];
      const data = state.snapshot.data;
      for (let k = 0, at = 0; at < data.length; k++, at += this.maxSnapshotPartUnits) {
        const value = encodeSnapshotPart(data.slice(at, at + this.maxSnapshotPartUnits));
        writes.push([snapshotPartKey(this.prefix, id, k), value]);
        parts.push(value.slice(0, 8));
      }
      snapshotRef = { id, index: state.snapshot.index, term: state.snapshot.term, config: state.snapshot.config, length: data.length, parts };
      if (before.meta.snapshot) for (let k = 0; k < before.meta.snapshot.parts.length; k++) removals.push(snapshotPartKey(this.prefix, before.meta.snapshot.id, k));
    }

    const first = firstIndexOf(state);
    const last = first + state.entries.length - 1;
    const plan = this.planChunks(before.chunks, state, first, last, dirtyFrom, nextId);
    nextId = plan.nextId;
    writes.push(...plan.writes);
    const kept = new Set(plan.chunks.map((c) => c.id));
    for (const c of before.chunks) if (!kept.has(c.id)) removals.push(chunkKey(this.prefix, c.id));

    const meta: Meta = { seq, term: state.term, votedFor: state.votedFor, first, last, nextId, snapshot: snapshotRef, chunks: plan.chunks };
    writes.push([metaKey(this.prefix), encodeMeta(meta)]);

    this.writeInOrder(writes);
    this.loaded = { state, meta, chunks: plan.chunks };
    // After the commit point: old values are unreferenced, so failing to delete them costs only
    // space until the next load() collects them.
    for (const key of removals) this.removeQuietly(key);
  }

  /**
   * Writes the loaded metadata again, unchanged. A writer that has just claimed this storage from
   * another (FencedStore.claim, then load()) calls it before anything else: a write of the previous
   * owner that was under way when the claim landed can still replace the metadata after the load,
   * naming keys the load has since collected as leftovers. This puts back exactly what was loaded.
   * Through a FencedStore it is also the check that this writer still owns the storage.
   */
  recommit(): void {
    const loaded = this.requireLoaded();
    this.writeInOrder([[metaKey(this.prefix), encodeMeta(loaded.meta)]]);
  }

  /**
   * Chooses which existing chunks stay as they are and encodes new ones for the rest of the log.
   * A chunk stays only if it lies wholly in [first, dirtyFrom): entries there are exactly the
   * stored ones, because applyPersistRecord changes or drops entries only at or after a
   * truncation or append point, and a snapshot keeps old entries only where they still match.
   * A snapshot that discards the log leaves it empty unless the same batch appends from `first`,
   * which puts dirtyFrom at `first`; either way no stale chunk survives.
   */
  private planChunks(old: readonly StoredChunk[], state: DurableState, first: number, last: number, dirtyFrom: number, nextId: number) {
    const bound = Math.min(last, dirtyFrom - 1);
    const chunks: StoredChunk[] = old.filter((c) => chunkEnd(c) >= first && chunkEnd(c) <= bound);
    let writeFrom = chunks.length > 0 ? chunkEnd(chunks[chunks.length - 1]) + 1 : first;
    let resumable: ChunkBuilder | undefined;
    // Refill a partly filled last chunk rather than leave a trail of tiny ones behind small appends.
    if (writeFrom <= last && chunks.length > 0 && !this.isFull(chunks[chunks.length - 1])) {
      const refilled = chunks.pop() as StoredChunk;
      writeFrom = chunks.length > 0 ? chunkEnd(chunks[chunks.length - 1]) + 1 : first;
      // Its cached builder is exact only if the chunk starts where the rewrite starts (it does
      // not when the chunk straddles the snapshot and its head must be dropped).
      if (refilled.builder && refilled.first === writeFrom && refilled.builder.count === refilled.count) resumable = refilled.builder;
    }

    const writes: [string, string][] = [];
    let builder: ChunkBuilder | null = null;
    const flush = (): void => {
      if (!builder || builder.count === 0) return;
      const id = nextId++;
      const key = chunkKey(this.prefix, id);
      const { value, sum } = builder.seal();
      writes.push([key, value]);
      if (chunks.length > 0) chunks[chunks.length - 1] = withoutBuilder(chunks[chunks.length - 1]);
      chunks.push({ id, first: builder.first, count: builder.count, sum, units: key.length + value.length, builder });
      builder = null;
    };
    let index = writeFrom;
    if (resumable) {
      builder = new ChunkBuilder(writeFrom, resumable);
      index = writeFrom + builder.count;
    }
    for (; index <= last; index++) {
      const json = entryJson(state.entries[index - first]);
      if (builder && (builder.count >= this.maxEntriesPerChunk || builder.units + json.length + 1 > this.maxChunkUnits)) flush();
      if (!builder) builder = new ChunkBuilder(index);
      builder.addJson(json);
    }
    flush();
    this.assertCovers(chunks, first, last);
    return { chunks, writes, nextId };
  }

  private isFull(chunk: StoredChunk): boolean {
    return chunk.count >= this.maxEntriesPerChunk || chunk.units >= this.maxChunkUnits;
  }

  /** A planning bug must never reach the metadata: it would be a corrupt log on the next load. */
  private assertCovers(chunks: readonly ChunkRef[], first: number, last: number): void {
    const ok = last < first
      ? chunks.length === 0
      : chunks.length > 0 && chunks[0].first <= first && chunkEnd(chunks[0]) >= first && chunkEnd(chunks[chunks.length - 1]) === last
        && chunks.every((c, i) => i === 0 || c.first === chunkEnd(chunks[i - 1]) + 1);
    if (!ok) throw new Error(`RaftStorage internal error: planned chunks do not cover ${first}..${last}`);
  }

  private writeInOrder(writes: readonly [string, string][]): void {
    const written: string[] = [];
    for (const [key, value] of writes) {
      try {
        this.store.setItem(key, value);
      } catch (e) {
        if (isQuotaExceededError(e)) {
          // The metadata is the last write, so it has not happened: every key written so far is
          // unreferenced. Remove them so a full store is not left fuller.
          for (const k of written) this.removeQuietly(k);
          const attempted = writes.reduce((n, [k, v]) => n + k.length + v.length, 0);
          throw new StorageFull(key, attempted, e);
        }
        this.loaded = null;
        if (e instanceof FencedOut) {
          // Another writer owns the storage now: keep the typed reason for every later call.
          this.refusal = e;
          throw e;
        }
        this.refusal = new StorageUnavailable(`RaftStorage: writing ${key} failed (${(e as Error)?.message ?? e}); load() again before writing`, e);
        throw e;
      }
      written.push(key);
    }
  }

  private removeQuietly(key: string): void {
    try {
      this.store.removeItem(key);
    } catch {
      // See collectGarbage: a leftover is harmless.
    }
  }

  private requireLoaded(): Loaded {
    if (this.refusal || !this.loaded) throw this.refusal ?? new StorageUnavailable('RaftStorage: not loaded');
    return this.loaded;
  }

  // -------------------------------------------------------------------------------------------
  // Housekeeping
  // -------------------------------------------------------------------------------------------

  /** Keys and UTF-16 units under this node's prefix (the quota counts both). */
  usage(): StorageUsage {
    let keys = 0;
    let units = 0;
    for (const key of this.store.keys()) {
      if (!key.startsWith(this.prefix)) continue;
      keys++;
      units += key.length + (this.store.getItem(key)?.length ?? 0);
    }
    return { keys, units };
  }

  /**
   * Deletes this node's storage (a demo's "reset"). The metadata goes first, so an interrupted
   * erase loads as empty storage, never as a log with holes. Call load() afterwards to write again.
   */
  erase(): void {
    this.loaded = null;
    this.refusal = new StorageUnavailable('RaftStorage: erased; call load() before append()');
    this.store.removeItem(metaKey(this.prefix));
    for (const key of this.store.keys()) if (key.startsWith(this.prefix)) this.store.removeItem(key);
  }
}
