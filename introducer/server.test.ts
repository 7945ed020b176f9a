// A hang means a missing frame: fail fast instead of waiting for the global two-minute timeout.
jest.setTimeout(10_000);

import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { CloseCode, IntroducerOptionError, startIntroducer } from './server';
import {
  cleanup,
  expectRelayWorks,
  joinedPeer,
  joinFrame,
  ManualClock,
  ROOM_A,
  ROOM_B,
  startTestIntroducer,
  TestPeer,
  UpgradeRefused,
} from './test-support';

afterEach(cleanup);

/** A raw TCP connection that sends `text` (if any) and then nothing; `closed` resolves when the server closes it. */
function rawConnection(port: number, text = ''): Promise<{ socket: Socket; closed: Promise<boolean>; received(): string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    const closed = new Promise<boolean>((r) => socket.once('close', () => r(true)));
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      if (text) socket.write(text);
      resolve({ socket, closed, received: () => data });
    });
    socket.once('error', reject);
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Two honest peers in ROOM_A; every hostile case checks they are unaffected afterwards. */
async function honestPair(handle: Awaited<ReturnType<typeof startTestIntroducer>>) {
  const alice = await joinedPeer(handle, 'alice');
  const bob = await joinedPeer(handle, 'bob');
  expect(await alice.next()).toEqual({ type: 'peer-joined', node: 'bob' });
  return { alice, bob };
}

async function expectHonestPairUnaffected(alice: TestPeer, bob: TestPeer): Promise<void> {
  await expectRelayWorks(alice, 'alice', bob, 'bob');
  await expectRelayWorks(bob, 'bob', alice, 'alice');
  expect(alice.pending).toEqual([]);
  expect(bob.pending).toEqual([]);
}

describe('rooms and relay', () => {
  it('announces joins with a roster in join order and leaves to the rest of the room', async () => {
    const handle = await startTestIntroducer();
    const alice = await TestPeer.connect(handle.url);
    alice.send(joinFrame('alice'));
    expect(await alice.next()).toEqual({ type: 'joined', room: ROOM_A, node: 'alice', roster: ['alice'] });
    const bob = await TestPeer.connect(handle.url);
    bob.send(joinFrame('bob'));
    expect(await bob.next()).toEqual({ type: 'joined', room: ROOM_A, node: 'bob', roster: ['alice', 'bob'] });
    expect(await alice.next()).toEqual({ type: 'peer-joined', node: 'bob' });

    bob.send({ type: 'leave' });
    expect(await alice.next()).toEqual({ type: 'peer-left', node: 'bob' });
    expect((await bob.closed).code).toBe(CloseCode.normal);

    const carol = await joinedPeer(handle, 'carol');
    expect(await alice.next()).toEqual({ type: 'peer-joined', node: 'carol' });
    carol.socket.close();
    expect(await alice.next()).toEqual({ type: 'peer-left', node: 'carol' });
  });

  it('relays a signal only to its target, stamped with the joined sender id', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    const carol = await joinedPeer(handle, 'carol');
    await alice.next(); // peer-joined carol
    await bob.next(); // peer-joined carol
    const outsider = await joinedPeer(handle, 'bob', { room: ROOM_B }); // same id, other room

    const offer = { sdp: 'v=0...', type: 'offer', candidates: [1, 2, 3] };
    alice.send({ type: 'signal', to: 'bob', data: offer });
    expect(await bob.next()).toEqual({ type: 'signal', from: 'alice', data: offer });
    // Round trips through carol and the outsider prove nothing else reached them in between.
    await expectRelayWorks(alice, 'alice', carol, 'carol');
    expect(carol.pending).toEqual([]);
    expect(outsider.pending).toEqual([]);
    // Relays never cross rooms, even when the target id exists elsewhere.
    outsider.send({ type: 'signal', to: 'alice', data: 'cross-room' });
    expect(await outsider.next()).toMatchObject({ type: 'error', code: 'unknown-target' });
    await expectRelayWorks(bob, 'bob', alice, 'alice');
    expect(alice.pending).toEqual([]);
    expect(handle.counters().framesRelayed).toBe(3);
  });

  it('tells the sender when the target is not in the room, without a strike', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    alice.send({ type: 'signal', to: 'nobody', data: {} });
    expect(await alice.next()).toMatchObject({ type: 'error', code: 'unknown-target' });
    expect(handle.counters().strikes).toBe(0);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('drops relays to a target that stops reading, telling the sender', async () => {
    const handle = await startTestIntroducer({ maxBufferedBytes: 256 * 1024, rateLimit: { burst: 1000, perSecond: 1 } });
    const { alice, bob } = await honestPair(handle);
    bob.socket.pause(); // bob stops reading; the server's queue towards him grows once the kernel buffers fill
    const chunk = 'x'.repeat(60 * 1024);
    let congested: any;
    // Kernel socket buffers on loopback hold a few MiB; 64 MiB of relays is far more than enough.
    for (let i = 0; i < 1000 && congested === undefined; i += 1) {
      alice.send({ type: 'signal', to: 'bob', data: chunk });
      if (i % 50 === 49) {
        alice.send({ type: 'signal', to: 'nobody', data: 0 }); // a marker the server always answers
        for (let reply = await alice.next(); reply.code !== 'unknown-target'; reply = await alice.next()) congested ??= reply;
      }
    }
    expect(congested).toMatchObject({ type: 'error', code: 'target-congested' });
    expect(handle.counters().strikes).toBe(0);
    expect(handle.counters().framesRelayed).toBeLessThan(1000);
  });

  it('garbage-collects a room when its last member leaves', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    const other = await joinedPeer(handle, 'x', { room: ROOM_B });
    expect(handle.counters().rooms).toBe(2);
    other.socket.close();
    await other.closed;
    await expectRelayWorks(alice, 'alice', bob, 'bob'); // a round trip: the server has processed the close by now
    expect(handle.counters().rooms).toBe(1);
    alice.socket.close();
    bob.socket.close();
    await Promise.all([alice.closed, bob.closed]);
    const probe = await joinedPeer(handle, 'probe', { room: ROOM_B });
    expect(handle.counters()).toMatchObject({ rooms: 1, nodesJoined: 1 });
    probe.socket.close();
  });

  it('refuses a room over capacity and keeps the members it has', async () => {
    const handle = await startTestIntroducer({ maxRoomSize: 2 });
    const { alice, bob } = await honestPair(handle);
    const third = await TestPeer.connect(handle.url);
    third.send(joinFrame('carol'));
    expect(await third.next()).toMatchObject({ type: 'error', code: 'room-full' });
    expect(await third.closed).toEqual({ code: CloseCode.joinRefused, reason: 'room-full' });
    expect(handle.counters().rejections['room-full']).toBe(1);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('refuses a node id that is already in the room', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    const twin = await TestPeer.connect(handle.url);
    twin.send(joinFrame('alice'));
    expect(await twin.next()).toMatchObject({ type: 'error', code: 'node-id-in-use' });
    expect((await twin.closed).code).toBe(CloseCode.joinRefused);
    await expectHonestPairUnaffected(alice, bob);
  });
});

describe('access control', () => {
  it('refuses a token signed with the wrong secret or for another node', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    const forger = await TestPeer.connect(handle.url);
    forger.send(joinFrame('mallory', { secret: 'not-the-cluster-secret!' }));
    expect(await forger.next()).toEqual({ type: 'error', code: 'bad-token', message: expect.stringContaining('token') });
    expect(await forger.closed).toEqual({ code: CloseCode.joinRefused, reason: 'bad-token' });

    // A valid token for carol does not admit mallory.
    const carolsToken = joinFrame('carol');
    const thief = await TestPeer.connect(handle.url);
    thief.send({ ...carolsToken, node: 'mallory' });
    expect(await thief.next()).toMatchObject({ type: 'error', code: 'bad-token' });
    expect(handle.counters().rejections['bad-token']).toBe(2);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('refuses an expired token, judged by the injected clock', async () => {
    const clock = new ManualClock();
    const handle = await startTestIntroducer({ now: clock.now });
    const frame = joinFrame('late', { clock, expires: clock.ms + 1000 });
    clock.advance(1000); // expiry is exclusive: a token is dead at its expiry instant
    const late = await TestPeer.connect(handle.url);
    late.send(frame);
    expect(await late.next()).toMatchObject({ type: 'error', code: 'token-expired' });
    expect(await late.closed).toEqual({ code: CloseCode.joinRefused, reason: 'token-expired' });

    clock.ms -= 1; // one millisecond earlier the same token is accepted
    const onTime = await TestPeer.connect(handle.url);
    onTime.send(frame);
    expect(await onTime.next()).toMatchObject({ type: 'joined', node: 'late' });
  });

  it('refuses an invalid room key with a strike naming the field', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    const peer = await TestPeer.connect(handle.url);
    for (const room of ['short', ROOM_A.toUpperCase(), ROOM_A + '0', 'g'.repeat(32)]) {
      peer.send({ ...joinFrame('eve'), room });
      const reply = await peer.next();
      expect(reply).toMatchObject({ type: 'error', code: 'invalid-frame' });
      expect(reply.message).toMatch(/^join\.room:/);
    }
    expect(handle.counters().strikesByCode['invalid-frame']).toBe(4);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('refuses an upgrade with a disallowed Origin with 403 and admits an allowed one', async () => {
    const handle = await startTestIntroducer({ allowedOrigins: ['http://127.0.0.1:8080/'] });
    await expect(TestPeer.connect(handle.url, { origin: 'http://evil.example' })).rejects.toEqual(new UpgradeRefused(403));
    const allowed = await TestPeer.connect(handle.url, { origin: 'http://127.0.0.1:8080' });
    allowed.send(joinFrame('ok'));
    expect(await allowed.next()).toMatchObject({ type: 'joined' });
    expect(handle.counters().rejections.origin).toBe(1);
  });

  it('caps connections per remote address at accept, by closing the extra one, and frees the slot on close', async () => {
    const handle = await startTestIntroducer({ maxConnectionsPerAddress: 2 });
    const { alice, bob } = await honestPair(handle);
    await expect(TestPeer.connect(handle.url)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(handle.counters().rejections['address-cap']).toBe(1);
    await expectHonestPairUnaffected(alice, bob);
    bob.socket.close();
    await bob.closed;
    expect(await alice.next()).toEqual({ type: 'peer-left', node: 'bob' });
    const again = await joinedPeer(handle, 'bob');
    expect(again.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses connections beyond the total cap, at accept, when the address already has its fair share', async () => {
    const handle = await startTestIntroducer({ maxConnections: 1 });
    const alice = await joinedPeer(handle, 'alice');
    await expect(TestPeer.connect(handle.url)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(handle.counters().rejections['server-full']).toBe(1);
    expect(alice.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('counts plain HTTP connections against the per-address cap from the moment they are accepted', async () => {
    const handle = await startTestIntroducer({ maxConnectionsPerAddress: 3 });
    const silent = await Promise.all([0, 1, 2].map(() => rawConnection(handle.port)));
    const refused = await rawConnection(handle.port);
    expect(await refused.closed).toBe(true);
    expect(handle.counters().rejections['address-cap']).toBe(1);
    expect(handle.counters().socketsOpen).toBe(3);
    silent[0].socket.destroy();
    await waitFor(() => handle.counters().socketsOpen === 2);
    const alice = await joinedPeer(handle, 'alice');
    expect(alice.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('answers 408 and closes a connection whose headers never finish, after headersTimeoutMs', async () => {
    const handle = await startTestIntroducer({ headersTimeoutMs: 100, requestTimeoutMs: 200 });
    const started = Date.now();
    const slow = await rawConnection(handle.port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    const silent = await rawConnection(handle.port);
    expect(await slow.closed).toBe(true);
    expect(await silent.closed).toBe(true);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(handle.counters().rejections['request-timeout']).toBe(2);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('when full, a newcomer below its fair share takes the slot of a socket that never joined, never of a joined one', async () => {
    const handle = await startTestIntroducer({ maxConnections: 3 });
    const joined = await joinedPeer(handle, 'alice', {}, '127.0.0.2');
    const idle = [await TestPeer.connect(handle.url, { localAddress: '127.0.0.2' }), await TestPeer.connect(handle.url, { localAddress: '127.0.0.2' })];
    // 127.0.0.3 has none of the 3 slots; its share is floor(3 / 2) = 1.
    const newcomer = await joinedPeer(handle, 'bob', {}, '127.0.0.3');
    expect(await idle[0].closed).toMatchObject({ code: 1006 });
    expect(handle.counters().rejections.evicted).toBe(1);
    // A second socket from the newcomer is over its share: refused, nothing evicted.
    await expect(TestPeer.connect(handle.url, { localAddress: '127.0.0.3' })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(handle.counters().rejections).toMatchObject({ evicted: 1, 'server-full': 1 });
    // The remaining idle socket goes for the next newcomer; the joined one never does.
    await joinedPeer(handle, 'carol', {}, '127.0.0.4');
    expect(await idle[1].closed).toMatchObject({ code: 1006 });
    await expect(TestPeer.connect(handle.url, { localAddress: '127.0.0.5' })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(joined.socket.readyState).toBe(WebSocket.OPEN);
    expect(newcomer.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses upgrades on any path but /ws', async () => {
    const handle = await startTestIntroducer();
    await expect(TestPeer.connect(handle.url.replace('/ws', '/other'))).rejects.toEqual(new UpgradeRefused(404));
  });
});

describe('hostile frames', () => {
  it('answers malformed JSON and wrong schemas with error frames naming the field', async () => {
    const handle = await startTestIntroducer({ maxStrikes: 100 });
    const { alice, bob } = await honestPair(handle);
    const eve = await TestPeer.connect(handle.url);
    const cases: Array<[unknown, string, RegExp]> = [
      ['{not json', 'malformed-json', /not valid JSON/],
      ['[1,2]', 'invalid-frame', /^frame:/],
      [{ type: 42 }, 'invalid-frame', /^type:/],
      [{ type: 'dance' }, 'invalid-frame', /^type: unknown frame type/],
      [{ ...joinFrame('eve'), node: 'has space' }, 'invalid-frame', /^join\.node:/],
      [{ ...joinFrame('eve'), expires: -1 }, 'invalid-frame', /^join\.expires:/],
      [{ ...joinFrame('eve'), token: 'abc' }, 'invalid-frame', /^join\.token:/],
      [{ ...joinFrame('eve'), admin: true }, 'invalid-frame', /^join\.admin: unexpected field/],
      [{ type: 'signal', to: 'bob' }, 'invalid-frame', /^signal\.data: missing/],
      [{ type: 'leave', now: 1 }, 'invalid-frame', /^leave\.now:/],
      [{ type: 'signal', to: 'bob', data: 1 }, 'not-joined', /join a room/],
      ['[' .repeat(20_000) + ']'.repeat(20_000), 'invalid-frame', /^frame:/],
    ];
    for (const [frame, code, message] of cases) {
      eve.send(frame);
      const reply = await eve.next();
      expect(reply).toMatchObject({ type: 'error', code });
      expect(reply.message).toMatch(message);
    }
    eve.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await eve.next()).toMatchObject({ type: 'error', code: 'binary-frame' });
    expect(handle.counters().strikes).toBe(cases.length + 1);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('strikes a signal that claims a different sender and never relays it', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    const eve = await joinedPeer(handle, 'eve');
    await alice.next();
    await bob.next();
    eve.send({ type: 'signal', to: 'bob', from: 'alice', data: { evil: true } });
    expect(await eve.next()).toMatchObject({ type: 'error', code: 'spoofed-sender', message: expect.stringMatching(/^signal\.from:/) });
    eve.send({ type: 'signal', to: 'eve', data: {} });
    expect(await eve.next()).toMatchObject({ type: 'error', code: 'self-target' });
    // An honest `from` is accepted and still stamped by the server.
    eve.send({ type: 'signal', to: 'bob', from: 'eve', data: 'hi' });
    expect(await bob.next()).toEqual({ type: 'signal', from: 'eve', data: 'hi' });
    expect(handle.counters().strikesByCode['spoofed-sender']).toBe(1);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('strikes a second join on the same socket', async () => {
    const handle = await startTestIntroducer();
    const alice = await joinedPeer(handle, 'alice');
    alice.send(joinFrame('alice2'));
    expect(await alice.next()).toMatchObject({ type: 'error', code: 'already-joined' });
  });

  it('closes an oversized frame with 1009 and stays up for everyone else', async () => {
    const handle = await startTestIntroducer({ maxPayloadBytes: 64 * 1024 });
    const { alice, bob } = await honestPair(handle);
    const eve = await joinedPeer(handle, 'eve');
    await alice.next();
    await bob.next();
    eve.send({ type: 'signal', to: 'bob', data: 'x'.repeat(64 * 1024) });
    expect((await eve.closed).code).toBe(CloseCode.messageTooBig);
    expect(await bob.next()).toEqual({ type: 'peer-left', node: 'eve' });
    expect(await alice.next()).toEqual({ type: 'peer-left', node: 'eve' });
    expect(handle.counters().rejections.oversized).toBe(1);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('closes a text frame with invalid UTF-8 with 1007', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    const eve = await TestPeer.connect(handle.url);
    eve.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await eve.closed).code).toBe(1007);
    expect(handle.counters().rejections['invalid-utf8']).toBe(1);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('rate-limits a flood, then disconnects the flooder with 1008', async () => {
    const clock = new ManualClock();
    // The clock never moves, so the bucket never refills: exactly `burst` frames get through.
    const handle = await startTestIntroducer({ now: clock.now, rateLimit: { burst: 10, perSecond: 1 }, maxStrikes: 3 });
    const { alice, bob } = await honestPair(handle);
    const flooder = await joinedPeer(handle, 'flood', { clock });
    await alice.next();
    await bob.next();
    for (let i = 0; i < 200; i += 1) flooder.send({ type: 'signal', to: 'bob', data: i });
    const close = await flooder.closed;
    expect(close).toEqual({ code: CloseCode.policyViolation, reason: 'too-many-strikes' });
    // join used one token, so 9 signals were relayed; the rest were refused.
    for (let i = 0; i < 9; i += 1) expect(await bob.next()).toEqual({ type: 'signal', from: 'flood', data: i });
    expect(await bob.next()).toEqual({ type: 'peer-left', node: 'flood' });
    expect(await alice.next()).toEqual({ type: 'peer-left', node: 'flood' });
    const codes = flooder.pending.map((frame: any) => frame.code);
    expect(codes).toEqual(['rate-limited', 'rate-limited', 'rate-limited', 'too-many-strikes']);
    expect(handle.counters().rejections['too-many-strikes']).toBe(1);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('refills the bucket as the injected clock advances', async () => {
    const clock = new ManualClock();
    const handle = await startTestIntroducer({ now: clock.now, rateLimit: { burst: 2, perSecond: 1 } });
    const peer = await joinedPeer(handle, 'p', { clock }); // uses 1 of 2 tokens
    peer.send({ type: 'signal', to: 'q', data: 0 });
    expect(await peer.next()).toMatchObject({ code: 'unknown-target' });
    peer.send({ type: 'signal', to: 'q', data: 0 });
    expect(await peer.next()).toMatchObject({ code: 'rate-limited' });
    clock.advance(1000);
    peer.send({ type: 'signal', to: 'q', data: 0 });
    expect(await peer.next()).toMatchObject({ code: 'unknown-target' });
  });

  it('disconnects a repeat offender after maxStrikes with a policy-violation close', async () => {
    const handle = await startTestIntroducer({ maxStrikes: 5 });
    const { alice, bob } = await honestPair(handle);
    const eve = await joinedPeer(handle, 'eve');
    await alice.next();
    await bob.next();
    for (let i = 0; i < 4; i += 1) {
      eve.send('garbage');
      expect(await eve.next()).toMatchObject({ code: 'malformed-json' });
    }
    expect(eve.socket.readyState).toBe(WebSocket.OPEN);
    eve.send('garbage');
    expect(await eve.next()).toMatchObject({ code: 'malformed-json' });
    expect(await eve.next()).toMatchObject({ code: 'too-many-strikes' });
    expect(await eve.closed).toEqual({ code: CloseCode.policyViolation, reason: 'too-many-strikes' });
    expect(await alice.next()).toEqual({ type: 'peer-left', node: 'eve' });
    expect(await bob.next()).toEqual({ type: 'peer-left', node: 'eve' });
    expect(handle.counters().strikes).toBe(5);
    await expectHonestPairUnaffected(alice, bob);
  });
});

describe('liveness and operations', () => {
  it('terminates a socket that misses a pong and keeps the one that answers', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    const mute = await TestPeer.connect(handle.url, { autoPong: false });
    mute.send(joinFrame('mute'));
    await mute.next();
    await alice.next();
    await bob.next();

    const alicePinged = new Promise((resolve) => alice.socket.once('ping', resolve));
    const bobPinged = new Promise((resolve) => bob.socket.once('ping', resolve));
    handle.checkLiveness();
    await Promise.all([alicePinged, bobPinged]);
    // Each pong is written before the frame below, so by the time it is relayed the server has the pong.
    await expectHonestPairUnaffected(alice, bob);
    handle.checkLiveness();
    expect((await mute.closed).code).toBe(1006);
    expect(await alice.next()).toEqual({ type: 'peer-left', node: 'mute' });
    expect(await bob.next()).toEqual({ type: 'peer-left', node: 'mute' });
    expect(handle.counters().rejections.liveness).toBe(1);
    await expectHonestPairUnaffected(alice, bob);
  });

  it('runs the heartbeat on its own timer', async () => {
    const handle = await startTestIntroducer({ heartbeatIntervalMs: 20 });
    const mute = await TestPeer.connect(handle.url, { autoPong: false });
    expect((await mute.closed).code).toBe(1006);
    expect(handle.counters().rejections.liveness).toBe(1);
  });

  it('closes a socket that never joins', async () => {
    const handle = await startTestIntroducer({ joinTimeoutMs: 20 });
    const idle = await TestPeer.connect(handle.url);
    expect(await idle.next()).toMatchObject({ type: 'error', code: 'join-timeout' });
    expect(await idle.closed).toEqual({ code: CloseCode.joinTimeout, reason: 'join-timeout' });
  });

  it('serves /healthz with counters', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    await expectRelayWorks(alice, 'alice', bob, 'bob');
    const response = await fetch(new URL('/healthz', handle.httpUrl));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body).toMatchObject({
      status: 'ok',
      counters: { connectionsOpen: 2, connectionsTotal: 2, nodesJoined: 2, rooms: 1, framesRelayed: 1, strikes: 0 },
    });
    expect((await fetch(new URL('/ws', handle.httpUrl))).status).toBe(426);
    expect((await fetch(new URL('/nothing', handle.httpUrl))).status).toBe(404);
    expect((await fetch(new URL('/healthz', handle.httpUrl), { method: 'POST' })).status).toBe(405);
  });

  it('serves a public config JSON when given one', async () => {
    const handle = await startTestIntroducer({ publicConfig: { introducer: 'ws://x', nodes: 3 } });
    const response = await fetch(new URL('/config.json', handle.httpUrl));
    expect(await response.json()).toEqual({ introducer: 'ws://x', nodes: 3 });
  });

  it('stops gracefully: sockets get 1001, the port is released, stop is idempotent', async () => {
    const handle = await startTestIntroducer();
    const { alice, bob } = await honestPair(handle);
    const unjoined = await TestPeer.connect(handle.url);
    const stopped = handle.stop();
    expect(handle.stop()).toBe(stopped);
    await stopped;
    for (const peer of [alice, bob, unjoined]) expect(await peer.closed).toEqual({ code: CloseCode.goingAway, reason: 'server stopping' });
    for (const peer of [alice, bob, unjoined]) expect(peer.pending).toEqual([]); // no peer-left noise during shutdown
    await expect(fetch(new URL('/healthz', handle.httpUrl))).rejects.toThrow();
  });

  it('finishes stop within the grace period even if a client never answers the close', async () => {
    const handle = await startTestIntroducer({ stopGraceMs: 50 });
    const stubborn = await joinedPeer(handle, 'stubborn');
    // Stop reading: the close frame is never answered.
    stubborn.socket.pause();
    await handle.stop();
    stubborn.socket.resume();
    expect([1001, 1006]).toContain((await stubborn.closed).code);
  });

  it('rejects bad options by name and a taken port with the listen error', async () => {
    await expect(startIntroducer({ secret: 'short' })).rejects.toThrow(new IntroducerOptionError('secret', 'must be at least 16 bytes'));
    await expect(startTestIntroducer({ maxRoomSize: 0 })).rejects.toThrow(/^maxRoomSize:/);
    await expect(startTestIntroducer({ allowedOrigins: ['not an origin'] })).rejects.toThrow(/^allowedOrigins\[0\]:/);
    await expect(startTestIntroducer({ rateLimit: { burst: 0, perSecond: 1 } })).rejects.toThrow(/^rateLimit\.burst:/);
    const handle = await startTestIntroducer();
    await expect(startTestIntroducer({ port: handle.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
