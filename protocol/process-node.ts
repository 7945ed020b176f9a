// The out-of-process driver: one process per node life, speaking the protocol as NDJSON over its
// stdin and stdout, in lock-step (one input line, then exactly one output line).
//
// The caller (the simulator's step loop) is synchronous, so each exchange blocks: the request goes
// to an IO worker thread (process-worker.js) and this thread sleeps in Atomics.wait until the
// worker has the reply. A wall-clock limit turns a hung node into a NodeHang error; it never
// influences what a correct run does, so a seed still reproduces a run byte for byte.
//
// Everything a node can do wrong ends in a typed error (protocol/errors.ts) naming the node, the
// input and the line: hang (NodeHang), exit (NodeExited, with the tail of its stderr), a line that
// is not JSON (MalformedOutput), a schema break (ProtocolViolation), a second line for one input
// (ExtraOutput), or a fatal line (NodeFatal). The process is killed on any of them.

import { join } from 'path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'worker_threads';
import { NodeExited, NodeHang, ExtraOutput, NodeProtocolError, type ExchangeRef } from './errors';
import { decodeOutput, encodeInput } from './validate';
import type { Input, NodeOutput, ProtocolNode, ProtocolNodeFactory, StartInput, StepInput } from './types';

export interface ProcessDriverOptions {
  /** Wall-clock limit for one exchange. Only turns a hang into an error. */
  readonly stepTimeoutMs?: number;
  /** Limit for the first exchange (process start-up plus Init). */
  readonly startTimeoutMs?: number;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
export const DEFAULT_START_TIMEOUT_MS = 30_000;

type Reply =
  | { readonly call: number; readonly pid: number | null }
  | { readonly call: number; readonly line: string }
  | { readonly call: number; readonly extra: string }
  | { readonly call: number; readonly exited: { code: number | null; signal: string | null; spawnError: string | null }; readonly stderr: string }
  | { readonly call: number; readonly stderr: string };

/** Internal: the worker did not answer within the limit. */
class TimedOut extends Error {}

/**
 * Owns the IO worker and every node process of one run. `factory` makes a ProtocolNode per node
 * life; `close` kills whatever is still running (call it when the run ends).
 */
export class ProcessDriver {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private nextCall = 1;
  private nextKey = 1;
  private closed = false;
  readonly stepTimeoutMs: number;
  readonly startTimeoutMs: number;

  constructor(readonly command: string, private readonly options: ProcessDriverOptions = {}) {
    this.stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    this.startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(join(__dirname, 'process-worker.js'), { workerData: { port: port2, signal: this.signal.buffer }, transferList: [port2] });
    this.worker.unref();
  }

  readonly factory: ProtocolNodeFactory = (id) => new ProcessNode(this, id, this.nextKey++);

  /** Posts a request and blocks until its reply (or the limit). Replies to abandoned calls are skipped. */
  call(request: Record<string, unknown>, timeoutMs: number): Reply {
    if (this.closed) throw new Error('the process driver is closed');
    const call = this.nextCall++;
    const deadline = Date.now() + timeoutMs;
    this.port.postMessage({ ...request, call });
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
        const reply = m.message as Reply;
        if (reply.call === call) return reply;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new TimedOut();
      Atomics.wait(this.signal, 0, seen, left);
    }
  }

  post(request: Record<string, unknown>): void {
    if (!this.closed) this.port.postMessage(request);
  }

  /** Kills every node process and stops the worker. */
  close(): void {
    if (this.closed) return;
    this.port.postMessage({ op: 'close' });
    this.closed = true;
    // The worker kills the process groups on 'close'; terminate it once it has had the chance.
    setTimeout(() => void this.worker.terminate(), 200).unref();
  }

  spawnOptions(): { cwd?: string; env?: Readonly<Record<string, string | undefined>> } {
    return { cwd: this.options.cwd, env: this.options.env };
  }
}

/** One node life as one process. */
export class ProcessNode implements ProtocolNode {
  /** The last line the process wrote (for error reports by wrappers such as CheckedNode). */
  lastOutputLine: string | null = null;
  pid: number | null = null;
  private inputNumber = 0;
  private previous: ExchangeRef | null = null;
  private dead = false;

  constructor(private readonly driver: ProcessDriver, readonly id: string, private readonly key: number) {}

  start(input: StartInput): NodeOutput {
    const spawned = this.driver.call({ op: 'spawn', key: this.key, command: this.driver.command, ...this.driver.spawnOptions() }, this.driver.startTimeoutMs);
    this.pid = 'pid' in spawned ? spawned.pid : null;
    return this.exchange(input, true, this.driver.startTimeoutMs);
  }

  handle(input: StepInput): NodeOutput {
    return this.exchange(input, false, this.driver.stepTimeoutMs);
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.driver.post({ op: 'kill', key: this.key });
  }

  private exchange(input: Input, expectHello: boolean, timeoutMs: number): NodeOutput {
    if (this.dead) throw new Error(`${this.id}: this node process was killed; a restart needs a new ProtocolNode`);
    const line = encodeInput(input);
    const ref: ExchangeRef = { node: this.id, inputNumber: ++this.inputNumber, inputLine: line };
    try {
      let reply: Reply;
      try {
        reply = this.driver.call({ op: 'send', key: this.key, line }, timeoutMs);
      } catch (e) {
        if (!(e instanceof TimedOut)) throw e;
        throw new NodeHang(ref, timeoutMs, this.stderrTail());
      }
      if ('extra' in reply) throw new ExtraOutput(this.previous ?? ref, reply.extra);
      if ('exited' in reply) throw new NodeExited(ref, reply.exited.code, reply.exited.signal, reply.stderr, reply.exited.spawnError ?? undefined);
      if (!('line' in reply)) throw new Error(`unexpected reply from the IO worker: ${JSON.stringify(reply)}`);
      this.lastOutputLine = reply.line;
      this.previous = ref;
      return decodeOutput(reply.line, ref, expectHello);
    } catch (e) {
      if (e instanceof NodeProtocolError) this.kill();
      throw e;
    }
  }

  private stderrTail(): string {
    try {
      const reply = this.driver.call({ op: 'stderr', key: this.key }, 1_000);
      return 'stderr' in reply ? reply.stderr : '';
    } catch {
      return '';
    }
  }
}
