// Helpers for the introducer's jest suites: real sockets on 127.0.0.1, event-driven waits (no sleeps).
import { WebSocket, type ClientOptions } from 'ws';
import { startIntroducer, type IntroducerHandle, type IntroducerOptions } from './server';
import { makeJoinToken } from './tokens';

export const TEST_SECRET = 'test-secret-0123456789abcdef';
export const ROOM_A = '0123456789abcdef0123456789abcdef';
export const ROOM_B = 'fedcba9876543210fedcba9876543210';
export const T0 = 1_700_000_000_000;

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public ms: number = T0) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

const running = new Set<IntroducerHandle>();
const openSockets = new Set<WebSocket>();

/** Starts an introducer on a free loopback port with test-friendly defaults; stopped by cleanup(). */
export async function startTestIntroducer(options: Partial<IntroducerOptions> = {}): Promise<IntroducerHandle> {
  const handle = await startIntroducer({
    secret: TEST_SECRET,
    port: 0,
    host: '127.0.0.1',
    heartbeatIntervalMs: 0, // tests drive liveness with checkLiveness()
    joinTimeoutMs: 0,
    stopGraceMs: 500,
    ...options,
  });
  running.add(handle);
  return handle;
}

export async function cleanup(): Promise<void> {
  for (const socket of openSockets) socket.terminate();
  openSockets.clear();
  await Promise.all([...running].map((handle) => handle.stop()));
  running.clear();
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A raw WebSocket client that queues every frame it receives, so tests can await them in order. */
export class TestPeer {
  private readonly queue: unknown[] = [];
  private readonly waiters: Array<(frame: unknown) => void> = [];
  readonly closed: Promise<CloseInfo>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const frame = isBinary ? data : JSON.parse(data.toString());
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.queue.push(frame);
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static connect(url: string, options: ClientOptions = {}): Promise<TestPeer> {
    const socket = new WebSocket(url, options);
    openSockets.add(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestPeer(socket)));
      socket.once('unexpected-response', (_req, res) => {
        reject(new UpgradeRefused(res.statusCode ?? 0));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame received, in arrival order. */
  next(): Promise<any> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Frames received and not yet consumed. */
  get pending(): readonly unknown[] {
    return this.queue;
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

export interface JoinParams {
  room?: string;
  expires?: number;
  secret?: string;
  token?: string;
  clock?: ManualClock;
}

export function joinFrame(node: string, params: JoinParams = {}): Record<string, unknown> {
  const room = params.room ?? ROOM_A;
  const expires = params.expires ?? (params.clock?.ms ?? Date.now()) + 60_000;
  const token = params.token ?? makeJoinToken(params.secret ?? TEST_SECRET, room, node, expires);
  return { type: 'join', room, node, expires, token };
}

/** Connects (from `localAddress`, a loopback address, if given) and joins; resolves once `joined` arrived. */
export async function joinedPeer(handle: IntroducerHandle, node: string, params: JoinParams = {}, localAddress?: string): Promise<TestPeer> {
  const peer = await TestPeer.connect(handle.url, localAddress ? { localAddress } : {});
  peer.send(joinFrame(node, params));
  const joined = await peer.next();
  if (joined.type !== 'joined') throw new Error(`expected joined, got ${JSON.stringify(joined)}`);
  return peer;
}

let probeCounter = 0;

/** Proves that the room still works: a signal from `a` reaches `b` with the right sender. */
export async function expectRelayWorks(a: TestPeer, aId: string, b: TestPeer, bId: string): Promise<void> {
  probeCounter += 1;
  const data = { probe: probeCounter }; // distinct per call, so a stale frame cannot pass for this one
  a.send({ type: 'signal', to: bId, data });
  const received = await b.next();
  if (received.type !== 'signal' || received.from !== aId || JSON.stringify(received.data) !== JSON.stringify(data)) {
    throw new Error(`relay broken: ${JSON.stringify(received)}`);
  }
}
