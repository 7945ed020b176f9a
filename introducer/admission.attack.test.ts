// Admission under attack: well-behaved joins must keep working while hostile clients hold sockets.
//   1. Descriptor starvation: one address opens hundreds of HTTP connections that never finish
//      their headers. The server runs in its own process under `ulimit -n 256`, so holding them
//      all would exhaust its descriptors (EMFILE) and refuse everyone.
//   2. Lock-out: 40 addresses (127.0.0.2 ... 127.0.0.41) keep WebSockets open that never join,
//      reopening each as soon as it closes, to hold the global connection cap.
// During each, a client on 127.0.0.1 joins again and again; at least 95% of its joins (and, for
// attack 1, of its /healthz requests) must succeed. Caps are scaled down by options so a few
// hundred sockets stand for the thousands of the real attack. Every loop stops by itself.
//
// Only loopback addresses are used: Linux routes all of 127.0.0.0/8 to lo.

import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import * as path from 'node:path';
import { WebSocket } from 'ws';
import { startIntroducer, type IntroducerHandle } from './server';
import { makeJoinToken } from './tokens';
import { ROOM_A, TEST_SECRET } from './test-support';

jest.setTimeout(90_000);

const HONEST_ADDRESS = '127.0.0.1';
const ATTEMPT_TIMEOUT_MS = 3000;

interface Outcome {
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(name: string, outcomes: readonly Outcome[]): { successRate: number; p50Ms: number; p99Ms: number; errors: string[] } {
  const ok = outcomes.filter((o) => o.ok).map((o) => o.ms).sort((a, b) => a - b);
  const result = {
    successRate: ok.length / outcomes.length,
    p50Ms: Math.round(percentile(ok, 50)),
    p99Ms: Math.round(percentile(ok, 99)),
    errors: [...new Set(outcomes.filter((o) => !o.ok).map((o) => o.error ?? '?'))],
  };
  // The figures the report quotes: success rate and join latency during the attack.
  process.stdout.write(`${name}: ${ok.length}/${outcomes.length} ok, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${result.errors.length ? `, errors: ${result.errors.join('; ')}` : ''}\n`);
  return result;
}

/** One well-behaved join from 127.0.0.1: connect, join, wait for `joined`, leave. */
function honestJoin(url: string, node: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const expires = Date.now() + 60_000;
    const socket = new WebSocket(url, { localAddress: HONEST_ADDRESS });
    const finish = (ok: boolean, error?: string): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      resolve({ ok, ms: performance.now() - started, error });
    };
    const timer = setTimeout(() => finish(false, 'timeout'), ATTEMPT_TIMEOUT_MS);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'join', room: ROOM_A, node, expires, token: makeJoinToken(TEST_SECRET, ROOM_A, node, expires) })));
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; code?: string };
      finish(frame.type === 'joined', frame.type === 'joined' ? undefined : `${frame.type} ${frame.code ?? ''}`);
    });
    socket.on('unexpected-response', (_req, res) => finish(false, `HTTP ${res.statusCode}`));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(false, e.code ?? e.message));
    socket.on('close', () => finish(false, 'closed'));
  });
}

function honestHealthz(port: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', localAddress: HONEST_ADDRESS, agent: false, timeout: ATTEMPT_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ok: res.statusCode === 200, ms: performance.now() - started, error: `HTTP ${res.statusCode}` }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, ms: performance.now() - started, error: e.code ?? e.message }));
  });
}

/** Runs `attempt` `count` times, one after another with a short pause, and collects the outcomes. */
async function measure(count: number, attempt: (i: number) => Promise<Outcome>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < count; i++) {
    outcomes.push(await attempt(i));
    await new Promise((r) => setTimeout(r, 100));
  }
  return outcomes;
}

/**
 * Keeps `perAddress` sockets open from each address, opening a new one (after `reopenMs`)
 * whenever one closes, until stop() is called. `open` makes one hostile socket.
 */
class Attacker {
  private stopped = false;
  private readonly live = new Set<{ destroy(): void }>();
  opened = 0;

  constructor(
    private readonly addresses: readonly string[],
    private readonly perAddress: number,
    private readonly reopenMs: number,
    private readonly open: (localAddress: string, onClose: () => void) => { destroy(): void },
  ) {}

  start(): void {
    for (const address of this.addresses) for (let k = 0; k < this.perAddress; k++) this.spawn(address);
  }

  private spawn(address: string): void {
    if (this.stopped) return;
    this.opened++;
    const handle = this.open(address, () => {
      this.live.delete(handle);
      if (!this.stopped) setTimeout(() => this.spawn(address), this.reopenMs);
    });
    this.live.add(handle);
  }

  /** Resolves once `n` sockets are open or being opened. */
  async ramp(n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.opened < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.live) h.destroy();
    this.live.clear();
  }
}

/** A raw TCP connection that sends the start of a request and never finishes its headers. */
function slowHeaders(port: number) {
  return (localAddress: string, onClose: () => void): Socket => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: introducer\r\n'));
    socket.on('error', () => undefined);
    socket.on('close', onClose);
    return socket;
  };
}

/** A WebSocket that opens and never joins. */
function neverJoins(url: string) {
  return (localAddress: string, onClose: () => void): { destroy(): void } => {
    const socket = new WebSocket(url, { localAddress });
    socket.on('error', () => undefined);
    socket.on('close', onClose);
    return { destroy: () => socket.terminate() };
  };
}

/** Starts the introducer in its own process under a descriptor limit; resolves with its port. */
async function startChild(maxFiles: number, options: Record<string, unknown>): Promise<{ port: number; child: ChildProcess }> {
  const script = path.join(__dirname, 'child-server.ts');
  const child = spawn('bash', ['-c', `ulimit -n ${maxFiles} && exec "$0" "$@"`, process.execPath, '-r', 'ts-node/register/transpile-only', script, JSON.stringify(options)], {
    cwd: path.join(__dirname, '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`introducer child exited with ${code}`)));
  });
  return { port, child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.stdin?.end();
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killTimer);
}

const loopback = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => `127.0.0.${from + i}`);

describe('admission under attack', () => {
  let attacker: Attacker | null = null;
  let child: ChildProcess | null = null;
  let handle: IntroducerHandle | null = null;

  afterEach(async () => {
    attacker?.stop();
    attacker = null;
    if (child) await stopChild(child);
    child = null;
    await handle?.stop();
    handle = null;
  });

  it('1. hundreds of connections that never finish their headers, from one address, starve no one', async () => {
    // 256 descriptors for the server; the attacker keeps 400 connections going.
    const started = await startChild(256, { secret: TEST_SECRET, heartbeatIntervalMs: 0, stopGraceMs: 200 });
    child = started.child;
    const url = `ws://127.0.0.1:${started.port}/ws`;
    attacker = new Attacker(['127.0.0.2'], 400, 20, slowHeaders(started.port));
    attacker.start();
    await attacker.ramp(400);
    await new Promise((r) => setTimeout(r, 500)); // let the server accept what it will

    const joins = summary('attack 1 (slow headers): joins', await measure(20, (i) => honestJoin(url, `honest${i}`)));
    const health = summary('attack 1 (slow headers): /healthz', await measure(20, () => honestHealthz(started.port)));
    expect(joins.successRate).toBeGreaterThanOrEqual(0.95);
    expect(health.successRate).toBeGreaterThanOrEqual(0.95);
  });

  it('2. forty addresses holding sockets that never join cannot lock well-behaved joins out', async () => {
    handle = await startIntroducer({ secret: TEST_SECRET, port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, stopGraceMs: 200, maxConnections: 100 });
    attacker = new Attacker(loopback(2, 40), 5, 50, neverJoins(handle.url));
    attacker.start();
    await attacker.ramp(200);
    // The cap is really held, by WebSockets that never join.
    const deadline = Date.now() + 10_000;
    while (handle.counters().connectionsOpen < 90 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(handle.counters().connectionsOpen).toBeGreaterThanOrEqual(90);

    const joins = summary('attack 2 (never join, 40 addresses): joins', await measure(20, (i) => honestJoin((handle as IntroducerHandle).url, `honest${i}`)));
    expect(joins.successRate).toBeGreaterThanOrEqual(0.95);
  });
});
