// Frames from an untrusted peer: deep, wide and mutated ones. The decoders promise never to
// throw; a 10 KB frame of arrays nested 5,000 deep used to break that promise (RangeError from a
// recursive JSON.stringify of a parsed field), and PeerTransport.onData let it escape uncounted.

import fc from 'fast-check';
import { validateMessage } from '../../core';
import type { Message } from '../../core';
import { FRAME_KIND_BATCH, FRAME_KIND_SINGLE, FRAME_VERSION, MAX_FRAME_DEPTH, decodeFrame, encodeFrame, encodeFrames } from './framing';
import { APP_FRAME_TAG, MAX_APP_FRAME_DEPTH, decodeAppFrame, encodeAppFrame } from './app-frames';
import { nestsDeeperThan } from './json-depth';
import { PeerTransport, SimplePeerConstructor, SimplePeerLike, SignallingLike } from './peer-transport';
import * as framing from './framing';
import * as appFrames from './app-frames';

const utf8 = new TextEncoder();
const env = { cluster: 'demo', from: 'n2', to: 'n1', term: 7 };
const nested = (depth: number, inner = ''): string => '['.repeat(depth) + inner + ']'.repeat(depth);
function withHeader(header: readonly number[], json: string): Uint8Array {
  const body = utf8.encode(json);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}
const raftFrame = (kind: number, json: string): Uint8Array => withHeader([FRAME_VERSION, kind], json);
const appFrame = (json: string): Uint8Array => withHeader([APP_FRAME_TAG], json);

/** One message of every type, in the deepest form each takes on the wire. */
const SAMPLES: readonly Message[] = [
  { type: 'RequestVoteRequest', ...env, lastLogIndex: 12, lastLogTerm: 6, transfer: true },
  { type: 'RequestVoteResponse', ...env, granted: true },
  { type: 'PreVoteRequest', ...env, term: 8, lastLogIndex: 3, lastLogTerm: 2 },
  { type: 'PreVoteResponse', ...env, granted: false },
  { type: 'AppendEntriesRequest', ...env, prevLogIndex: 10, prevLogTerm: 5, leaderCommit: 9, round: 44, entries: [{ term: 6, type: 'Noop', data: '[[[{"x":[1]}]]]' }, { term: 7, type: 'Normal', data: '"\\"]' }] },
  { type: 'AppendEntriesResponse', ...env, success: false, matchIndex: 4, conflictIndex: 5, conflictTerm: 3, prevLogIndex: 10, round: 44 },
  { type: 'InstallSnapshotRequest', ...env, lastIncludedIndex: 100, lastIncludedTerm: 6, lastIncludedConfig: { voters: ['n1', 'n2', 'n3'] }, offset: 0, data: '{[', done: true, round: 3 },
  { type: 'InstallSnapshotResponse', ...env, lastIncludedIndex: 100, bytesReceived: 4, installed: true, round: 3 },
  { type: 'TimeoutNowRequest', ...env },
  { type: 'ReadIndexRequest', ...env, requestId: 'r-1' },
  { type: 'ReadIndexResponse', ...env, requestId: 'r-1', readIndex: 9 },
];

/** A decode result is typed: ok with messages core accepts, or a named error. Anything else fails. */
function typedRaft(input: Uint8Array | string): boolean {
  const r = decodeFrame(input);
  if (r.ok) return r.messages.length > 0 && r.messages.every((m) => validateMessage(m).ok);
  return typeof r.error.type === 'string' && r.error.type.length > 0;
}

function typedApp(input: Uint8Array): boolean {
  const r = decodeAppFrame(input);
  return r.ok ? typeof r.frame.kind === 'string' : typeof r.reason === 'string' && r.reason.length > 0;
}

// -------------------------------------------------------------------------------------------------

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, level 1 being the value itself; strings and numbers are not levels', () => {
    expect(nestsDeeperThan(1, 0)).toBe(false);
    expect(nestsDeeperThan([], 0)).toBe(true);
    expect(nestsDeeperThan([], 1)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: [] }] }, 3)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: [] }] }, 4)).toBe(false);
    expect(nestsDeeperThan(['[[[[', { k: '{{{{' }], 2)).toBe(false);
    expect(nestsDeeperThan(JSON.parse(nested(100_000)), 4)).toBe(true);
    expect(nestsDeeperThan([[], [[], [[[]]]], 1], 3)).toBe(true);
  });

  it('agrees with a recursive depth, for random JSON values', () => {
    const depthOf = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 10 }), fc.integer({ min: 0, max: 10 }), (v, max) => nestsDeeperThan(v, max) === depthOf(v) > max), { seed: 77, numRuns: 3000 });
  });
});

describe('the reported attack: 10 KB of arrays nested 5,000 deep', () => {
  const deep = nested(5000);

  it('decodeFrame refuses it as TooDeep instead of throwing, single or batch, bytes or text', () => {
    for (const json of [deep, `[${deep}]`, `[1,"demo","n2","n1",${deep}]`]) {
      for (const kind of [FRAME_KIND_SINGLE, FRAME_KIND_BATCH]) {
        expect(decodeFrame(raftFrame(kind, json))).toEqual({ ok: false, error: { type: 'TooDeep', max: MAX_FRAME_DEPTH } });
        expect(decodeFrame(String.fromCharCode(FRAME_VERSION, kind) + json)).toEqual({ ok: false, error: { type: 'TooDeep', max: MAX_FRAME_DEPTH } });
      }
    }
  });

  it('decodeAppFrame refuses it with a reason instead of throwing', () => {
    for (const json of [deep, `{"kind":${deep},"id":1}`, `{"kind":"forward","id":1,"data":${deep}}`]) {
      expect(decodeAppFrame(appFrame(json))).toEqual({ ok: false, reason: expect.stringMatching(/deeper than 2/) });
    }
  });

  it('the depth limits fit the formats exactly: every message type in a batch decodes, and every app frame', () => {
    const frames = encodeFrames(SAMPLES);
    expect(frames).toHaveLength(1);
    expect(decodeFrame(frames[0])).toEqual({ ok: true, messages: SAMPLES });
    for (const frame of [{ kind: 'forward', id: 3, data: ['a', '[[['] } as const, { kind: 'forward-rejected', id: 3, reason: 'NotLeader', leaderHint: null } as const]) {
      expect(decodeAppFrame(encodeAppFrame(frame))).toEqual({ ok: true, frame });
    }
    expect(nestsDeeperThan([[[[]]]], MAX_FRAME_DEPTH)).toBe(false);
    expect(MAX_APP_FRAME_DEPTH).toBe(2);
  });
});

// -------------------------------------------------------------------------------------------------
// Fuzzing. Each property counts its cases; the totals are quoted in docs/hostile-input.md.
// -------------------------------------------------------------------------------------------------

describe('fuzz: deep, wide and mutated frames never throw and always give typed results', () => {
  const seed = 5000;
  const validFrames = SAMPLES.map((m) => encodeFrame(m)).concat(encodeFrames(SAMPLES));
  const validJson = SAMPLES.map((m) => new TextDecoder().decode(encodeFrame(m).subarray(2)));

  /** Something deep: nested arrays or objects, 5 to 100,000 levels, optionally with a payload inside. */
  const deepJson = fc.record({ depth: fc.oneof(fc.integer({ min: MAX_FRAME_DEPTH + 1, max: 64 }), fc.integer({ min: 1000, max: 100_000 })), objects: fc.boolean(), inner: fc.constantFrom('', '1', '"x"', '{}') })
    .map(({ depth, objects, inner }) => (objects ? '{"a":'.repeat(depth) + (inner || '0') + '}'.repeat(depth) : nested(depth, inner)));

  it('deep values placed in any position of a valid message, single or batched', () => {
    let cases = 0;
    fc.assert(
      fc.property(fc.constantFrom(...validJson), deepJson, fc.nat(), fc.boolean(), (json, deep, at, batch) => {
        cases++;
        const parts = JSON.parse(json) as unknown[];
        const position = at % (parts.length + 1);
        const text = `[${[...parts.slice(0, position).map((p) => JSON.stringify(p)), deep, ...parts.slice(position + 1).map((p) => JSON.stringify(p))].join(',')}]`;
        const frame = batch ? raftFrame(FRAME_KIND_BATCH, `[${text}]`) : raftFrame(FRAME_KIND_SINGLE, text);
        const r = decodeFrame(frame);
        return !r.ok && r.error.type === 'TooDeep';
      }),
      { seed, numRuns: 400 },
    );
    expect(cases).toBe(400);
  });

  it('wide frames: up to the size limit of elements, keys or messages, at legal depth', () => {
    let cases = 0;
    const wide = fc.record({ count: fc.integer({ min: 1, max: 100_000 }), shape: fc.constantFrom('numbers', 'arrays', 'objects', 'messages', 'entries') }).map(({ count, shape }) => {
      switch (shape) {
        case 'numbers': return `[${new Array(count).fill('0').join(',')}]`;
        case 'arrays': return `[${new Array(count).fill('[]').join(',')}]`;
        case 'objects': return `[{${Array.from({ length: Math.min(count, 40_000) }, (_, i) => `"k${i}":0`).join(',')}}]`;
        case 'messages': return `[${new Array(Math.min(count, 20_000)).fill(validJson[1]).join(',')}]`;
        default: return `[5,"demo","n2","n1",7,0,0,[${new Array(Math.min(count, 80_000)).fill('[7,0,""]').join(',')}],0,0]`;
      }
    });
    fc.assert(
      fc.property(wide, fc.constantFrom(FRAME_KIND_SINGLE, FRAME_KIND_BATCH), (json, kind) => {
        cases++;
        return typedRaft(raftFrame(kind, json)) && typedApp(appFrame(json));
      }),
      { seed, numRuns: 40 },
    );
    expect(cases).toBe(40);
  });

  it('valid frames with brackets, quotes and backslashes inserted, bytes flipped and tails cut', () => {
    let cases = 0;
    const edit = fc.record({ at: fc.nat(), insert: fc.constantFrom('[', ']', '{', '}', '"', '\\', '[[[[[[', '"\\"', ',', ''), flip: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))), cut: fc.option(fc.nat()) });
    fc.assert(
      fc.property(fc.constantFrom(...validFrames), fc.array(edit, { minLength: 1, maxLength: 6 }), (frame, edits) => {
        cases++;
        let bytes = frame;
        for (const e of edits) {
          const at = 2 + (e.at % Math.max(1, bytes.length - 1));
          bytes = new Uint8Array([...bytes.subarray(0, at), ...utf8.encode(e.insert), ...bytes.subarray(at)]);
          if (e.flip) bytes[e.flip[0] % bytes.length] = e.flip[1];
          if (e.cut !== null) bytes = bytes.subarray(0, Math.max(0, bytes.length - (e.cut % 8)));
        }
        return typedRaft(bytes) && typedApp(withHeader([APP_FRAME_TAG], new TextDecoder().decode(bytes.subarray(2))));
      }),
      { seed, numRuns: 4000 },
    );
    expect(cases).toBe(4000);
  });

  it('random JSON of random depth (up to 12) behind both headers', () => {
    let cases = 0;
    fc.assert(
      fc.property(fc.json({ maxDepth: 12 }), fc.constantFrom(FRAME_KIND_SINGLE, FRAME_KIND_BATCH), (json, kind) => {
        cases++;
        return typedRaft(raftFrame(kind, json)) && typedApp(appFrame(json));
      }),
      { seed, numRuns: 3000 },
    );
    expect(cases).toBe(3000);
  });
});

// -------------------------------------------------------------------------------------------------
// PeerTransport.onData: every bad frame is counted, nothing escapes.
// -------------------------------------------------------------------------------------------------

class FakePeer implements SimplePeerLike {
  static latest: FakePeer | null = null;
  private readonly listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  connected = false;
  constructor() {
    FakePeer.latest = this;
  }
  on(event: string, listener: (...args: never[]) => void): unknown {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as (...args: unknown[]) => void]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
  signal(): void {}
  send(): void {}
  destroy(): void {}
}

function connectedTransport(): { transport: PeerTransport; peer: FakePeer; received: Message[]; apps: unknown[] } {
  const signalling: SignallingLike = { roster: ['n1', 'n2'], on: () => () => {}, signal: () => {} };
  const transport = new PeerTransport({ self: 'n1', voters: ['n1', 'n2'], SimplePeer: FakePeer as unknown as SimplePeerConstructor, connectTimeoutMs: 60_000 });
  transport.attachSignalling(signalling);
  const peer = FakePeer.latest as FakePeer;
  peer.emit('connect');
  const received: Message[] = [];
  const apps: unknown[] = [];
  transport.setReceiver({ messages: (_from, ms) => received.push(...ms), app: (_from, f) => apps.push(f) });
  return { transport, peer, received, apps };
}

describe('PeerTransport.onData', () => {
  it('counts a deep frame, a deep app frame and a throwing decoder by reason, and keeps delivering good frames', () => {
    const { transport, peer, received, apps } = connectedTransport();
    try {
      peer.emit('data', raftFrame(FRAME_KIND_SINGLE, nested(5000)));
      peer.emit('data', appFrame(nested(5000)));
      // A decoder that breaks its promise (planted): the transport must still count and carry on.
      const overflow = (): never => {
        throw new RangeError('Maximum call stack size exceeded');
      };
      const raftSpy = jest.spyOn(framing, 'decodeFrame').mockImplementationOnce(overflow);
      const appSpy = jest.spyOn(appFrames, 'decodeAppFrame').mockImplementationOnce(overflow);
      expect(() => peer.emit('data', encodeFrame(SAMPLES[0]))).not.toThrow();
      expect(() => peer.emit('data', appFrame('{}'))).not.toThrow();
      raftSpy.mockRestore();
      appSpy.mockRestore();
      peer.emit('data', encodeFrame(SAMPLES[1]));
      expect(transport.counters.badFramesByType).toEqual({ TooDeep: 1, AppFrame: 1, DecoderFault: 2 });
      expect(transport.counters.badFrames).toBe(4);
      expect(transport.counters.lastBadFrame).toMatch(/DecoderFault|threw RangeError/);
      expect(received).toEqual([SAMPLES[1]]);
      expect(apps).toEqual([]);
      expect(transport.peers()[0].badFrames).toBe(4);
    } finally {
      transport.close();
    }
  });

  it('property: any sequence of hostile frames never throws, and every frame is either delivered or counted', () => {
    const { transport, peer, received } = connectedTransport();
    let frames = 0;
    try {
      const hostile = fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.json({ maxDepth: 8 }).map((j) => raftFrame(FRAME_KIND_BATCH, j)),
        fc.integer({ min: 1, max: 20_000 }).map((d) => raftFrame(FRAME_KIND_SINGLE, nested(d))),
        fc.integer({ min: 1, max: 20_000 }).map((d) => appFrame(nested(d))),
        fc.constantFrom(...SAMPLES).map((m) => encodeFrame(m)),
      );
      fc.assert(
        fc.property(fc.array(hostile, { maxLength: 10 }), (batch) => {
          for (const frame of batch) {
            frames++;
            const before = transport.counters.badFrames + received.length;
            peer.emit('data', frame);
            if (transport.counters.badFrames + received.length <= before) return false;
          }
          return true;
        }),
        { seed: 31, numRuns: 500 },
      );
    } finally {
      transport.close();
    }
    expect(frames).toBeGreaterThan(2000);
  });
});
