// Structural validation of anything that claims to be a Message. Core receives messages from
// networks it does not trust (browser data channels, fuzzed simulators): a malformed one must
// produce a typed error and change nothing, never a crash or a corrupted state.

import type { ClusterConfig, Entry, Message, MessageType, Term } from './types';
import { MAX_TERM, isTerm } from './terms';
import { decodeConfig, decodeConfigValue } from './membership';

export type Validation = { readonly ok: true; readonly message: Message } | { readonly ok: false; readonly reason: string };

type Obj = Record<string, unknown>;

class Invalid extends Error {}

function fail(reason: string): never {
  throw new Invalid(reason);
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A short description of an untrusted value for an error message. Never recursive: a value
 * nested thousands deep (or cyclic) must not turn a refusal into a RangeError.
 */
export function describeUntrusted(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return `a value of type ${typeof v}`;
}

// The checks take the value, loaded by the caller with a named property (o.prevLogIndex): a load
// by a key passed in (o[key]) sees every message shape at one site and is a slow generic lookup.

function index(v: unknown, key: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`${key} must be a non-negative integer, got ${describeUntrusted(v)}`);
  return v;
}

function termField(v: unknown, key: string): Term {
  if (!isTerm(v)) fail(`${key} must be a term (an integer in [0, ${MAX_TERM}]), got ${describeUntrusted(v)}`);
  return v;
}

function str(v: unknown, key: string, maxLength = 256): string {
  if (typeof v !== 'string') fail(`${key} must be a string`);
  if (v.length > maxLength) fail(`${key} is longer than ${maxLength} characters`);
  return v;
}

function bool(v: unknown, key: string): boolean {
  if (typeof v !== 'boolean') fail(`${key} must be a boolean`);
  return v;
}

const ENTRY_TYPES = new Set(['Normal', 'Noop', 'Config']);
const MAX_DATA = 64 * 1024 * 1024;

/** Checks entries in place: messages on the simulator's hot path carry hundreds of them. */
function entries(o: Obj, messageTerm: number, prevLogTerm: number): readonly Entry[] {
  const v = o.entries;
  if (!Array.isArray(v)) fail('entries must be an array');
  let previousTerm = prevLogTerm;
  for (let k = 0; k < v.length; k++) {
    const e: unknown = v[k];
    if (!isObject(e)) fail(`entries[${k}] must be an object`);
    const term = termField(e.term, 'term');
    if (term > messageTerm) fail(`entries[${k}].term ${term} is above the message term ${messageTerm}`);
    if (term < previousTerm) fail(`entries[${k}].term ${term} is below the term before it (${previousTerm}): terms never decrease along a log`);
    previousTerm = term;
    const type = e.type;
    if (typeof type !== 'string' || !ENTRY_TYPES.has(type)) fail(`entries[${k}].type must be Normal, Noop or Config`);
    const data = str(e.data, 'data', MAX_DATA);
    if (type === 'Config') {
      const config = decodeConfig(data);
      if (typeof config === 'string') fail(`entries[${k}] is a Config entry whose data is not a configuration: ${config}`);
    }
  }
  return v as Entry[];
}

const MAX_VOTERS = 1024;

/** A fresh copy holding only the configuration's fields: it is stored, so nothing else may ride along. */
function voters(o: Obj, key: string): ClusterConfig {
  const c = o[key];
  if (!isObject(c) || !Array.isArray(c.voters) || c.voters.length === 0 || c.voters.length > MAX_VOTERS) {
    fail(`${key}.voters must be an array of 1..${MAX_VOTERS} node ids`);
  }
  const ids = c.voters as unknown[];
  for (const id of ids) if (typeof id !== 'string' || id.length === 0 || id.length > 256) fail(`${key}.voters must hold node ids (strings of 1..256 characters)`);
  if (new Set(ids).size !== ids.length) fail(`${key}.voters has duplicates`);
  if (c.votersOutgoing === undefined && c.learners === undefined) return { voters: ids.slice() as string[] };
  const config = decodeConfigValue(c);
  if (typeof config === 'string') fail(`${key}: ${config}`);
  return config;
}

function termNotAbove(value: number, term: number, what: string): void {
  if (value > term) fail(`${what} ${value} is above the message term ${term}`);
}

const MESSAGE_TYPES: ReadonlySet<string> = new Set<MessageType>([
  'RequestVoteRequest', 'RequestVoteResponse', 'PreVoteRequest', 'PreVoteResponse', 'AppendEntriesRequest', 'AppendEntriesResponse',
  'InstallSnapshotRequest', 'InstallSnapshotResponse', 'TimeoutNowRequest', 'ReadIndexRequest', 'ReadIndexResponse',
]);

/**
 * The clean copy of a message, or throws Invalid with the first reason it is not one. Fields are
 * checked in a fixed order (envelope first, then the type's own fields in declaration order), and
 * each copy is one object literal: this runs for every message the simulator delivers.
 */
function parseMessage(raw: unknown): Message {
  if (!isObject(raw)) fail('a message must be an object');
  const type = raw.type;
  if (typeof type !== 'string' || !MESSAGE_TYPES.has(type)) fail(`unknown message type ${describeUntrusted(type)}`);
  const cluster = str(raw.cluster, 'cluster');
  const from = str(raw.from, 'from');
  const to = str(raw.to, 'to');
  const term = termField(raw.term, 'term');
  const o = raw;
  switch (type as MessageType) {
    case 'RequestVoteRequest': {
      const lastLogTerm = termField(o.lastLogTerm, 'lastLogTerm');
      termNotAbove(lastLogTerm, term, 'lastLogTerm');
      return { type: 'RequestVoteRequest', cluster, from, to, term, lastLogIndex: index(o.lastLogIndex, 'lastLogIndex'), lastLogTerm, transfer: bool(o.transfer, 'transfer') };
    }
    case 'RequestVoteResponse':
      return { type: 'RequestVoteResponse', cluster, from, to, term, granted: bool(o.granted, 'granted') };
    case 'PreVoteRequest': {
      const lastLogTerm = termField(o.lastLogTerm, 'lastLogTerm');
      termNotAbove(lastLogTerm, term, 'lastLogTerm');
      return { type: 'PreVoteRequest', cluster, from, to, term, lastLogIndex: index(o.lastLogIndex, 'lastLogIndex'), lastLogTerm };
    }
    case 'PreVoteResponse':
      return { type: 'PreVoteResponse', cluster, from, to, term, granted: bool(o.granted, 'granted') };
    case 'AppendEntriesRequest': {
      const prevLogIndex = index(o.prevLogIndex, 'prevLogIndex');
      const prevLogTerm = termField(o.prevLogTerm, 'prevLogTerm');
      termNotAbove(prevLogTerm, term, 'prevLogTerm');
      if (prevLogIndex === 0 && prevLogTerm !== 0) fail('prevLogTerm must be 0 at prevLogIndex 0');
      return {
        type: 'AppendEntriesRequest', cluster, from, to, term, prevLogIndex, prevLogTerm, entries: entries(o, term, prevLogTerm),
        leaderCommit: index(o.leaderCommit, 'leaderCommit'), round: index(o.round, 'round'),
      };
    }
    case 'AppendEntriesResponse':
      return {
        type: 'AppendEntriesResponse', cluster, from, to, term, success: bool(o.success, 'success'), matchIndex: index(o.matchIndex, 'matchIndex'),
        conflictIndex: index(o.conflictIndex, 'conflictIndex'), conflictTerm: termField(o.conflictTerm, 'conflictTerm'), prevLogIndex: index(o.prevLogIndex, 'prevLogIndex'), round: index(o.round, 'round'),
      };
    case 'InstallSnapshotRequest': {
      const lastIncludedTerm = termField(o.lastIncludedTerm, 'lastIncludedTerm');
      termNotAbove(lastIncludedTerm, term, 'lastIncludedTerm');
      return {
        type: 'InstallSnapshotRequest', cluster, from, to, term, lastIncludedIndex: index(o.lastIncludedIndex, 'lastIncludedIndex'), lastIncludedTerm,
        lastIncludedConfig: voters(o, 'lastIncludedConfig'), offset: index(o.offset, 'offset'), data: str(o.data, 'data', MAX_DATA), done: bool(o.done, 'done'), round: index(o.round, 'round'),
      };
    }
    case 'InstallSnapshotResponse':
      return {
        type: 'InstallSnapshotResponse', cluster, from, to, term, lastIncludedIndex: index(o.lastIncludedIndex, 'lastIncludedIndex'), bytesReceived: index(o.bytesReceived, 'bytesReceived'),
        installed: bool(o.installed, 'installed'), round: index(o.round, 'round'),
      };
    case 'TimeoutNowRequest':
      return { type: 'TimeoutNowRequest', cluster, from, to, term };
    case 'ReadIndexRequest':
      return { type: 'ReadIndexRequest', cluster, from, to, term, requestId: str(o.requestId, 'requestId') };
    case 'ReadIndexResponse': {
      const readIndex = o.readIndex;
      if (typeof readIndex !== 'number' || !Number.isSafeInteger(readIndex) || readIndex < -1) fail('readIndex must be an integer >= -1');
      return { type: 'ReadIndexResponse', cluster, from, to, term, requestId: str(o.requestId, 'requestId'), readIndex };
    }
  }
}

/**
 * Checks the shape of an untrusted value and returns a clean copy of it as a Message, or the
 * reason it is not one, as a string. Core's own receive path uses this form: it saves a result
 * object per message.
 */
export function checkMessage(raw: unknown): Message | string {
  try {
    return parseMessage(raw);
  } catch (e) {
    if (e instanceof Invalid) return e.message;
    return `malformed message: ${(e as Error).message}`;
  }
}

/**
 * Checks the shape of an untrusted value and returns a clean copy of it as a Message (unknown
 * extra fields are dropped), or the first reason it is not one.
 */
export function validateMessage(raw: unknown): Validation {
  const checked = checkMessage(raw);
  return typeof checked === 'string' ? { ok: false, reason: checked } : { ok: true, message: checked };
}
