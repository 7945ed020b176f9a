// A hang means a missing frame: fail fast instead of waiting for the global two-minute timeout.
jest.setTimeout(10_000);

import { WebSocket } from 'ws';
import { IntroducerClient, IntroducerJoinError, makeJoinTokenAsync, type WebSocketLike } from './client';
import { CloseCode } from './server';
import { cleanup, ManualClock, ROOM_A, startTestIntroducer, TEST_SECRET } from './test-support';

afterEach(cleanup);

/** Resolves with the arguments of the next emission of `event`. */
function nextEvent<K extends 'peer-joined' | 'peer-left' | 'signal' | 'error' | 'close'>(client: IntroducerClient, event: K): Promise<unknown[]> {
  return new Promise((resolve) => {
    const off = client.on(event, ((...args: unknown[]) => {
      off();
      resolve(args);
    }) as never);
  });
}

async function request(node: string, clock: ManualClock, secret = TEST_SECRET) {
  const expires = clock.ms + 60_000;
  return { room: ROOM_A, node, expires, token: await makeJoinTokenAsync(secret, ROOM_A, node, expires) };
}

describe('IntroducerClient over ws', () => {
  it('joins (waiting for open), tracks the roster and exchanges signals', async () => {
    const clock = new ManualClock();
    const handle = await startTestIntroducer({ now: clock.now });
    const socketA: WebSocketLike = new WebSocket(handle.url); // still CONNECTING: join must wait for open
    const a = new IntroducerClient(socketA);
    await a.join(await request('a', clock));
    expect(a.roster).toEqual(['a']);
    expect([a.room, a.node]).toEqual([ROOM_A, 'a']);

    const aSawB = nextEvent(a, 'peer-joined');
    const b = new IntroducerClient(new WebSocket(handle.url));
    await b.join(await request('b', clock));
    expect(b.roster).toEqual(['a', 'b']);
    expect(await aSawB).toEqual(['b']);
    expect(a.roster).toEqual(['a', 'b']);

    const bGotSignal = nextEvent(b, 'signal');
    a.signal('b', { type: 'offer', sdp: 'v=0' });
    expect(await bGotSignal).toEqual(['a', { type: 'offer', sdp: 'v=0' }]);

    const aError = nextEvent(a, 'error');
    a.signal('ghost', 1);
    expect(await aError).toEqual(['unknown-target', expect.stringContaining('ghost')]);

    const aSawLeave = nextEvent(a, 'peer-left');
    const bClosed = nextEvent(b, 'close');
    b.leave();
    expect(await aSawLeave).toEqual(['b']);
    expect(await bClosed).toEqual([CloseCode.normal, 'left']);
    expect(a.roster).toEqual(['a']);
  });

  it('rejects join with a typed error when the server refuses it', async () => {
    const clock = new ManualClock();
    const handle = await startTestIntroducer({ now: clock.now });
    const client = new IntroducerClient(new WebSocket(handle.url));
    const join = client.join(await request('a', clock, 'the-wrong-secret-entirely'));
    await expect(join).rejects.toBeInstanceOf(IntroducerJoinError);
    await expect(join).rejects.toMatchObject({ code: 'bad-token' });
    expect(() => client.signal('b', 1)).toThrow(IntroducerJoinError);
  });

  it('rejects join when the socket closes first', async () => {
    const handle = await startTestIntroducer();
    const socket = new WebSocket(handle.url);
    const client = new IntroducerClient(socket);
    const join = client.join({ room: ROOM_A, node: 'a', expires: 1, token: '0'.repeat(64) });
    socket.once('open', () => socket.terminate());
    await expect(join).rejects.toMatchObject({ code: 'closed' });
  });
});

/** A browser-shaped socket: proves the client needs nothing beyond WebSocketLike. */
class FakeSocket implements WebSocketLike {
  readyState = 1;
  readonly sent: string[] = [];
  private readonly listeners = new Map<string, Array<(event: any) => void>>();
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
    this.emit('close', { code: 1000, reason: '' });
  }
  addEventListener(type: string, listener: (event: any) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

describe('IntroducerClient over a minimal socket', () => {
  it('sends the documented frames and reports frames that fail validation', async () => {
    const socket = new FakeSocket();
    const client = new IntroducerClient(socket);
    const joined = client.join({ room: ROOM_A, node: 'a', expires: 9, token: 'f'.repeat(64) });
    expect(JSON.parse(socket.sent[0])).toEqual({ type: 'join', room: ROOM_A, node: 'a', expires: 9, token: 'f'.repeat(64) });
    socket.emit('message', { data: JSON.stringify({ type: 'joined', room: ROOM_A, node: 'a', roster: ['z', 'a'] }) });
    await joined;
    expect(client.roster).toEqual(['z', 'a']);

    const errors: unknown[][] = [];
    client.on('error', (...args) => errors.push(args));
    socket.emit('message', { data: '{"type":"signal","data":1}' });
    socket.emit('message', { data: new Uint8Array([1]) });
    socket.emit('message', { data: '{"type":"peer-joined"}' });
    expect(errors.map((e) => e[0])).toEqual(['invalid-server-frame', 'invalid-server-frame', 'invalid-server-frame']);
    expect(errors[0][1]).toMatch(/^signal\.from:/);

    client.signal('z', { c: 1 });
    expect(JSON.parse(socket.sent[1])).toEqual({ type: 'signal', to: 'z', data: { c: 1 } });
    client.leave();
    expect(JSON.parse(socket.sent[2])).toEqual({ type: 'leave' });
    await expect(client.join({ room: ROOM_A, node: 'a', expires: 9, token: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'already-joined' });
  });
});
