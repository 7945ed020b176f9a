// Frames for WebRTC data channels: byte 0 is the format version, byte 1 the kind (one message or
// a batch), the rest compact JSON in UTF-8 (positional arrays, see framing-wire.ts). Decoding
// never throws: a peer is untrusted, so every malformed frame comes back as a typed FrameError,
// and every message that comes back has passed core's validateMessage.
//
// Batching matters: a data channel moves about 30k messages/s between tabs (field notes), so a
// leader sending one message per frame would cap the cluster there. encodeFrames packs a burst of
// outgoing messages into as few frames as the size limit allows.

import { validateMessage } from '../../core';
import type { Message } from '../../core';
import { fromWire, toWire } from './framing-wire';
import { nestsDeeperThan } from './json-depth';

export const FRAME_VERSION = 1;
export const FRAME_KIND_SINGLE = 1;
export const FRAME_KIND_BATCH = 2;
export const FRAME_HEADER_BYTES = 2;
/**
 * Largest frame accepted or produced by default. Checked before any parsing. A transport should
 * pass a smaller `maxFrameBytes` when the channel's SCTP maxMessageSize is smaller (Chromium
 * commonly advertises 256 KiB), and keep core's maxBytesPerAppend and snapshotChunkBytes well
 * below the limit so every message fits.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * The deepest nesting a frame's JSON may have. The format needs 4: a batch, a message, its
 * entries, one entry (or a batch, an InstallSnapshot, its configuration, the voter list). A
 * deeper frame is refused as soon as it is parsed, before anything walks it (hostile-frames.test.ts
 * encodes every message type in a batch, so a format change that nests deeper fails there first).
 */
export const MAX_FRAME_DEPTH = 4;

export interface FrameOptions {
  readonly maxFrameBytes?: number;
}

export type FrameError =
  | { readonly type: 'UnsupportedInput'; readonly detail: string }
  | { readonly type: 'TooLarge'; readonly length: number; readonly max: number }
  | { readonly type: 'Truncated'; readonly length: number }
  | { readonly type: 'BadVersion'; readonly version: number }
  | { readonly type: 'BadKind'; readonly kind: number }
  | { readonly type: 'BadEncoding'; readonly detail: string }
  | { readonly type: 'NotJson'; readonly detail: string }
  /** Arrays or objects nested deeper than MAX_FRAME_DEPTH: refused before anything walks them. */
  | { readonly type: 'TooDeep'; readonly max: number }
  | { readonly type: 'EmptyBatch' }
  /** `index` is the message's position in a batch (0 for a single frame); `reason` is core's. */
  | { readonly type: 'InvalidMessage'; readonly index: number; readonly reason: string };

export type FrameErrorType = FrameError['type'];

export type DecodeResult = { readonly ok: true; readonly messages: readonly Message[] } | { readonly ok: false; readonly error: FrameError };

/** Thrown by the encoders only: a message that cannot fit any frame is the sender's bug. */
export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
  constructor(readonly bytes: number, readonly max: number, readonly messageType: string) {
    super(`a ${messageType} needs a ${bytes}-byte frame; the limit is ${max}`);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

function limit(options?: FrameOptions): number {
  return options?.maxFrameBytes ?? MAX_FRAME_BYTES;
}

/** UTF-8 bytes of a message's wire JSON (JSON.stringify escapes lone surrogates, so this is lossless). */
function messageBytes(message: Message): Uint8Array {
  return encoder.encode(JSON.stringify(toWire(message)));
}

function assemble(kind: number, parts: readonly Uint8Array[]): Uint8Array {
  const batch = kind === FRAME_KIND_BATCH;
  let size = FRAME_HEADER_BYTES + (batch ? 2 + parts.length - 1 : 0);
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  out[0] = FRAME_VERSION;
  out[1] = kind;
  let at = FRAME_HEADER_BYTES;
  if (batch) out[at++] = OPEN;
  parts.forEach((p, i) => {
    if (batch && i > 0) out[at++] = COMMA;
    out.set(p, at);
    at += p.length;
  });
  if (batch) out[at++] = CLOSE;
  return out;
}

/** One message, one frame. */
export function encodeFrame(message: Message, options?: FrameOptions): Uint8Array {
  const bytes = messageBytes(message);
  const size = FRAME_HEADER_BYTES + bytes.length;
  if (size > limit(options)) throw new FrameTooLargeError(size, limit(options), message.type);
  return assemble(FRAME_KIND_SINGLE, [bytes]);
}

/**
 * Packs messages, in order, into as few frames as fit the size limit: consecutive messages share
 * a batch frame; a frame that ends up holding one message is a single frame.
 */
export function encodeFrames(messages: readonly Message[], options?: FrameOptions): Uint8Array[] {
  const max = limit(options);
  const frames: Uint8Array[] = [];
  let parts: Uint8Array[] = [];
  let batchSize = FRAME_HEADER_BYTES + 1; // header and '[' ; each part adds itself plus ',' or ']'
  const flush = (): void => {
    if (parts.length === 0) return;
    frames.push(parts.length === 1 ? assemble(FRAME_KIND_SINGLE, parts) : assemble(FRAME_KIND_BATCH, parts));
    parts = [];
    batchSize = FRAME_HEADER_BYTES + 1;
  };
  for (const message of messages) {
    const bytes = messageBytes(message);
    if (FRAME_HEADER_BYTES + bytes.length > max) throw new FrameTooLargeError(FRAME_HEADER_BYTES + bytes.length, max, message.type);
    if (parts.length > 0 && batchSize + bytes.length + 1 > max) flush();
    parts.push(bytes);
    batchSize += bytes.length + 1;
  }
  flush();
  return frames;
}

/**
 * The same frame as text, for a channel that can only send strings: the version and kind become
 * the first two UTF-16 code units and the JSON follows as is.
 */
export function encodeTextFrame(messages: readonly Message[], options?: FrameOptions): string {
  if (messages.length === 0) throw new RangeError('encodeTextFrame: no messages');
  const single = messages.length === 1;
  const json = single ? JSON.stringify(toWire(messages[0])) : JSON.stringify(messages.map(toWire));
  const text = String.fromCharCode(FRAME_VERSION, single ? FRAME_KIND_SINGLE : FRAME_KIND_BATCH) + json;
  if (text.length > limit(options)) throw new FrameTooLargeError(text.length, limit(options), single ? messages[0].type : 'batch');
  return text;
}

const fail = (error: FrameError): DecodeResult => ({ ok: false, error });

/** Decodes and validates one frame (bytes from a data channel, or a text frame). Never throws. */
export function decodeFrame(input: Uint8Array | ArrayBuffer | string, options?: FrameOptions): DecodeResult {
  const max = limit(options);
  let version: number;
  let kind: number;
  let json: string;
  if (typeof input === 'string') {
    if (input.length > max) return fail({ type: 'TooLarge', length: input.length, max });
    if (input.length <= FRAME_HEADER_BYTES) return fail({ type: 'Truncated', length: input.length });
    version = input.charCodeAt(0);
    kind = input.charCodeAt(1);
    json = input.slice(FRAME_HEADER_BYTES);
  } else {
    let bytes: Uint8Array;
    if (input instanceof Uint8Array) bytes = input;
    else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
    else return fail({ type: 'UnsupportedInput', detail: `expected Uint8Array, ArrayBuffer or string, got ${describe(input)}` });
    if (bytes.length > max) return fail({ type: 'TooLarge', length: bytes.length, max });
    if (bytes.length <= FRAME_HEADER_BYTES) return fail({ type: 'Truncated', length: bytes.length });
    version = bytes[0];
    kind = bytes[1];
    if (version === FRAME_VERSION && (kind === FRAME_KIND_SINGLE || kind === FRAME_KIND_BATCH)) {
      try {
        json = decoder.decode(bytes.subarray(FRAME_HEADER_BYTES));
      } catch (e) {
        return fail({ type: 'BadEncoding', detail: (e as Error).message });
      }
    } else {
      json = '';
    }
  }
  if (version !== FRAME_VERSION) return fail({ type: 'BadVersion', version });
  if (kind !== FRAME_KIND_SINGLE && kind !== FRAME_KIND_BATCH) return fail({ type: 'BadKind', kind });

  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (e) {
    return fail({ type: 'NotJson', detail: (e as Error).message });
  }
  if (nestsDeeperThan(payload, MAX_FRAME_DEPTH)) return fail({ type: 'TooDeep', max: MAX_FRAME_DEPTH });
  if (kind === FRAME_KIND_SINGLE) {
    const checked = check(payload, 0);
    return checked.ok ? { ok: true, messages: [checked.message] } : fail(checked.error);
  }
  if (!Array.isArray(payload)) return fail({ type: 'InvalidMessage', index: -1, reason: 'a batch frame must hold a JSON array of messages' });
  if (payload.length === 0) return fail({ type: 'EmptyBatch' });
  const messages: Message[] = new Array(payload.length);
  for (let i = 0; i < payload.length; i++) {
    const checked = check(payload[i], i);
    if (!checked.ok) return fail(checked.error);
    messages[i] = checked.message;
  }
  return { ok: true, messages };
}

function check(raw: unknown, index: number): { ok: true; message: Message } | { ok: false; error: FrameError } {
  const wire = fromWire(raw);
  if (!wire.ok) return { ok: false, error: { type: 'InvalidMessage', index, reason: wire.reason } };
  const validated = validateMessage(wire.value);
  if (!validated.ok) return { ok: false, error: { type: 'InvalidMessage', index, reason: validated.reason } };
  return { ok: true, message: validated.message };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

/** A one-line description of a FrameError, for logs and counters. */
export function describeFrameError(error: FrameError): string {
  switch (error.type) {
    case 'UnsupportedInput': return `unsupported input: ${error.detail}`;
    case 'TooLarge': return `frame of ${error.length} exceeds ${error.max}`;
    case 'Truncated': return `frame of ${error.length} bytes has no payload`;
    case 'BadVersion': return `frame version ${error.version}, expected ${FRAME_VERSION}`;
    case 'BadKind': return `unknown frame kind ${error.kind}`;
    case 'BadEncoding': return `payload is not UTF-8: ${error.detail}`;
    case 'NotJson': return `payload is not JSON: ${error.detail}`;
    case 'TooDeep': return `payload nests deeper than ${error.max} levels`;
    case 'EmptyBatch': return 'batch frame holds no messages';
    case 'InvalidMessage': return `message ${error.index}: ${error.reason}`;
  }
}
