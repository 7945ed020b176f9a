// The raftbed side of the side-by-side benchmark (README.md here): the same three nodes, FIFO
// queue, persist-before-send (every write made durable and acknowledged with PersistAck before
// any message is delivered), 16-byte payload, windows and PreVote/CheckQuorum as the Go harness in
// go/main.go, and a harness as lean as the Go one (no bookkeeping beyond what the workload needs).
// Prints one JSON line: CPU time (process.cpuUsage, user+sys) and bytes allocated on
// V8's heap over the measured phase, per committed entry.

import { GCProfiler } from 'node:v8';
import {
  applyCheckedRecordInPlace, EMPTY_DURABLE_STATE, initialState, makeConfig, step, toMutableDurableState,
  type Input, type Message, type MutableDurableState, type NodeId, type RaftState,
} from '../../core';

export interface Mode {
  readonly entriesPerProposal: number;
  readonly proposalsInFlight: number;
}

export const MODES: Readonly<Record<string, Mode>> = Object.freeze({
  unbatched: { entriesPerProposal: 1, proposalsInFlight: 1 },
  pipelined: { entriesPerProposal: 1, proposalsInFlight: 64 },
  batched: { entriesPerProposal: 64, proposalsInFlight: 16 },
});

const PAYLOAD = 'x'.repeat(16);

/** The settings go/main.go copies: core's defaults plus bench-core's larger windows. */
export const MIRROR_CONFIG = Object.freeze({
  preVote: true,
  checkQuorum: true,
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 1,
  maxBytesPerAppend: 256 * 1024,
  maxInflightAppends: 256,
  maxInflightBytes: 8 * 1024 * 1024,
  maxUncommittedBytes: 1 << 30,
});

interface MirrorNode {
  state: RaftState;
  readonly durable: MutableDurableState;
}

/**
 * Three nodes and one FIFO queue. Every output's write is made durable and acknowledged
 * (PersistAck) before the next input, and so before any of its messages is delivered: the
 * counterpart of the Go harness persisting each Ready before queueing its messages.
 */
export class MirrorCluster {
  readonly ids: readonly NodeId[] = ['n1', 'n2', 'n3'];
  private readonly nodes = new Map<NodeId, MirrorNode>();
  // The queue is an array and a count, so that emptying it keeps its room (setting an array's
  // length to 0 gives its storage back): go/main.go reuses its slices the same way, with a spare.
  private queue: Message[] = [];
  private queued = 0;
  private spare: Message[] = [];
  // The two inputs the harness feeds most, one object each, refilled per call: core reads an input
  // during its step and keeps no reference to it, and the Go harness passes its messages to Step by
  // value, allocating nothing per delivery either.
  private readonly persistAck: { type: 'PersistAck'; seq: number } = { type: 'PersistAck', seq: 0 };
  private readonly receive: { type: 'Receive'; message: Message | null } = { type: 'Receive', message: null };

  constructor() {
    for (const [i, id] of this.ids.entries()) {
      const config = makeConfig({ clusterId: 'bench', id, cluster: { voters: [...this.ids] }, seed: 100 + i, ...MIRROR_CONFIG });
      this.nodes.set(id, { state: initialState(config), durable: toMutableDurableState(EMPTY_DURABLE_STATE) });
    }
  }

  state(id: NodeId): RaftState {
    return (this.nodes.get(id) as MirrorNode).state;
  }

  input(id: NodeId, input: Input): void {
    const node = this.nodes.get(id) as MirrorNode;
    let { state, output } = step(node.state, input);
    for (;;) {
      // Indexed loops here and below: a for-of over a list of varying element kinds allocates an
      // iterator result per message, work the Go harness does not do.
      const messages = output.messages;
      for (let k = 0; k < messages.length; k++) this.queue[this.queued++] = messages[k];
      if (!output.persist) break;
      // As MemoryStorage.Append: the record must follow the stored log (PersistSequenceError
      // otherwise), but the durable-invariant check that the simulator's disk runs on every
      // record, a checker of core rather than part of storing, is left out as etcd has none.
      applyCheckedRecordInPlace(node.durable, output.persist);
      this.persistAck.seq = output.persist.seq;
      ({ state, output } = step(state, this.persistAck));
    }
    node.state = state;
  }

  deliverAll(): void {
    while (this.queued > 0) {
      const batch = this.queue;
      const count = this.queued;
      this.queue = this.spare;
      this.queued = 0;
      for (let k = 0; k < count; k++) {
        const message = batch[k];
        this.receive.message = message;
        this.input(message.to, this.receive as Input);
      }
      this.spare = batch;
    }
    this.receive.message = null;
  }

  leaders(): NodeId[] {
    return this.ids.filter((id) => this.state(id).role === 'Leader');
  }

  electLeader(maxTicks = 1000): NodeId {
    for (let t = 0; t < maxTicks && this.leaders().length !== 1; t++) {
      for (const id of this.ids) this.input(id, { type: 'Tick' });
      this.deliverAll();
    }
    const leaders = this.leaders();
    if (leaders.length !== 1) throw new Error(`no single leader after ${maxTicks} ticks`);
    this.deliverAll();
    return leaders[0];
  }
}

/** Proposes `total` entries, `mode.proposalsInFlight` proposals before each delivery; returns entries committed. */
function run(cluster: MirrorCluster, leader: NodeId, mode: Mode, total: number): number {
  const startCommit = cluster.state(leader).commitIndex;
  const data = Array.from({ length: mode.entriesPerProposal }, () => PAYLOAD);
  let proposed = 0;
  while (proposed < total) {
    for (let w = 0; w < mode.proposalsInFlight && proposed < total; w++) {
      cluster.input(leader, { type: 'Propose', requestId: String(proposed), data });
      proposed += mode.entriesPerProposal;
    }
    cluster.deliverAll();
  }
  return cluster.state(leader).commitIndex - startCommit;
}

/**
 * Bytes allocated on V8's heap during `fn`: the growth of the used heap plus what every GC in
 * between reclaimed (GCProfiler reports the used heap before and after each one). V8 keeps no
 * running total of allocated bytes; this sum equals one, because every object either survives
 * (growth) or is reclaimed by some GC (a scavenge counts short-lived objects too). It misses only
 * off-heap memory (ArrayBuffer stores, native malloc), which this workload does not use.
 */
export function measureHeapAllocation<T>(fn: () => T): { result: T; allocBytes: number } {
  const profiler = new GCProfiler();
  profiler.start();
  const before = process.memoryUsage().heapUsed;
  const result = fn();
  const after = process.memoryUsage().heapUsed;
  const { statistics } = profiler.stop();
  let reclaimed = 0;
  for (const gc of statistics) reclaimed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return { result, allocBytes: after - before + reclaimed };
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
  const modeName = flag('mode', 'unbatched');
  const mode = MODES[modeName];
  if (!mode) throw new Error(`unknown mode ${JSON.stringify(modeName)}; expected one of ${Object.keys(MODES).join(', ')}`);
  const entries = Number(flag('entries', '20000'));
  const warmup = Number(flag('warmup', String(Math.floor(entries / 4))));
  if (!Number.isInteger(entries) || entries < 1 || !Number.isInteger(warmup) || warmup < 1) throw new Error('--entries and --warmup must be positive integers');

  const cluster = new MirrorCluster();
  const leader = cluster.electLeader();
  const warm = run(cluster, leader, mode, warmup);
  if (warm < warmup) throw new Error(`warm-up committed ${warm} of ${warmup}`);
  (globalThis as { gc?: () => void }).gc?.();

  const cpu0 = process.cpuUsage();
  const { result: committed, allocBytes } = measureHeapAllocation(() => run(cluster, leader, mode, entries));
  const cpu = process.cpuUsage(cpu0);
  if (committed < entries) throw new Error(`committed ${committed} of ${entries}`);
  if (cluster.leaders().length !== 1 || cluster.leaders()[0] !== leader) throw new Error('leader changed during the measured phase');
  const cpuMicros = cpu.user + cpu.system;
  console.log(JSON.stringify({
    impl: 'raftbed', version: 'HEAD', mode: modeName, entries: committed, cpuMicros, allocBytes,
    cpuMicrosPerEntry: cpuMicros / committed, allocBytesPerEntry: allocBytes / committed, nodeVersion: process.version,
  }));
}

if (require.main === module) main();
