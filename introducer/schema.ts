// Frame schema of the introducer protocol (see PROTOCOL.md), with hand-written validators.
// This module is pure (no Node imports) so the browser client can share it.

/** Every error code a server may put in an `error` frame. */
export type ErrorCode =
  | 'malformed-json'
  | 'invalid-frame'
  | 'binary-frame'
  | 'not-joined'
  | 'already-joined'
  | 'spoofed-sender'
  | 'self-target'
  | 'unknown-target'
  | 'target-congested'
  | 'rate-limited'
  | 'bad-token'
  | 'token-expired'
  | 'room-full'
  | 'node-id-in-use'
  | 'join-timeout'
  | 'too-many-strikes';

export interface JoinFrame {
  type: 'join';
  room: string;
  node: string;
  expires: number;
  token: string;
}

export interface SignalFrame {
  type: 'signal';
  to: string;
  data: unknown;
  /** Optional; if present it must equal the sender's joined id, or the frame is a strike. */
  from?: string;
}

export interface LeaveFrame {
  type: 'leave';
}

export type ClientFrame = JoinFrame | SignalFrame | LeaveFrame;

export interface JoinedFrame {
  type: 'joined';
  room: string;
  node: string;
  /** Every member of the room, including the receiver, in join order. */
  roster: string[];
}

export interface PeerJoinedFrame {
  type: 'peer-joined';
  node: string;
}

export interface PeerLeftFrame {
  type: 'peer-left';
  node: string;
}

export interface RelayedSignalFrame {
  type: 'signal';
  from: string;
  data: unknown;
}

export interface ErrorFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
}

export type ServerFrame = JoinedFrame | PeerJoinedFrame | PeerLeftFrame | RelayedSignalFrame | ErrorFrame;

/** A frame that failed validation; `field` names the offending field when there is one. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export type ParseResult<T> = { ok: true; frame: T } | { ok: false; error: FrameError };

/** A cluster key: 128 random bits as 32 lowercase hex characters (one canonical spelling per room). */
export const ROOM_KEY_PATTERN = /^[0-9a-f]{32}$/;
/** Node ids are short and printable so they are safe to log and to put in HMAC input. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** HMAC-SHA256 hex digest. */
export const TOKEN_PATTERN = /^[0-9a-f]{64}$/;
/** Signal payloads are opaque, but deep nesting is refused so re-serialising can never exhaust the stack. */
export const MAX_DATA_DEPTH = 16;

export function isRoomKey(value: unknown): value is string {
  return typeof value === 'string' && ROOM_KEY_PATTERN.test(value);
}

export function isNodeId(value: unknown): value is string {
  return typeof value === 'string' && NODE_ID_PATTERN.test(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, message: string): FrameError {
  return new FrameError('invalid-frame', `${field}: ${message}`, field);
}

/** Returns the first key of `obj` not in `allowed`, so typos are reported instead of ignored. */
function unexpectedKey(obj: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  return Object.keys(obj).find((key) => !allowed.includes(key));
}

/** Iterative, so a hostile 60 KiB `[[[[...` cannot overflow the stack while being measured. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > limit) return true;
    const children = Array.isArray(item.value) ? item.value : Object.values(item.value);
    for (const child of children) stack.push({ value: child, depth });
  }
  return false;
}

function parseJsonObject(text: string): ParseResult<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: new FrameError('malformed-json', 'frame is not valid JSON') };
  }
  if (!isPlainObject(value)) {
    return { ok: false, error: invalid('frame', 'expected a JSON object') };
  }
  if (typeof value.type !== 'string') {
    return { ok: false, error: invalid('type', 'expected a string') };
  }
  return { ok: true, frame: value };
}

function validateJoin(obj: Record<string, unknown>): FrameError | JoinFrame {
  const extra = unexpectedKey(obj, ['type', 'room', 'node', 'expires', 'token']);
  if (extra !== undefined) return invalid(`join.${extra}`, 'unexpected field');
  if (!isRoomKey(obj.room)) return invalid('join.room', 'expected 32 lowercase hex characters (a 128-bit cluster key)');
  if (!isNodeId(obj.node)) return invalid('join.node', 'expected 1-32 characters from [A-Za-z0-9_-]');
  if (typeof obj.expires !== 'number' || !Number.isSafeInteger(obj.expires) || obj.expires < 0) {
    return invalid('join.expires', 'expected a non-negative integer (milliseconds since the epoch)');
  }
  if (typeof obj.token !== 'string' || !TOKEN_PATTERN.test(obj.token)) {
    return invalid('join.token', 'expected 64 lowercase hex characters (HMAC-SHA256)');
  }
  return { type: 'join', room: obj.room, node: obj.node, expires: obj.expires, token: obj.token };
}

function validateSignal(obj: Record<string, unknown>): FrameError | SignalFrame {
  const extra = unexpectedKey(obj, ['type', 'to', 'data', 'from']);
  if (extra !== undefined) return invalid(`signal.${extra}`, 'unexpected field');
  if (!isNodeId(obj.to)) return invalid('signal.to', 'expected a node id (1-32 characters from [A-Za-z0-9_-])');
  if (!('data' in obj)) return invalid('signal.data', 'missing');
  if (jsonDepthExceeds(obj.data, MAX_DATA_DEPTH)) {
    return invalid('signal.data', `nested deeper than ${MAX_DATA_DEPTH} levels`);
  }
  if ('from' in obj && typeof obj.from !== 'string') return invalid('signal.from', 'expected a string');
  const frame: SignalFrame = { type: 'signal', to: obj.to, data: obj.data };
  if (typeof obj.from === 'string') frame.from = obj.from;
  return frame;
}

/** Validates one text frame from a client. Never throws. */
export function parseClientFrame(text: string): ParseResult<ClientFrame> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const obj = parsed.frame;
  let result: FrameError | ClientFrame;
  switch (obj.type) {
    case 'join':
      result = validateJoin(obj);
      break;
    case 'signal':
      result = validateSignal(obj);
      break;
    case 'leave': {
      const extra = unexpectedKey(obj, ['type']);
      result = extra !== undefined ? invalid(`leave.${extra}`, 'unexpected field') : { type: 'leave' };
      break;
    }
    default:
      result = invalid('type', `unknown frame type ${JSON.stringify(String(obj.type).slice(0, 32))}`);
  }
  return result instanceof FrameError ? { ok: false, error: result } : { ok: true, frame: result };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Validates one frame from the server; clients use it so a broken server cannot confuse them. */
export function parseServerFrame(text: string): ParseResult<ServerFrame> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const obj = parsed.frame;
  const fail = (field: string, message: string): ParseResult<ServerFrame> => ({ ok: false, error: invalid(field, message) });
  switch (obj.type) {
    case 'joined':
      if (typeof obj.room !== 'string') return fail('joined.room', 'expected a string');
      if (typeof obj.node !== 'string') return fail('joined.node', 'expected a string');
      if (!isStringArray(obj.roster)) return fail('joined.roster', 'expected an array of strings');
      return { ok: true, frame: { type: 'joined', room: obj.room, node: obj.node, roster: obj.roster } };
    case 'peer-joined':
    case 'peer-left':
      if (typeof obj.node !== 'string') return fail(`${obj.type}.node`, 'expected a string');
      return { ok: true, frame: { type: obj.type, node: obj.node } };
    case 'signal':
      if (typeof obj.from !== 'string') return fail('signal.from', 'expected a string');
      if (!('data' in obj)) return fail('signal.data', 'missing');
      return { ok: true, frame: { type: 'signal', from: obj.from, data: obj.data } };
    case 'error':
      if (typeof obj.code !== 'string') return fail('error.code', 'expected a string');
      if (typeof obj.message !== 'string') return fail('error.message', 'expected a string');
      return { ok: true, frame: { type: 'error', code: obj.code as ErrorCode, message: obj.message } };
    default:
      return fail('type', `unknown frame type ${JSON.stringify(String(obj.type).slice(0, 32))}`);
  }
}
