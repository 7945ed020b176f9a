// Hand-written validation of protocol lines: exactly the constraints of protocol/schemas/*.json
// (validate.test.ts proves the two agree on a corpus of good and bad lines), fast enough for every
// line of a simulation, and with errors that name the JSON path of the first bad field.
//
// Output lines are untrusted (any program may be on the other end of the pipe): decodeOutput turns
// one into a NodeOutput or throws MalformedOutput / ProtocolViolation / NodeFatal. Input lines are
// what a node receives; decodeInput is for node-side servers (core-stdio) and tests.

import { MalformedOutput, NodeFatal, ProtocolViolation, type ExchangeRef } from './errors';
import {
  CAPABILITIES, CONF_CHANGE_KINDS, CONF_CHANGE_REFUSALS, ENTRY_TYPES, MESSAGE_TYPES, NODE_ERROR_TYPES, PROTOCOL_VERSION, ROLES,
  type ApplyEntry, type DurableState, type Entry, type Hello, type Input, type Message, type NodeError, type NodeOutput, type NodeView,
  type PersistRecord, type Proposed, type ReadResult, type Snapshot,
} from './types';

/** A schema failure: the JSON path, built while the exception unwinds (free on the success path). */
class Bad extends Error {
  constructor(readonly path: string[], readonly rule: string) {
    super(rule);
  }
}

function fail(key: string | null, rule: string): never {
  throw new Bad(key === null ? [] : [key], rule);
}

function under(e: unknown, segment: string): never {
  if (e instanceof Bad) e.path.unshift(segment);
  throw e;
}

function pathText(path: readonly string[]): string {
  let s = '';
  for (const p of path) s += p.startsWith('[') || s === '' ? p : `.${p}`;
  return s;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, key: string | null): Obj {
  if (!isObject(v)) fail(key, 'must be an object');
  return v;
}

/** additionalProperties: false. */
function onlyKeys(o: Obj, allowed: ReadonlySet<string>): void {
  for (const k in o) if (!allowed.has(k)) fail(k, 'is not a field of this object (unknown fields are refused; put private data in ext)');
}

function keys(...names: string[]): ReadonlySet<string> {
  return new Set(names);
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function nat(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_SAFE) fail(key, `must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function positive(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_SAFE) fail(key, `must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function str(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(key, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function nonEmpty(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) fail(key, `must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function bool(o: Obj, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') fail(key, `must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function idOrNull(o: Obj, key: string): string | null {
  const v = o[key];
  if (v === null) return null;
  if (typeof v !== 'string' || v.length === 0) fail(key, `must be a node id or null, got ${JSON.stringify(v)}`);
  return v;
}

function required(o: Obj, key: string): void {
  if (!(key in o)) fail(key, 'is required');
}

function array(o: Obj, key: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(key, 'must be an array');
  return v;
}

function optionalExt(o: Obj): void {
  if (o.ext !== undefined && !isObject(o.ext)) fail('ext', 'must be an object');
}

function oneOf<T extends string>(o: Obj, key: string, allowed: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(key, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

const ENTRY_KEYS = keys('term', 'type', 'data');

function entry(v: unknown, key: string | null): Entry {
  const o = object(v, key);
  try {
    required(o, 'term');
    required(o, 'type');
    required(o, 'data');
    nat(o, 'term');
    oneOf(o, 'type', ENTRY_TYPES);
    str(o, 'data');
    onlyKeys(o, ENTRY_KEYS);
  } catch (e) {
    if (key !== null) under(e, key);
    throw e;
  }
  return o as unknown as Entry;
}

function entries(o: Obj, key: string): readonly Entry[] {
  const list = array(o, key);
  for (let k = 0; k < list.length; k++) {
    try {
      entry(list[k], null);
    } catch (e) {
      under(e, `${key}[${k}]`);
    }
  }
  return list as Entry[];
}

function withIn<T>(key: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    return under(e, key);
  }
}

const CONFIG_KEYS = keys('voters', 'votersOutgoing', 'learners', 'autoLeave');

function idList(o: Obj, key: string, atLeastOne: boolean): void {
  const ids = array(o, key);
  if (atLeastOne && ids.length === 0) fail(key, 'must list at least one voter');
  for (let k = 0; k < ids.length; k++) if (typeof ids[k] !== 'string' || (ids[k] as string).length === 0) fail(key, `[${k}] must be a non-empty string`);
}

function clusterConfig(v: unknown): void {
  const o = object(v, null);
  required(o, 'voters');
  idList(o, 'voters', true);
  if ('votersOutgoing' in o) idList(o, 'votersOutgoing', true);
  if ('learners' in o) idList(o, 'learners', false);
  if ('autoLeave' in o) {
    bool(o, 'autoLeave');
    if (!('votersOutgoing' in o)) fail('autoLeave', 'is only for a joint configuration (with votersOutgoing)');
  }
  onlyKeys(o, CONFIG_KEYS);
}

const SNAPSHOT_KEYS = keys('index', 'term', 'data', 'config');

function snapshot(v: unknown): Snapshot {
  const o = object(v, null);
  required(o, 'index');
  required(o, 'term');
  required(o, 'data');
  nat(o, 'index');
  nat(o, 'term');
  str(o, 'data');
  if ('config' in o) withIn('config', () => clusterConfig(o.config));
  onlyKeys(o, SNAPSHOT_KEYS);
  return o as unknown as Snapshot;
}

const RECORD_KEYS = keys('seq', 'term', 'votedFor', 'truncateFrom', 'appendFrom', 'entries', 'snapshot');

function persistRecord(v: unknown): PersistRecord {
  const o = object(v, null);
  required(o, 'seq');
  positive(o, 'seq');
  if ('term' in o) nat(o, 'term');
  if ('votedFor' in o) idOrNull(o, 'votedFor');
  if ('truncateFrom' in o) positive(o, 'truncateFrom');
  if ('appendFrom' in o) positive(o, 'appendFrom');
  if ('entries' in o) entries(o, 'entries');
  if ('entries' in o && !('appendFrom' in o)) fail('appendFrom', 'is required with entries');
  if ('appendFrom' in o && !('entries' in o)) fail('entries', 'is required with appendFrom');
  if ('snapshot' in o) withIn('snapshot', () => snapshot(o.snapshot));
  onlyKeys(o, RECORD_KEYS);
  return o as unknown as PersistRecord;
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

const ENVELOPE = ['type', 'from', 'to', 'term', 'ext'];
const MESSAGE_FIELDS: Readonly<Record<string, readonly [string, 'nat' | 'bool' | 'str' | 'entries' | 'name'][]>> = {
  RequestVoteRequest: [['lastLogIndex', 'nat'], ['lastLogTerm', 'nat'], ['transfer', 'bool']],
  RequestVoteResponse: [['granted', 'bool']],
  PreVoteRequest: [['lastLogIndex', 'nat'], ['lastLogTerm', 'nat']],
  PreVoteResponse: [['granted', 'bool']],
  AppendEntriesRequest: [['prevLogIndex', 'nat'], ['prevLogTerm', 'nat'], ['entries', 'entries'], ['leaderCommit', 'nat']],
  AppendEntriesResponse: [['success', 'bool'], ['matchIndex', 'nat']],
  InstallSnapshotRequest: [['lastIncludedIndex', 'nat'], ['lastIncludedTerm', 'nat'], ['offset', 'nat'], ['data', 'str'], ['done', 'bool']],
  InstallSnapshotResponse: [['lastIncludedIndex', 'nat'], ['installed', 'bool']],
  TimeoutNowRequest: [],
  Extension: [['name', 'name']],
};
const MESSAGE_KEYS: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(MESSAGE_FIELDS).map(([type, fields]) => [type, new Set([...ENVELOPE, ...fields.map(([k]) => k)])]),
);

export function checkMessageShape(v: unknown): Message {
  const o = object(v, null);
  required(o, 'type');
  const type = oneOf(o, 'type', MESSAGE_TYPES);
  required(o, 'from');
  required(o, 'to');
  required(o, 'term');
  nonEmpty(o, 'from');
  nonEmpty(o, 'to');
  nat(o, 'term');
  const fields = MESSAGE_FIELDS[type];
  for (let k = 0; k < fields.length; k++) {
    const [key, kind] = fields[k];
    required(o, key);
    if (kind === 'nat') nat(o, key);
    else if (kind === 'bool') bool(o, key);
    else if (kind === 'str') str(o, key);
    else if (kind === 'name') nonEmpty(o, key);
    else entries(o, key);
  }
  optionalExt(o);
  onlyKeys(o, MESSAGE_KEYS[type]);
  return o as unknown as Message;
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

const REQUIRED_VIEW_KEYS = ['term', 'role', 'votedFor', 'commitIndex', 'leader', 'lastIndex', 'lastTerm', 'snapshotIndex'];
const VIEW_KEYS = keys(...REQUIRED_VIEW_KEYS, 'incomingSnapshotBytes', 'config', 'configIndex');

function view(v: unknown): NodeView {
  const o = object(v, null);
  for (const k of REQUIRED_VIEW_KEYS) required(o, k);
  nat(o, 'term');
  oneOf(o, 'role', ROLES);
  idOrNull(o, 'votedFor');
  nat(o, 'commitIndex');
  idOrNull(o, 'leader');
  nat(o, 'lastIndex');
  nat(o, 'lastTerm');
  nat(o, 'snapshotIndex');
  if (o.incomingSnapshotBytes !== undefined) nat(o, 'incomingSnapshotBytes');
  if ('config' in o !== 'configIndex' in o) fail('config' in o ? 'configIndex' : 'config', 'is required with config and configIndex: both or neither');
  if ('config' in o) {
    withIn('config', () => clusterConfig(o.config));
    positive(o, 'configIndex');
  }
  onlyKeys(o, VIEW_KEYS);
  return o as unknown as NodeView;
}

const HELLO_KEYS = keys('protocol', 'implementation', 'capabilities');

function hello(v: unknown): Hello {
  const o = object(v, null);
  required(o, 'protocol');
  required(o, 'implementation');
  required(o, 'capabilities');
  positive(o, 'protocol');
  nonEmpty(o, 'implementation');
  const caps = array(o, 'capabilities');
  const seen = new Set<unknown>();
  for (let k = 0; k < caps.length; k++) {
    if (!(CAPABILITIES as readonly unknown[]).includes(caps[k])) fail('capabilities', `[${k}] must be one of ${CAPABILITIES.join(', ')}, got ${JSON.stringify(caps[k])}`);
    if (seen.has(caps[k])) fail('capabilities', `[${k}] repeats ${JSON.stringify(caps[k])}`);
    seen.add(caps[k]);
  }
  onlyKeys(o, HELLO_KEYS);
  return o as unknown as Hello;
}

const APPLY_KEYS = keys('index', 'entry');
const READ_KEYS = keys('requestId', 'index');
const PROPOSED_KEYS = keys('requestId', 'firstIndex', 'count', 'term');

function applyEntry(v: unknown): ApplyEntry {
  const o = object(v, null);
  required(o, 'index');
  required(o, 'entry');
  positive(o, 'index');
  entry(o.entry, 'entry');
  onlyKeys(o, APPLY_KEYS);
  return o as unknown as ApplyEntry;
}

function readResult(v: unknown): ReadResult {
  const o = object(v, null);
  required(o, 'requestId');
  required(o, 'index');
  nonEmpty(o, 'requestId');
  nat(o, 'index');
  onlyKeys(o, READ_KEYS);
  return o as unknown as ReadResult;
}

function proposed(v: unknown): Proposed {
  const o = object(v, null);
  for (const k of PROPOSED_KEYS) required(o, k);
  nonEmpty(o, 'requestId');
  positive(o, 'firstIndex');
  positive(o, 'count');
  nat(o, 'term');
  onlyKeys(o, PROPOSED_KEYS);
  return o as unknown as Proposed;
}

const ERROR_FIELDS: Readonly<Record<string, readonly [string, 'request' | 'str' | 'id' | 'optionalId' | 'idOrNull' | 'any'][]>> = {
  NotLeader: [['requestId', 'request'], ['leaderHint', 'idOrNull']],
  ProposalDropped: [['requestId', 'request'], ['reason', 'str']],
  ReadFailed: [['requestId', 'request'], ['reason', 'str'], ['leaderHint', 'idOrNull']],
  TransferRejected: [['to', 'id'], ['reason', 'str']],
  TransferAborted: [['to', 'id']],
  ConfChangeRejected: [['requestId', 'request'], ['reason', 'str'], ['node', 'optionalId']],
  InvalidMessage: [['reason', 'str'], ['from', 'any']],
  InvalidInput: [['reason', 'str']],
};
const ERROR_KEYS: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(ERROR_FIELDS).map(([type, fields]) => [type, new Set(['type', ...fields.map(([k]) => k)])]),
);

function nodeError(v: unknown): NodeError {
  const o = object(v, null);
  required(o, 'type');
  const type = oneOf(o, 'type', NODE_ERROR_TYPES);
  for (const [key, kind] of ERROR_FIELDS[type]) {
    if (kind === 'any') continue; // InvalidMessage.from: whatever the bad message claimed, optional.
    if (kind === 'optionalId') {
      if (key in o) nonEmpty(o, key);
      continue;
    }
    required(o, key);
    if (kind === 'request' || kind === 'id') nonEmpty(o, key);
    else if (kind === 'str') str(o, key);
    else idOrNull(o, key);
  }
  if (type === 'ConfChangeRejected') oneOf(o, 'reason', CONF_CHANGE_REFUSALS);
  onlyKeys(o, ERROR_KEYS[type]);
  return o as unknown as NodeError;
}

function list<T>(o: Obj, key: string, item: (v: unknown) => T): readonly T[] {
  if (!(key in o)) return EMPTY;
  const values = array(o, key);
  for (let k = 0; k < values.length; k++) {
    try {
      item(values[k]);
    } catch (e) {
      under(e, `${key}[${k}]`);
    }
  }
  return values as T[];
}

const EMPTY: readonly never[] = Object.freeze([]);
const OUTPUT_KEYS = keys('hello', 'messages', 'persist', 'restore', 'apply', 'reads', 'proposed', 'errors', 'actions', 'view');

/** Schema check of one parsed output object; returns it with every list present. */
export function checkOutputShape(v: unknown): NodeOutput {
  const o = object(v, null);
  required(o, 'view');
  const h = 'hello' in o ? withIn('hello', () => hello(o.hello)) : undefined;
  const messages = list(o, 'messages', checkMessageShape);
  const persist = list(o, 'persist', persistRecord);
  let restore: Snapshot | null = null;
  if ('restore' in o && o.restore !== null) restore = withIn('restore', () => snapshot(o.restore));
  const apply = list(o, 'apply', applyEntry);
  const reads = list(o, 'reads', readResult);
  const prop = list(o, 'proposed', proposed);
  const errors = list(o, 'errors', nodeError);
  let actions: readonly string[] | undefined;
  if ('actions' in o) {
    const a = array(o, 'actions');
    for (let k = 0; k < a.length; k++) if (typeof a[k] !== 'string' || (a[k] as string).length === 0) fail(`actions[${k}]`, 'must be a non-empty string');
    actions = a as string[];
  }
  const vw = withIn('view', () => view(o.view));
  onlyKeys(o, OUTPUT_KEYS);
  const out: NodeOutput = { messages, persist, restore, apply, reads, proposed: prop, errors, actions, view: vw };
  return h === undefined ? out : { hello: h, ...out };
}

/** Schema check of a fatal line. */
export function checkFatalShape(v: unknown): string {
  const o = object(v, null);
  required(o, 'fatal');
  const reason = nonEmpty(o, 'fatal');
  onlyKeys(o, FATAL_KEYS);
  return reason;
}
const FATAL_KEYS = keys('fatal');

export type ShapeResult = { readonly ok: true } | { readonly ok: false; readonly field: string; readonly rule: string };

/** Runs a shape check and reports its first failure as data (for tests and tools). */
export function shapeOf(check: (v: unknown) => unknown, value: unknown): ShapeResult {
  try {
    check(value);
    return { ok: true };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, field: pathText(e.path), rule: e.rule };
    throw e;
  }
}

/**
 * One output line from a node, checked. `expectHello`: the line answers Init or Restart, so it must
 * carry a hello of protocol version 1; any other line must not.
 */
export function decodeOutput(line: string, ref: ExchangeRef, expectHello: boolean): NodeOutput {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    throw new MalformedOutput(ref, line, (e as Error).message);
  }
  if (!isObject(raw)) throw new MalformedOutput(ref, line, `a line must be one JSON object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  if ('fatal' in raw) {
    const fatal = shapeOf(checkFatalShape, raw);
    if (!fatal.ok) throw new ProtocolViolation(ref, line, fatal.field, fatal.rule);
    throw new NodeFatal(ref, line, raw.fatal as string);
  }
  let out: NodeOutput;
  try {
    out = checkOutputShape(raw);
  } catch (e) {
    if (e instanceof Bad) throw new ProtocolViolation(ref, line, pathText(e.path), e.rule);
    throw e;
  }
  if (expectHello) {
    if (out.hello === undefined) throw new ProtocolViolation(ref, line, 'hello', 'is required in the reply to Init and Restart');
    if (out.hello.protocol !== PROTOCOL_VERSION) {
      throw new ProtocolViolation(ref, line, 'hello.protocol', `is ${out.hello.protocol}, but this driver speaks protocol ${PROTOCOL_VERSION} only`);
    }
  } else if (out.hello !== undefined) {
    throw new ProtocolViolation(ref, line, 'hello', 'is allowed only in the reply to Init and Restart');
  }
  return out;
}

/**
 * The canonical line for an output: fields in schema order, empty lists and a null restore left
 * out. The stdio server writes exactly this, so an in-process node and the same node over stdio
 * can be compared byte for byte.
 */
export function encodeOutput(out: NodeOutput): string {
  const o: Record<string, unknown> = {};
  if (out.hello !== undefined) o.hello = out.hello;
  if (out.messages.length > 0) o.messages = out.messages;
  if (out.persist.length > 0) o.persist = out.persist;
  if (out.restore !== null) o.restore = out.restore;
  if (out.apply.length > 0) o.apply = out.apply;
  if (out.reads.length > 0) o.reads = out.reads;
  if (out.proposed.length > 0) o.proposed = out.proposed;
  if (out.errors.length > 0) o.errors = out.errors;
  if (out.actions !== undefined && out.actions.length > 0) o.actions = out.actions;
  o.view = out.view;
  return JSON.stringify(o);
}

// ---------------------------------------------------------------------------------------------
// Inputs (node side)
// ---------------------------------------------------------------------------------------------

const OPTION_KEYS = keys('electionTimeoutTicks', 'heartbeatIntervalTicks', 'preVote', 'checkQuorum');
const INIT_KEYS = keys('type', 'protocol', 'id', 'voters', 'seed', 'options', 'impl');
const RESTART_KEYS = keys('type', 'protocol', 'id', 'voters', 'seed', 'options', 'impl', 'durable', 'lastSeq');
const DURABLE_KEYS = keys('term', 'votedFor', 'snapshot', 'entries');
const INPUT_TYPES = ['Init', 'Restart', 'Tick', 'Receive', 'Propose', 'Read', 'PersistAck', 'Snapshot', 'TransferLeadership', 'ProposeConfChange'] as const;

function options(v: unknown): void {
  const o = object(v, null);
  for (const k of OPTION_KEYS) required(o, k);
  positive(o, 'electionTimeoutTicks');
  positive(o, 'heartbeatIntervalTicks');
  bool(o, 'preVote');
  bool(o, 'checkQuorum');
  onlyKeys(o, OPTION_KEYS);
}

function durable(v: unknown): DurableState {
  const o = object(v, null);
  for (const k of DURABLE_KEYS) required(o, k);
  nat(o, 'term');
  idOrNull(o, 'votedFor');
  if (o.snapshot !== null) withIn('snapshot', () => snapshot(o.snapshot));
  entries(o, 'entries');
  onlyKeys(o, DURABLE_KEYS);
  return o as unknown as DurableState;
}

function start(o: Obj, restart: boolean): void {
  for (const k of ['protocol', 'id', 'voters', 'seed', 'options']) required(o, k);
  positive(o, 'protocol');
  nonEmpty(o, 'id');
  const voters = array(o, 'voters');
  if (voters.length === 0) fail('voters', 'must list at least one voter');
  const seen = new Set<unknown>();
  for (let k = 0; k < voters.length; k++) {
    if (typeof voters[k] !== 'string' || (voters[k] as string).length === 0) fail('voters', `[${k}] must be a non-empty string`);
    if (seen.has(voters[k])) fail('voters', `[${k}] repeats ${JSON.stringify(voters[k])}`);
    seen.add(voters[k]);
  }
  const seed = o.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail('seed', `must be an unsigned 32-bit integer, got ${JSON.stringify(seed)}`);
  withIn('options', () => options(o.options));
  if ('impl' in o && !isObject(o.impl)) fail('impl', 'must be an object');
  if (restart) {
    required(o, 'durable');
    required(o, 'lastSeq');
    withIn('durable', () => durable(o.durable));
    nat(o, 'lastSeq');
  }
  onlyKeys(o, restart ? RESTART_KEYS : INIT_KEYS);
}

const TYPE_ONLY = keys('type');
const RECEIVE_KEYS = keys('type', 'message');
const PROPOSE_KEYS = keys('type', 'requestId', 'data');
const READ_INPUT_KEYS = keys('type', 'requestId');
const ACK_KEYS = keys('type', 'seq');
const SNAPSHOT_INPUT_KEYS = keys('type', 'index', 'data');
const TRANSFER_KEYS = keys('type', 'to');
const CONF_CHANGE_INPUT_KEYS = keys('type', 'requestId', 'changes', 'leaveJoint');
const CONF_CHANGE_KEYS = keys('kind', 'node');

function confChange(v: unknown): void {
  const o = object(v, null);
  required(o, 'kind');
  required(o, 'node');
  oneOf(o, 'kind', CONF_CHANGE_KINDS);
  nonEmpty(o, 'node');
  onlyKeys(o, CONF_CHANGE_KEYS);
}

/** Schema check of one parsed input object. */
export function checkInputShape(v: unknown): Input {
  const o = object(v, null);
  required(o, 'type');
  const type = oneOf(o, 'type', INPUT_TYPES);
  switch (type) {
    case 'Init':
    case 'Restart':
      start(o, type === 'Restart');
      break;
    case 'Tick':
      onlyKeys(o, TYPE_ONLY);
      break;
    case 'Receive':
      required(o, 'message');
      withIn('message', () => checkMessageShape(o.message));
      onlyKeys(o, RECEIVE_KEYS);
      break;
    case 'Propose': {
      required(o, 'requestId');
      required(o, 'data');
      nonEmpty(o, 'requestId');
      const data = array(o, 'data');
      if (data.length === 0) fail('data', 'must hold at least one command');
      for (let k = 0; k < data.length; k++) if (typeof data[k] !== 'string') fail('data', `[${k}] must be a string`);
      onlyKeys(o, PROPOSE_KEYS);
      break;
    }
    case 'Read':
      required(o, 'requestId');
      nonEmpty(o, 'requestId');
      onlyKeys(o, READ_INPUT_KEYS);
      break;
    case 'PersistAck':
      required(o, 'seq');
      positive(o, 'seq');
      onlyKeys(o, ACK_KEYS);
      break;
    case 'Snapshot':
      required(o, 'index');
      required(o, 'data');
      positive(o, 'index');
      str(o, 'data');
      onlyKeys(o, SNAPSHOT_INPUT_KEYS);
      break;
    case 'TransferLeadership':
      required(o, 'to');
      nonEmpty(o, 'to');
      onlyKeys(o, TRANSFER_KEYS);
      break;
    case 'ProposeConfChange': {
      required(o, 'requestId');
      required(o, 'changes');
      nonEmpty(o, 'requestId');
      const changes = array(o, 'changes');
      for (let k = 0; k < changes.length; k++) withIn(`changes[${k}]`, () => confChange(changes[k]));
      if ('leaveJoint' in o) oneOf(o, 'leaveJoint', ['auto', 'explicit'] as const);
      onlyKeys(o, CONF_CHANGE_INPUT_KEYS);
      break;
    }
  }
  return o as unknown as Input;
}

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(readonly field: string, readonly rule: string) {
    super(`input ${field === '' ? '' : `${field} `}${rule}`);
  }
}

/** One input line, checked (node side). Throws InputError naming the bad field. */
export function decodeInput(line: string): Input {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    throw new InputError('', `is not JSON: ${(e as Error).message}`);
  }
  try {
    return checkInputShape(raw);
  } catch (e) {
    if (e instanceof Bad) throw new InputError(pathText(e.path), e.rule);
    throw e;
  }
}

export function encodeInput(input: Input): string {
  return JSON.stringify(input);
}
