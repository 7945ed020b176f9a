// The on-disk format of one node's durable state, and nothing else: key names, how each value is
// encoded, and how it is parsed back with every check a loader needs. RaftStorage decides *what*
// to write and in which order; this module decides *how it looks*.
//
//   <prefix>meta            sealed JSON: MetaV1 (term, vote, lastSeq, snapshot ref, chunk list)
//   <prefix>log/<id>        sealed JSON: {"first":F,"e":[[term,typeCode,data],...]}
//   <prefix>snap/<id>/<k>   sealed raw text: part k of the snapshot's data
//
// Ids (base 36) are never reused, so a new chunk or snapshot never overwrites one that the current
// metadata still names: a crash between writes leaves the old state fully readable.

import type { ClusterConfig, Entry, EntryType } from '../../core';
import { FNV1A32_INITIAL, SEAL_LENGTH, fnv1a32Continue, hex8, seal, unseal } from './checksum';
import { StorageCorruption } from './errors';

export const FORMAT_VERSION = 1;

export function keyPrefix(cluster: string, node: string): string {
  return `raftbed/${encodeURIComponent(cluster)}/${encodeURIComponent(node)}/`;
}

export const metaKey = (prefix: string): string => `${prefix}meta`;
export const chunkKey = (prefix: string, id: number): string => `${prefix}log/${id.toString(36)}`;
export const snapshotPartKey = (prefix: string, id: number, part: number): string => `${prefix}snap/${id.toString(36)}/${part}`;

/** True for keys this format owns (and may garbage-collect) under `prefix`. */
export function isDataKey(prefix: string, key: string): boolean {
  return key.startsWith(`${prefix}log/`) || key.startsWith(`${prefix}snap/`);
}

// ---------------------------------------------------------------------------------------------
// Chunks
// ---------------------------------------------------------------------------------------------

const TYPE_CODES: Record<EntryType, number> = { Normal: 0, Noop: 1, Config: 2 };
const TYPES_BY_CODE: readonly EntryType[] = ['Normal', 'Noop', 'Config'];

export function entryJson(entry: Entry): string {
  return JSON.stringify([entry.term, TYPE_CODES[entry.type], entry.data]);
}

/**
 * Builds the sealed value of one chunk, `{"first":F,"e":[...]}`, entry by entry. The checksum is
 * kept running, so a builder resumed from a previous version of the same chunk (see `resume`)
 * extends it in time proportional to the new entries, not to the whole chunk: small appends
 * rewrite the last chunk's key, but need not re-serialise or re-hash it.
 */
export class ChunkBuilder {
  private body: string;
  private hash: number;
  private entries: number;

  constructor(readonly first: number, resumeFrom?: ChunkBuilder) {
    if (resumeFrom) {
      if (resumeFrom.first !== first) throw new Error(`ChunkBuilder: cannot resume a chunk at ${resumeFrom.first} as one at ${first}`);
      this.body = resumeFrom.body;
      this.hash = resumeFrom.hash;
      this.entries = resumeFrom.entries;
    } else {
      this.body = `{"first":${first},"e":[`;
      this.hash = fnv1a32Continue(FNV1A32_INITIAL, this.body);
      this.entries = 0;
    }
  }

  get count(): number {
    return this.entries;
  }

  /** Length the sealed value will have, in UTF-16 units. */
  get units(): number {
    return SEAL_LENGTH + this.body.length + 2;
  }

  /** Appends one entry, given as entryJson(entry) (callers measure it before deciding to add it). */
  addJson(json: string): void {
    const text = this.entries === 0 ? json : `,${json}`;
    this.body += text;
    this.hash = fnv1a32Continue(this.hash, text);
    this.entries++;
  }

  /**
   * The sealed value and its checksum (returned apart: slicing it off a freshly concatenated
   * value would flatten the whole string). The builder stays resumable afterwards.
   */
  seal(): { readonly value: string; readonly sum: string } {
    const sum = hex8(fnv1a32Continue(this.hash, ']}'));
    return { value: sum + this.body + ']}', sum };
  }
}

/** Sealed value of a chunk holding `entries` starting at log index `first`. */
export function encodeChunk(first: number, entries: readonly Entry[]): string {
  const builder = new ChunkBuilder(first);
  for (const e of entries) builder.addJson(entryJson(e));
  return builder.seal().value;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function open(key: string, value: string | null): unknown {
  if (value === null) throw new StorageCorruption(key, 'MissingKey', 'the key is referenced but absent');
  const unsealed = unseal(value);
  if (!unsealed.ok) throw new StorageCorruption(key, 'ChecksumMismatch', unsealed.detail);
  try {
    return JSON.parse(unsealed.text);
  } catch (e) {
    throw new StorageCorruption(key, 'Unparseable', (e as Error).message);
  }
}

export function decodeChunk(key: string, value: string | null): { first: number; entries: Entry[] } {
  const raw = open(key, value);
  if (!isObject(raw) || !isIndex(raw.first) || raw.first < 1 || !Array.isArray(raw.e)) {
    throw new StorageCorruption(key, 'BadShape', 'a chunk must be {"first": index >= 1, "e": [...]}');
  }
  const entries: Entry[] = new Array(raw.e.length);
  for (let i = 0; i < raw.e.length; i++) {
    const e: unknown = raw.e[i];
    if (!Array.isArray(e) || e.length !== 3 || !isIndex(e[0]) || typeof e[1] !== 'number' || TYPES_BY_CODE[e[1]] === undefined || typeof e[2] !== 'string') {
      throw new StorageCorruption(key, 'BadShape', `entry ${i} must be [term, typeCode 0..2, data]`);
    }
    entries[i] = { term: e[0], type: TYPES_BY_CODE[e[1]], data: e[2] };
  }
  return { first: raw.first, entries };
}

// ---------------------------------------------------------------------------------------------
// Snapshot parts: raw text behind the seal (no JSON escaping of a possibly large blob).
// ---------------------------------------------------------------------------------------------

export function encodeSnapshotPart(text: string): string {
  return seal(text);
}

export function decodeSnapshotPart(key: string, value: string | null): { text: string; sum: string } {
  if (value === null) throw new StorageCorruption(key, 'MissingKey', 'the snapshot part is referenced but absent');
  const unsealed = unseal(value);
  if (!unsealed.ok) throw new StorageCorruption(key, 'ChecksumMismatch', unsealed.detail);
  return { text: unsealed.text, sum: unsealed.sum };
}

// ---------------------------------------------------------------------------------------------
// Metadata: the commit point. It names every chunk and snapshot part (with their checksums) that
// make up the state, so a value left over from an interrupted write is simply not referenced.
// ---------------------------------------------------------------------------------------------

export interface ChunkRef {
  readonly id: number;
  readonly first: number;
  readonly count: number;
  /** The checksum the chunk's value carries: binds the metadata to one exact version of it. */
  readonly sum: string;
}

export interface SnapshotRef {
  readonly id: number;
  readonly index: number;
  readonly term: number;
  readonly config: ClusterConfig;
  /** Total length of the data in UTF-16 code units. */
  readonly length: number;
  /** Checksum of each part, in order. */
  readonly parts: readonly string[];
}

export interface Meta {
  readonly seq: number;
  readonly term: number;
  readonly votedFor: string | null;
  /** First and last log index held (last = first - 1 when the log past the snapshot is empty). */
  readonly first: number;
  readonly last: number;
  /** The next unused key id. */
  readonly nextId: number;
  readonly snapshot: SnapshotRef | null;
  readonly chunks: readonly ChunkRef[];
}

export function encodeMeta(meta: Meta): string {
  const snapshot = meta.snapshot && {
    id: meta.snapshot.id, index: meta.snapshot.index, term: meta.snapshot.term, config: meta.snapshot.config,
    length: meta.snapshot.length, parts: meta.snapshot.parts,
  };
  return seal(JSON.stringify({
    v: FORMAT_VERSION, seq: meta.seq, term: meta.term, votedFor: meta.votedFor, first: meta.first, last: meta.last,
    nextId: meta.nextId, snapshot, chunks: meta.chunks.map((c) => [c.id, c.first, c.count, c.sum]),
  }));
}

const HEX8 = /^[0-9a-f]{8}$/;

export function decodeMeta(key: string, value: string | null): Meta {
  const raw = open(key, value);
  const bad = (detail: string): never => {
    throw new StorageCorruption(key, 'BadShape', detail);
  };
  if (!isObject(raw)) return bad('metadata must be a JSON object');
  if (raw.v !== FORMAT_VERSION) throw new StorageCorruption(key, 'UnsupportedVersion', `format version ${JSON.stringify(raw.v)}; this code reads ${FORMAT_VERSION}`);
  for (const field of ['seq', 'term', 'first', 'last', 'nextId'] as const) {
    if (!isIndex(raw[field])) bad(`${field} must be a non-negative integer`);
  }
  if (raw.votedFor !== null && typeof raw.votedFor !== 'string') bad('votedFor must be a string or null');
  if (!Array.isArray(raw.chunks)) bad('chunks must be an array');
  const chunks = (raw.chunks as unknown[]).map((c, i): ChunkRef => {
    if (!Array.isArray(c) || c.length !== 4 || !isIndex(c[0]) || !isIndex(c[1]) || c[1] < 1 || !isIndex(c[2]) || c[2] < 1 || typeof c[3] !== 'string' || !HEX8.test(c[3])) {
      return bad(`chunks[${i}] must be [id, first >= 1, count >= 1, checksum]`);
    }
    return { id: c[0], first: c[1], count: c[2], sum: c[3] };
  });
  let snapshot: SnapshotRef | null = null;
  if (raw.snapshot !== null) {
    const s = raw.snapshot;
    if (!isObject(s) || !isIndex(s.id) || !isIndex(s.index) || !isIndex(s.term) || !isIndex(s.length) || !Array.isArray(s.parts)) {
      return bad('snapshot must be null or {id, index, term, config, length, parts}');
    }
    if (!s.parts.every((p) => typeof p === 'string' && HEX8.test(p))) bad('snapshot.parts must be checksums');
    const config = s.config;
    if (!isObject(config) || !Array.isArray(config.voters) || !config.voters.every((v) => typeof v === 'string')) bad('snapshot.config.voters must be an array of node ids');
    snapshot = { id: s.id, index: s.index, term: s.term, config: config as unknown as ClusterConfig, length: s.length, parts: s.parts as string[] };
  }
  return {
    seq: raw.seq as number, term: raw.term as number, votedFor: raw.votedFor as string | null, first: raw.first as number,
    last: raw.last as number, nextId: raw.nextId as number, snapshot, chunks,
  };
}
