// The raftbed side of the side-by-side benchmark (README.md here): the same three nodes, FIFO
// queue, persist-before-send (every write made durable and acknowledged with PersistAck before
// any message is delivered), 16-byte payload, windows and PreVote/CheckQuorum as the Go harness in
// go/main.go. Prints one JSON line: CPU time (process.cpuUsage, user+sys) and bytes allocated on
// V8's heap over the measured phase, per committed entry.

import { GCProfiler } from 'node:v8';
import { TestCluster } from '../../core/testing/cluster';

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

/** Proposes `total` entries, `mode.proposalsInFlight` proposals before each delivery; returns entries committed. */
function run(cluster: TestCluster, leader: string, mode: Mode, total: number): number {
  const startCommit = cluster.state(leader).commitIndex;
  const data = Array.from({ length: mode.entriesPerProposal }, () => PAYLOAD);
  let proposed = 0;
  while (proposed < total) {
    for (let w = 0; w < mode.proposalsInFlight && proposed < total; w++) {
      cluster.input(leader, { type: 'Propose', requestId: String(proposed), data });
      proposed += mode.entriesPerProposal;
    }
    cluster.deliverAll();
    for (const id of cluster.ids) cluster.node(id).applied.length = 0;
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

  const cluster = new TestCluster({ size: 3, config: MIRROR_CONFIG });
  const leader = cluster.electLeader();
  cluster.deliverAll();
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
