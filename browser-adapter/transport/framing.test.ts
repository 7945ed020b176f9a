import fc from 'fast-check';
import { validateMessage } from '../../core';
import type { Message } from '../../core';
import { encodeConfig } from '../../core/membership';
import {
  FRAME_KIND_BATCH, FRAME_KIND_SINGLE, FRAME_VERSION, FrameError, FrameTooLargeError, MAX_FRAME_BYTES, decodeFrame,
  describeFrameError, encodeFrame, encodeFrames, encodeTextFrame,
} from './framing';
import { WIRE } from './framing-wire';

const env = { cluster: 'demo', from: 'n1', to: 'n2', term: 7 };

/** One message of every type, every field set to something other than its zero value. */
const SAMPLES: readonly Message[] = [
  { type: 'RequestVoteRequest', ...env, lastLogIndex: 12, lastLogTerm: 6, transfer: true },
  { type: 'RequestVoteResponse', ...env, granted: true },
  { type: 'PreVoteRequest', ...env, term: 8, lastLogIndex: 3, lastLogTerm: 2 },
  { type: 'PreVoteResponse', ...env, granted: false },
  {
    type: 'AppendEntriesRequest', ...env, prevLogIndex: 10, prevLogTerm: 5, leaderCommit: 9, round: 44,
    entries: [
      { term: 6, type: 'Noop', data: '' },
      { term: 7, type: 'Normal', data: '{"op":"put","key":"é","value":"😀 \\"q\\" \u0000"}' },
      { term: 7, type: 'Normal', data: 'lone \ud800 surrogate' },
      // Config entries carry a configuration (core validates it since membership changes landed).
      { term: 7, type: 'Config', data: encodeConfig({ voters: ['n1', 'n2'], learners: ['n3'] }) },
    ],
  },
  { type: 'AppendEntriesResponse', ...env, success: false, matchIndex: 4, conflictIndex: 5, conflictTerm: 3, prevLogIndex: 10, round: 44 },
  { type: 'InstallSnapshotRequest', ...env, lastIncludedIndex: 100, lastIncludedTerm: 6, lastIncludedConfig: { voters: ['n1', 'n2', 'n3'] }, offset: 65536, data: 'chunk\ndata', done: true, round: 3 },
  { type: 'InstallSnapshotResponse', ...env, lastIncludedIndex: 100, bytesReceived: 65546, installed: true, round: 3 },
  { type: 'TimeoutNowRequest', ...env },
  { type: 'ReadIndexRequest', ...env, requestId: 'r-1' },
  { type: 'ReadIndexResponse', ...env, requestId: 'r-1', readIndex: -1 },
];

function decodeOk(input: Uint8Array | ArrayBuffer | string): readonly Message[] {
  const result = decodeFrame(input);
  if (!result.ok) throw new Error(describeFrameError(result.error));
  return result.messages;
}

function decodeError(input: unknown): FrameError {
  const result = decodeFrame(input as Uint8Array);
  if (result.ok) throw new Error('expected a decode error');
  return result.error;
}

const header = (version: number, kind: number, json: string): Uint8Array => new Uint8Array([version, kind, ...new TextEncoder().encode(json)]);

describe('framing round trips', () => {
  it('has a sample of every message type (so the round trip below covers the whole wire table)', () => {
    expect(new Set(SAMPLES.map((m) => m.type))).toEqual(new Set(Object.keys(WIRE)));
    for (const m of SAMPLES) expect(validateMessage(m)).toEqual({ ok: true, message: m });
  });

  it.each(SAMPLES.map((m) => [m.type, m] as const))('%s survives bytes, ArrayBuffer and text frames', (_type, message) => {
    const frame = encodeFrame(message);
    expect(frame[0]).toBe(FRAME_VERSION);
    expect(frame[1]).toBe(FRAME_KIND_SINGLE);
    expect(decodeOk(frame)).toEqual([message]);
    const copy = frame.slice().buffer;
    expect(decodeOk(copy)).toEqual([message]);
    expect(decodeOk(encodeTextFrame([message]))).toEqual([message]);
  });

  it('is compact: a heartbeat fits in well under 64 bytes', () => {
    const heartbeat: Message = { type: 'AppendEntriesRequest', ...env, prevLogIndex: 1234, prevLogTerm: 7, entries: [], leaderCommit: 1234, round: 999 };
    expect(encodeFrame(heartbeat).length).toBeLessThan(64);
    expect(encodeFrame(heartbeat).length).toBeLessThan(JSON.stringify(heartbeat).length / 2);
  });

  it('batches many messages into one frame and preserves their order', () => {
    const messages = [...SAMPLES, ...SAMPLES];
    const frames = encodeFrames(messages);
    expect(frames).toHaveLength(1);
    expect(frames[0][1]).toBe(FRAME_KIND_BATCH);
    expect(decodeOk(frames[0])).toEqual(messages);
    expect(decodeOk(encodeTextFrame(messages))).toEqual(messages);
  });

  it('splits a batch at the size limit, never producing an oversized frame', () => {
    const big = (i: number): Message => ({ type: 'ReadIndexRequest', ...env, requestId: `req-${i}-${'x'.repeat(100)}` });
    const messages = Array.from({ length: 50 }, (_, i) => big(i));
    const maxFrameBytes = 1000;
    const frames = encodeFrames(messages, { maxFrameBytes });
    expect(frames.length).toBeGreaterThan(5);
    expect(frames.every((f) => f.length <= maxFrameBytes)).toBe(true);
    const decoded = frames.map((f) => decodeFrame(f, { maxFrameBytes }));
    expect(decoded.flatMap((d) => (d.ok ? d.messages : []))).toEqual(messages);
    // A lone message in its frame is sent as a single frame.
    expect(encodeFrames([messages[0]])[0][1]).toBe(FRAME_KIND_SINGLE);
    expect(encodeFrames([])).toEqual([]);
  });

  it('refuses to encode a message that cannot fit any frame', () => {
    const huge: Message = { type: 'InstallSnapshotRequest', ...env, lastIncludedIndex: 1, lastIncludedTerm: 1, lastIncludedConfig: { voters: ['n1'] }, offset: 0, data: 'x'.repeat(MAX_FRAME_BYTES), done: false, round: 1 };
    expect(() => encodeFrame(huge)).toThrow(FrameTooLargeError);
    expect(() => encodeFrames([SAMPLES[0], huge])).toThrow(/InstallSnapshotRequest needs a \d+-byte frame/);
    expect(() => encodeTextFrame([huge])).toThrow(FrameTooLargeError);
  });
});

describe('framing errors', () => {
  const good = encodeFrame(SAMPLES[1]);

  it('Truncated: empty, header only', () => {
    expect(decodeError(new Uint8Array(0))).toEqual({ type: 'Truncated', length: 0 });
    expect(decodeError(good.subarray(0, 2))).toEqual({ type: 'Truncated', length: 2 });
    expect(decodeError('\u0001')).toEqual({ type: 'Truncated', length: 1 });
  });

  it('Truncated payload: a frame cut short is not JSON', () => {
    expect(decodeError(good.subarray(0, good.length - 1)).type).toBe('NotJson');
  });

  it('BadVersion and BadKind', () => {
    expect(decodeError(header(2, 1, '[]'))).toEqual({ type: 'BadVersion', version: 2 });
    expect(decodeError(header(1, 3, '[]'))).toEqual({ type: 'BadKind', kind: 3 });
    expect(decodeError('\u0000\u0001[]')).toEqual({ type: 'BadVersion', version: 0 });
  });

  it('TooLarge is decided from the length alone, before parsing', () => {
    const big = new Uint8Array(MAX_FRAME_BYTES + 1); // all zeros: would also be a bad version
    expect(decodeError(big)).toEqual({ type: 'TooLarge', length: MAX_FRAME_BYTES + 1, max: MAX_FRAME_BYTES });
    expect(decodeFrame(good, { maxFrameBytes: good.length - 1 })).toEqual({ ok: false, error: { type: 'TooLarge', length: good.length, max: good.length - 1 } });
    expect(decodeError('\u0001\u0001' + ' '.repeat(MAX_FRAME_BYTES)).type).toBe('TooLarge');
  });

  it('BadEncoding for invalid UTF-8, NotJson for text that is not JSON', () => {
    expect(decodeError(new Uint8Array([1, 1, 0x5b, 0xff, 0x5d])).type).toBe('BadEncoding');
    expect(decodeError(new Uint8Array([1, 1, 0xc3]))).toMatchObject({ type: 'BadEncoding' });
    expect(decodeError(header(1, 1, '[1,"a"'))).toMatchObject({ type: 'NotJson' });
    expect(decodeError('\u0001\u0001{nope')).toMatchObject({ type: 'NotJson' });
  });

  it('InvalidMessage carries core validateMessage reason', () => {
    const wire = JSON.parse(new TextDecoder().decode(encodeFrame(SAMPLES[0]).subarray(2)));
    wire[4] = -1; // term
    const coreVerdict = validateMessage({ ...SAMPLES[0], term: -1 });
    expect(coreVerdict.ok).toBe(false);
    expect(decodeError(header(1, 1, JSON.stringify(wire)))).toEqual({ type: 'InvalidMessage', index: 0, reason: (coreVerdict as { reason: string }).reason });
    const lastLogTermAbove = [...wire.slice(0, 4), 1, 12, 6, true];
    expect(decodeError(header(1, 1, JSON.stringify(lastLogTermAbove)))).toMatchObject({ type: 'InvalidMessage', reason: expect.stringMatching(/lastLogTerm 6 is above the message term 1/) });
  });

  it('InvalidMessage for positional problems: unknown code, wrong arity, bad entries, not an array', () => {
    expect(decodeError(header(1, 1, '[99,"c","a","b",1]'))).toMatchObject({ type: 'InvalidMessage', reason: expect.stringMatching(/unknown message code 99/) });
    expect(decodeError(header(1, 1, '[2,"c","a","b",1]'))).toMatchObject({ type: 'InvalidMessage', reason: expect.stringMatching(/6 positions, got 5/) });
    expect(decodeError(header(1, 1, '[5,"c","a","b",1,0,0,[[1,9,"x"]],0,0]'))).toMatchObject({ type: 'InvalidMessage', reason: expect.stringMatching(/entries\[0\]/) });
    expect(decodeError(header(1, 1, '[5,"c","a","b",1,0,0,[[1,0,5]],0,0]'))).toMatchObject({ type: 'InvalidMessage', reason: expect.stringMatching(/data must be a string/) });
    expect(decodeError(header(1, 1, '{"type":"TimeoutNowRequest"}'))).toMatchObject({ type: 'InvalidMessage', reason: expect.stringMatching(/JSON array/) });
  });

  it('a batch with one bad message is rejected whole, naming the bad one', () => {
    const frame = encodeFrames([SAMPLES[0], SAMPLES[1], SAMPLES[2]])[0];
    const text = new TextDecoder().decode(frame.subarray(2)).replace('"n2",8', '"n2",-8');
    expect(decodeError(header(1, 2, text))).toMatchObject({ type: 'InvalidMessage', index: 2 });
    expect(decodeError(header(1, 2, '[]'))).toEqual({ type: 'EmptyBatch' });
    expect(decodeError(header(1, 2, '{}'))).toMatchObject({ type: 'InvalidMessage', index: -1 });
  });

  it('UnsupportedInput for anything that is not bytes or text', () => {
    for (const input of [null, undefined, 42, {}, [1, 1, 91, 93], new Uint16Array(4)]) {
      expect(decodeError(input).type).toBe('UnsupportedInput');
    }
  });

  it('every error has a description', () => {
    const errors: FrameError[] = [
      { type: 'UnsupportedInput', detail: 'x' }, { type: 'TooLarge', length: 2, max: 1 }, { type: 'Truncated', length: 0 },
      { type: 'BadVersion', version: 9 }, { type: 'BadKind', kind: 9 }, { type: 'BadEncoding', detail: 'x' },
      { type: 'NotJson', detail: 'x' }, { type: 'TooDeep', max: 4 }, { type: 'EmptyBatch' }, { type: 'InvalidMessage', index: 0, reason: 'x' },
    ];
    for (const e of errors) expect(describeFrameError(e)).toMatch(/\w/);
  });
});

describe('framing fuzz', () => {
  const seed = 9001;
  const validFrames = SAMPLES.map((m) => encodeFrame(m));

  const neverThrows = (input: Uint8Array | string): boolean => {
    const result = decodeFrame(input);
    // Whatever is accepted is a valid message by core's own standard.
    if (result.ok) return result.messages.every((m) => validateMessage(m).ok);
    return typeof result.error.type === 'string';
  };

  it('random bytes never throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), neverThrows), { seed, numRuns: 2000 });
  });

  it('random bytes behind a valid header never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 300 }), (kind, body) => neverThrows(new Uint8Array([FRAME_VERSION, kind, ...body]))),
      { seed, numRuns: 2000 },
    );
  });

  it('random JSON behind a valid header never throws', () => {
    fc.assert(fc.property(fc.constantFrom('\u0001\u0001', '\u0001\u0002'), fc.json({ maxDepth: 4 }), (head, json) => neverThrows(head + json)), { seed, numRuns: 2000 });
  });

  it('valid frames with bytes flipped, cut or spliced never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validFrames), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (frame, at, byte, cut) => {
        const mutated = frame.slice();
        mutated[at % mutated.length] = byte;
        return neverThrows(mutated) && neverThrows(mutated.subarray(0, cut % (mutated.length + 1)));
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('positional arrays with random values never throw and only pass when valid', () => {
    const value = fc.oneof(fc.integer({ min: -2, max: 20 }), fc.boolean(), fc.string({ maxLength: 4 }), fc.constant(null), fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: -1, max: 3 }), fc.string({ maxLength: 3 })), { maxLength: 2 }), fc.constant({ voters: ['a'] }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.array(value, { minLength: 4, maxLength: 11 }), (code, rest) => neverThrows(`\u0001\u0001${JSON.stringify([code, ...rest])}`)),
      { seed, numRuns: 3000 },
    );
  });
});
