// The positional wire form of each message: `[code, cluster, from, to, term, ...fields]`, with
// entries as `[term, typeCode, data]`. Field names are the bulk of a JSON-encoded heartbeat, and
// a data channel carries tens of thousands of them a second; positions cost nothing.
//
// The codes and field orders ARE the wire format: never renumber or reorder them. Change them
// only together with FRAME_VERSION in framing.ts.

import { describeUntrusted } from '../../core';
import type { Entry, EntryType, Message, MessageType } from '../../core';

type Fields<T extends MessageType> = readonly Exclude<keyof Extract<Message, { type: T }>, 'type' | 'cluster' | 'from' | 'to' | 'term'>[];

interface WireShape<T extends MessageType> {
  readonly code: number;
  readonly fields: Fields<T>;
}

export const WIRE: { readonly [T in MessageType]: WireShape<T> } = {
  RequestVoteRequest: { code: 1, fields: ['lastLogIndex', 'lastLogTerm', 'transfer'] },
  RequestVoteResponse: { code: 2, fields: ['granted'] },
  PreVoteRequest: { code: 3, fields: ['lastLogIndex', 'lastLogTerm'] },
  PreVoteResponse: { code: 4, fields: ['granted'] },
  AppendEntriesRequest: { code: 5, fields: ['prevLogIndex', 'prevLogTerm', 'entries', 'leaderCommit', 'round'] },
  AppendEntriesResponse: { code: 6, fields: ['success', 'matchIndex', 'conflictIndex', 'conflictTerm', 'prevLogIndex', 'round'] },
  InstallSnapshotRequest: { code: 7, fields: ['lastIncludedIndex', 'lastIncludedTerm', 'lastIncludedConfig', 'offset', 'data', 'done', 'round'] },
  InstallSnapshotResponse: { code: 8, fields: ['lastIncludedIndex', 'bytesReceived', 'installed', 'round'] },
  TimeoutNowRequest: { code: 9, fields: [] },
  ReadIndexRequest: { code: 10, fields: ['requestId'] },
  ReadIndexResponse: { code: 11, fields: ['requestId', 'readIndex'] },
};

const ENVELOPE = 5; // code, cluster, from, to, term
const TYPE_BY_CODE = new Map<number, MessageType>(Object.entries(WIRE).map(([type, shape]) => [shape.code, type as MessageType]));
const ENTRY_TYPE_CODES: Record<EntryType, number> = { Normal: 0, Noop: 1, Config: 2 };
const ENTRY_TYPES: readonly EntryType[] = ['Normal', 'Noop', 'Config'];

/** The positional array for one message (entries included), ready for JSON.stringify. */
export function toWire(message: Message): unknown[] {
  const shape = WIRE[message.type] as WireShape<MessageType>;
  const out: unknown[] = [shape.code, message.cluster, message.from, message.to, message.term];
  const record = message as unknown as Record<string, unknown>;
  for (const field of shape.fields as readonly string[]) {
    out.push(field === 'entries' ? (record.entries as readonly Entry[]).map((e) => [e.term, ENTRY_TYPE_CODES[e.type], e.data]) : record[field]);
  }
  return out;
}

export type FromWire = { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly reason: string };

/**
 * Rebuilds the object form from a positional array, checking only what positions need (the
 * code, the arity, the entry tuples). Everything else is left to core's validateMessage.
 */
export function fromWire(raw: unknown): FromWire {
  if (!Array.isArray(raw)) return { ok: false, reason: 'a message must be a JSON array [code, cluster, from, to, term, ...]' };
  const type = typeof raw[0] === 'number' ? TYPE_BY_CODE.get(raw[0]) : undefined;
  if (type === undefined) return { ok: false, reason: `unknown message code ${describeUntrusted(raw[0])}` };
  const fields = WIRE[type].fields as readonly string[];
  if (raw.length !== ENVELOPE + fields.length) return { ok: false, reason: `${type} has ${ENVELOPE + fields.length} positions, got ${raw.length}` };
  const value: Record<string, unknown> = { type, cluster: raw[1], from: raw[2], to: raw[3], term: raw[4] };
  for (let k = 0; k < fields.length; k++) {
    const field = fields[k];
    const v: unknown = raw[ENVELOPE + k];
    if (field !== 'entries') {
      value[field] = v;
      continue;
    }
    if (!Array.isArray(v)) return { ok: false, reason: 'entries must be an array' };
    const entries: Entry[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (!Array.isArray(e) || e.length !== 3 || typeof e[1] !== 'number' || ENTRY_TYPES[e[1]] === undefined) {
        return { ok: false, reason: `entries[${i}] must be [term, typeCode 0..2, data]` };
      }
      entries[i] = { term: e[0], type: ENTRY_TYPES[e[1]], data: e[2] };
    }
    value.entries = entries;
  }
  return { ok: true, value };
}
