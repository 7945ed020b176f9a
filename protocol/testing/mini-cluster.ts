// A tiny deterministic cluster of protocol nodes, for conformance tests of any implementation
// (core in process, core over stdio, the Go example). It is not the simulator: one FIFO queue for
// the network, storage that acknowledges every write right after the step that issued it, and
// rounds of "deliver what is queued, then tick every node". No randomness except what the nodes
// draw from their seeds, so one configuration gives one transcript, line for line.
//
// Every node is wrapped in a CheckedNode (the protocol's rules), and the cluster checks two
// safety properties across nodes as it goes: one leader per term, and one entry per applied index.

import { CheckedNode } from '../conformance';
import type { ProtocolTraceRecorder } from './protocol-trace';
import { ObservedLog } from '../observed-log';
import { encodeInput, encodeOutput } from '../validate';
import {
  PROTOCOL_VERSION,
  type ApplyEntry, type Ext, type PersistRecord, type Message, type NodeError, type NodeOptions, type NodeOutput, type ProtocolNode, type ProtocolNodeFactory,
  type ReadResult, type StartInput, type StepInput,
} from '../types';

export const MINI_OPTIONS: NodeOptions = Object.freeze({ electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, preVote: true, checkQuorum: true });

export interface MiniClusterOptions {
  readonly factory: ProtocolNodeFactory;
  readonly size?: number;
  /** Node i gets seed (seed * 1000 + i) mod 2^32. */
  readonly seed?: number;
  readonly options?: Partial<NodeOptions>;
  readonly impl?: Ext;
  /** Keep every exchange as text: `n1 < input` and `n1 > output`. */
  readonly transcript?: boolean;
  /** Acknowledge every write right after the step that issued it (default). Otherwise call `ack`. */
  readonly autoAck?: boolean;
  /** Write a raftbed trace (for TLA+ trace validation) from the protocol outputs. */
  readonly trace?: ProtocolTraceRecorder;
}

export class MiniClusterViolation extends Error {
  override readonly name = 'MiniClusterViolation';
  constructor(readonly property: 'ElectionSafety' | 'StateMachineSafety', detail: string) {
    super(`${property}: ${detail}`);
  }
}

export interface MiniNode {
  readonly id: string;
  readonly seed: number;
  node: CheckedNode | null;
  /** What is durable: every acknowledged record. A restart gets this (plus what a crash kept). */
  disk: ObservedLog;
  /** Records written but not acknowledged yet, in order. */
  unsynced: PersistRecord[];
  /** The seq of the last record written. */
  lastSeq: number;
  output: NodeOutput | null;
  applied: ApplyEntry[];
  reads: ReadResult[];
  errors: NodeError[];
  inputs: number;
}

export class MiniCluster {
  readonly ids: readonly string[];
  readonly nodes = new Map<string, MiniNode>();
  readonly transcript: string[] = [];
  queue: Message[] = [];
  /** Nodes cut off from everyone: messages from or to them are dropped. */
  readonly isolated = new Set<string>();
  rounds = 0;
  inputs = 0;
  private readonly options: NodeOptions;
  private readonly leaderOfTerm = new Map<number, string>();
  private readonly appliedAt = new Map<number, string>();
  private nextRequest = 1;

  constructor(private readonly config: MiniClusterOptions) {
    const size = config.size ?? 3;
    this.ids = Array.from({ length: size }, (_, i) => `n${i + 1}`);
    this.options = { ...MINI_OPTIONS, ...config.options };
    for (const [i, id] of this.ids.entries()) {
      const seed = (((config.seed ?? 1) * 1000 + i) >>> 0);
      this.nodes.set(id, { id, seed, node: null, disk: new ObservedLog(), unsynced: [], lastSeq: 0, output: null, applied: [], reads: [], errors: [], inputs: 0 });
    }
  }

  node(id: string): MiniNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  private startInput(n: MiniNode, restart: boolean): StartInput {
    const base = { protocol: PROTOCOL_VERSION, id: n.id, voters: this.ids, seed: n.seed, options: this.options, ...(this.config.impl ? { impl: this.config.impl } : {}) };
    return restart ? { type: 'Restart', ...base, durable: n.disk.durableState(), lastSeq: n.lastSeq } : { type: 'Init', ...base };
  }

  start(): this {
    for (const id of this.ids) this.boot(this.node(id), false);
    return this;
  }

  private boot(n: MiniNode, restart: boolean): void {
    const node = new CheckedNode(this.config.factory(n.id) as ProtocolNode);
    n.node = node;
    const input = this.startInput(n, restart);
    this.record(n.id, input);
    const out = node.start(input);
    this.absorb(n, input, out);
  }

  private record(id: string, input: StepInput | StartInput, out?: NodeOutput, line?: string | null): void {
    if (!this.config.transcript) return;
    if (out === undefined) this.transcript.push(`${id} < ${encodeInput(input)}`);
    else this.transcript.push(`${id} > ${line ?? encodeOutput(out)}`);
  }

  /** Feeds one input to a node and carries out its output (then acknowledges its writes). */
  input(id: string, input: StepInput): NodeOutput {
    const n = this.node(id);
    if (n.node === null) throw new Error(`${id} is down`);
    this.record(id, input);
    const out = n.node.handle(input);
    this.absorb(n, input, out);
    return out;
  }

  private absorb(n: MiniNode, input: StepInput | StartInput, out: NodeOutput): void {
    this.inputs++;
    n.inputs++;
    n.output = out;
    this.record(n.id, input, out, n.node?.lastOutputLine);
    const trace = this.config.trace;
    if (trace !== undefined) {
      if (input.type === 'Restart') trace.restart(n.id, out.view);
      else if (input.type !== 'Init') trace.step(n.id, input, out, (m) => !this.isolated.has(m.from) && !this.isolated.has(m.to));
    }
    for (const r of out.persist) {
      n.unsynced.push(r);
      n.lastSeq = r.seq;
    }
    for (const m of out.messages) if (!this.isolated.has(m.from) && !this.isolated.has(m.to)) this.queue.push(m);
    for (const a of out.apply) {
      const key = `${a.entry.term}/${a.entry.type}/${a.entry.data}`;
      const known = this.appliedAt.get(a.index);
      if (known !== undefined && known !== key) throw new MiniClusterViolation('StateMachineSafety', `${n.id} applied ${key} at ${a.index}, but ${known} was applied there before`);
      this.appliedAt.set(a.index, key);
      n.applied.push(a);
    }
    n.reads.push(...out.reads);
    n.errors.push(...out.errors);
    if (out.view.role === 'Leader') {
      const other = this.leaderOfTerm.get(out.view.term);
      if (other !== undefined && other !== n.id) throw new MiniClusterViolation('ElectionSafety', `${n.id} and ${other} are both leaders of term ${out.view.term}`);
      this.leaderOfTerm.set(out.view.term, n.id);
    }
    if (out.persist.length > 0 && n.node !== null && this.config.autoAck !== false) this.ack(n.id);
  }

  /** Makes the node's writes up to `seq` (default: all) durable and tells it. */
  ack(id: string, seq?: number): void {
    const n = this.node(id);
    const upTo = seq ?? n.lastSeq;
    let k = 0;
    while (k < n.unsynced.length && n.unsynced[k].seq <= upTo) n.disk.apply(n.unsynced[k++]);
    if (k === 0) return;
    const acked = n.unsynced[k - 1].seq;
    n.unsynced = n.unsynced.slice(k);
    if (n.node !== null) this.input(id, { type: 'PersistAck', seq: acked });
  }

  /** Delivers what is queued now (not what those deliveries send), then ticks every node once. */
  round(): void {
    this.rounds++;
    this.config.trace?.at(this.rounds * 10);
    const batch = this.queue;
    this.queue = [];
    for (const m of batch) {
      const to = this.node(m.to);
      if (to.node !== null && !this.isolated.has(m.to)) this.input(m.to, { type: 'Receive', message: m });
    }
    for (const id of this.ids) if (this.node(id).node !== null) this.input(id, { type: 'Tick' });
  }

  runUntil(done: () => boolean, what: string, maxRounds = 500): void {
    for (let k = 0; k < maxRounds; k++) {
      if (done()) return;
      this.round();
    }
    if (!done()) throw new Error(`${what}: not reached in ${maxRounds} rounds`);
  }

  /** The running leader of the highest term, if any. */
  leader(): string | null {
    let best: { id: string; term: number } | null = null;
    for (const id of this.ids) {
      const n = this.node(id);
      if (n.node === null || this.isolated.has(id) || n.output?.view.role !== 'Leader') continue;
      if (best === null || n.output.view.term > best.term) best = { id, term: n.output.view.term };
    }
    return best?.id ?? null;
  }

  electLeader(maxRounds = 500): string {
    this.runUntil(() => this.leader() !== null && this.upIds().every((id) => this.node(id).output?.view.leader === this.leader()), 'a leader known to all', maxRounds);
    return this.leader() as string;
  }

  upIds(): string[] {
    return this.ids.filter((id) => this.node(id).node !== null && !this.isolated.has(id));
  }

  propose(id: string, data: string): string {
    const requestId = `p${this.nextRequest++}`;
    this.input(id, { type: 'Propose', requestId, data: [data] });
    return requestId;
  }

  read(id: string): string {
    const requestId = `r${this.nextRequest++}`;
    this.input(id, { type: 'Read', requestId });
    return requestId;
  }

  /** The data of the Normal entries a node applied, in order. */
  appliedData(id: string): string[] {
    return this.node(id).applied.filter((a) => a.entry.type === 'Normal').map((a) => a.entry.data);
  }

  /**
   * Kills the node. Of its unacknowledged writes, the first `survivingRecords` reach the disk anyway
   * (default none), the last of them keeping only `tornEntries` of its entries if given.
   */
  crash(id: string, survivingRecords = 0, tornEntries?: number): void {
    const n = this.node(id);
    n.node?.kill();
    n.node = null;
    const kept = n.unsynced.slice(0, survivingRecords);
    for (let k = 0; k < kept.length; k++) n.disk.apply(kept[k], k === kept.length - 1 ? tornEntries : undefined);
    n.lastSeq = kept.length > 0 ? kept[kept.length - 1].seq : n.lastSeq - n.unsynced.length;
    n.unsynced = [];
    this.queue = this.queue.filter((m) => m.to !== id);
    if (this.config.transcript) this.transcript.push(`${id} crash`);
    this.config.trace?.crash(id);
  }

  restart(id: string): void {
    const n = this.node(id);
    if (n.node !== null) throw new Error(`${id} is up`);
    // A new life applies from its snapshot on: what it applied before is gone with its memory.
    n.applied = n.applied.filter((a) => a.index <= n.disk.snapshotIndex);
    this.boot(n, true);
  }

  /** Stops every node (kills processes). */
  stop(): void {
    for (const id of this.ids) {
      const n = this.node(id);
      n.node?.kill();
      n.node = null;
    }
  }
}
