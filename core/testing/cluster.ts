// A minimal in-memory cluster for core's own tests and benchmark: nodes wired by a FIFO queue,
// storage that acknowledges when told to, and hooks to drop, hold or reorder messages.
// The simulator (sim/) is the real test bed; this exists so core can be tested without it.

import type { ApplyEntry, Input, Message, NodeId, Output, PersistRecord, RaftConfig, RaftError, ReadResult } from '../types';
import { step } from '../step';
import { initialState, restartState, RaftState } from '../state';
import { makeConfig } from '../config';
import { applyPersistRecordInPlace, EMPTY_DURABLE_STATE, MutableDurableState, toMutableDurableState } from '../persist';

export interface NodeRecord {
  state: RaftState;
  durable: MutableDurableState;
  lastDurableSeq: number;
  unsynced: PersistRecord[];
  applied: ApplyEntry[];
  reads: ReadResult[];
  errors: RaftError[];
  up: boolean;
}

export interface ClusterOptions {
  readonly size?: number;
  readonly config?: Partial<RaftConfig>;
  /** Acknowledge every write at once (the default); otherwise call `sync(id)`. */
  readonly autoSync?: boolean;
  readonly seed?: number;
  /** Run every step on a deep-frozen state and input, to prove core never mutates them. */
  readonly freeze?: boolean;
  /**
   * How many of the nodes form the initial configuration (default: all). The others start empty,
   * outside it, as nodes waiting to be added by a membership change.
   */
  readonly initialVoters?: number;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export class TestCluster {
  readonly ids: NodeId[];
  readonly nodes = new Map<NodeId, NodeRecord>();
  queue: Message[] = [];
  /** Return false to drop a message as it is sent. */
  linkFilter: (m: Message) => boolean = () => true;
  autoSync: boolean;
  readonly freeze: boolean;
  readonly configs = new Map<NodeId, RaftConfig>();
  readonly sentLog: Message[] = [];
  recordSent = false;
  /** Every message any node has sent, dropped ones included (the benchmark's messages per entry). */
  messagesSent = 0;

  constructor(options: ClusterOptions = {}) {
    const size = options.size ?? 3;
    this.ids = Array.from({ length: size }, (_, i) => `n${i + 1}`);
    this.autoSync = options.autoSync ?? true;
    this.freeze = options.freeze ?? false;
    const voters = this.ids.slice(0, options.initialVoters ?? size);
    for (const [i, id] of this.ids.entries()) {
      const config = makeConfig({ clusterId: 'test', id, cluster: { voters }, seed: (options.seed ?? 1) * 100 + i, ...options.config });
      this.configs.set(id, config);
      this.nodes.set(id, {
        state: initialState(config), durable: toMutableDurableState(EMPTY_DURABLE_STATE), lastDurableSeq: 0, unsynced: [],
        applied: [], reads: [], errors: [], up: true,
      });
    }
  }

  node(id: NodeId): NodeRecord {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  state(id: NodeId): RaftState {
    return this.node(id).state;
  }

  input(id: NodeId, input: Input): Output {
    const n = this.node(id);
    if (!n.up) throw new Error(`${id} is down`);
    if (this.freeze) {
      deepFreeze(n.state);
      deepFreeze(input);
    }
    const { state, output } = step(n.state, input);
    n.state = state;
    this.absorb(id, output);
    return output;
  }

  private absorb(id: NodeId, output: Output): void {
    const n = this.node(id);
    n.applied.push(...output.apply);
    n.reads.push(...output.reads);
    n.errors.push(...output.errors);
    this.messagesSent += output.messages.length;
    for (const m of output.messages) {
      if (this.recordSent) this.sentLog.push(m);
      if (this.linkFilter(m)) this.queue.push(m);
    }
    if (output.persist) {
      n.unsynced.push(output.persist);
      if (this.autoSync) this.sync(id);
    }
  }

  /** Makes every write durable and tells the node. */
  sync(id: NodeId): void {
    const n = this.node(id);
    if (n.unsynced.length === 0) return;
    for (const r of n.unsynced) applyPersistRecordInPlace(n.durable, r);
    const seq = n.unsynced[n.unsynced.length - 1].seq;
    n.lastDurableSeq = seq;
    n.unsynced = [];
    this.input(id, { type: 'PersistAck', seq });
  }

  tick(id: NodeId): void {
    if (this.node(id).up) this.input(id, { type: 'Tick' });
  }

  tickAll(times = 1): void {
    for (let t = 0; t < times; t++) for (const id of this.ids) this.tick(id);
  }

  /** Delivers queued messages, including the ones they cause, until the network is quiet. */
  deliverAll(maxMessages = 1_000_000): number {
    let delivered = 0;
    while (this.queue.length > 0 && delivered < maxMessages) {
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) {
        if (!this.node(m.to).up || !this.linkFilter(m)) continue;
        this.input(m.to, { type: 'Receive', message: m });
        delivered++;
      }
    }
    return delivered;
  }

  /** Ticks and delivers until `done` holds; throws if it never does. */
  runUntil(done: () => boolean, maxTicks = 1000): void {
    for (let t = 0; t < maxTicks; t++) {
      if (done()) return;
      this.tickAll();
      this.deliverAll();
    }
    if (!done()) throw new Error(`condition not reached within ${maxTicks} ticks`);
  }

  leaders(): NodeId[] {
    return this.ids.filter((id) => this.node(id).up && this.state(id).role === 'Leader');
  }

  electLeader(maxTicks = 1000): NodeId {
    this.runUntil(() => this.leaders().length === 1, maxTicks);
    return this.leaders()[0];
  }

  /** Crash: unsynced writes are lost; the node restarts from durable state alone. */
  crash(id: NodeId): void {
    const n = this.node(id);
    n.up = false;
    n.unsynced = [];
    this.queue = this.queue.filter((m) => m.to !== id);
  }

  restart(id: NodeId): void {
    const n = this.node(id);
    n.state = restartState(this.configs.get(id) as RaftConfig, toMutableDurableState(n.durable), n.lastDurableSeq);
    n.applied = [];
    n.up = true;
  }

  isolate(id: NodeId): void {
    const previous = this.linkFilter;
    this.linkFilter = (m) => m.from !== id && m.to !== id && previous(m);
  }

  healAll(): void {
    this.linkFilter = () => true;
  }

  propose(id: NodeId, ...data: string[]): Output {
    return this.input(id, { type: 'Propose', requestId: `p${data[0]}`, data });
  }
}
