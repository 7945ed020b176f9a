// npm run bench:core: three nodes wired in memory (no simulator): committed proposals per second,
// µs per proposal with and without batching, heap growth and messages per proposal, and memory per
// node for a 1,000,000-entry log. `npm run bench:core -- --sync-windows` measures instead the cost
// per proposal when K proposals share one disk sync. Wall time is measured here for humans; core
// itself never reads a clock.

import { performance } from 'node:perf_hooks';
import { TestCluster } from '../testing/cluster';
import { appendEntries, EMPTY_LOG } from '../log';
import type { Entry } from '../types';

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

interface Result {
  name: string;
  proposals: number;
  seconds: number;
  proposalsPerSecond: number;
  microsPerProposal: number;
  heapBytesPerProposal: number;
  /** Messages the three nodes sent (requests and answers) per committed entry. */
  messagesPerCommittedEntry: number;
}

/** Proposes `total` entries `batch` at a time, pipelining `window` batches before delivering. */
function run(name: string, total: number, batch: number, window: number): Result {
  const cluster = new TestCluster({ size: 3, config: { maxUncommittedBytes: 1 << 30, maxInflightAppends: 256 } });
  const leader = cluster.electLeader();
  // Commit the leader's no-op first so the measurement starts from a quiet, committed cluster.
  cluster.deliverAll();
  const payload = 'x'.repeat(16);
  const data = Array.from({ length: batch }, () => payload);
  const startCommit = cluster.state(leader).commitIndex;
  const messagesBefore = cluster.messagesSent;
  const heapBefore = heapUsed();
  const t0 = performance.now();
  let proposed = 0;
  while (proposed < total) {
    for (let w = 0; w < window && proposed < total; w++) {
      cluster.input(leader, { type: 'Propose', requestId: String(proposed), data });
      proposed += batch;
    }
    cluster.deliverAll();
    for (const n of cluster.node(leader).applied.splice(0)) void n;
    for (const id of cluster.ids) cluster.node(id).applied.length = 0;
  }
  const seconds = (performance.now() - t0) / 1000;
  const committed = cluster.state(leader).commitIndex - startCommit;
  if (committed < total) throw new Error(`only ${committed} of ${total} proposals committed`);
  const heapAfter = process.memoryUsage().heapUsed;
  return {
    name,
    proposals: committed,
    seconds,
    proposalsPerSecond: committed / seconds,
    microsPerProposal: (seconds * 1e6) / committed,
    heapBytesPerProposal: (heapAfter - heapBefore) / committed,
    messagesPerCommittedEntry: (cluster.messagesSent - messagesBefore) / committed,
  };
}

function memoryPerMillionEntryLog(): number {
  const before = heapUsed();
  let log = EMPTY_LOG;
  const chunk: Entry[] = [];
  for (let i = 0; i < 1_000_000; i++) {
    chunk.push({ term: 1 + (i >> 16), type: 'Normal', data: 'v' + (i % 1000) });
    if (chunk.length === 4096) {
      log = appendEntries(log, chunk.splice(0));
    }
  }
  log = appendEntries(log, chunk);
  const after = heapUsed();
  if (log.entries.size !== 1_000_000) throw new Error('log size mismatch');
  return after - before;
}

/**
 * Fixed-K sync windows: the leader takes K one-entry proposals while no disk syncs, then every node
 * syncs once and the cluster settles (further syncs and deliveries until nothing is pending). So K
 * proposals, and the K responses each node holds back until its sync, share one durability wait,
 * as on a slow disk under load. With one node the window is the leader's alone: its K own
 * acknowledgements wait for the sync and commit the K entries. Returns µs of CPU per committed
 * proposal, all nodes together: CPU time (process.cpuUsage) rather than wall time, so that other
 * jobs on a shared machine inflate it less.
 */
function syncWindowMicros(nodes: number, k: number, total: number): number {
  const cluster = new TestCluster({ size: nodes, config: { maxUncommittedBytes: 1 << 30 } });
  const leader = cluster.electLeader();
  cluster.deliverAll();
  cluster.autoSync = false;
  const data = ['x'.repeat(16)];
  const startCommit = cluster.state(leader).commitIndex;
  // The previous run's cluster (a log of `total` entries, its durable copies) is garbage by now:
  // collected here, its cost does not land in whichever run the collector happens to pick.
  gc?.();
  const cpu0 = process.cpuUsage();
  for (let proposed = 0; proposed < total; ) {
    for (let w = 0; w < k; w++, proposed++) cluster.input(leader, { type: 'Propose', requestId: String(proposed), data });
    cluster.deliverAll();
    while (cluster.queue.length > 0 || cluster.ids.some((id) => cluster.node(id).unsynced.length > 0)) {
      for (const id of cluster.ids) cluster.sync(id);
      cluster.deliverAll();
    }
    for (const id of cluster.ids) cluster.node(id).applied.length = 0;
  }
  const cpu = process.cpuUsage(cpu0);
  const committed = cluster.state(leader).commitIndex - startCommit;
  if (committed < total) throw new Error(`sync window ${k}: only ${committed} of ${total} proposals committed`);
  return (cpu.user + cpu.system) / committed;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** npm run bench:core -- --sync-windows: K = 16, 512, 4,096, for 1 and 3 nodes; medians of interleaved repetitions. */
function syncWindows(json: boolean): void {
  const windows = [16, 512, 4096];
  const clusterSizes = [1, 3];
  const total = 4096 * 8;
  const repetitions = 5;
  for (const nodes of clusterSizes) syncWindowMicros(nodes, 512, 4096); // warm-up
  const samples = new Map<string, number[]>();
  for (let r = 0; r < repetitions; r++) {
    for (const nodes of clusterSizes) {
      for (const k of windows) {
        const key = `${nodes}/${k}`;
        samples.set(key, [...(samples.get(key) ?? []), syncWindowMicros(nodes, k, total)]);
      }
    }
  }
  const results = clusterSizes.map((nodes) => {
    const perK = windows.map((k) => ({ k, microsPerProposal: median(samples.get(`${nodes}/${k}`) ?? []) }));
    return { nodes, perK, ratioLargestToSmallest: perK[perK.length - 1].microsPerProposal / perK[0].microsPerProposal };
  });
  if (json) {
    console.log(JSON.stringify({ syncWindows: results, proposalsPerRun: total, repetitions }, null, 2));
    return;
  }
  console.log(`raftbed core benchmark: fixed-K sync windows, ${total.toLocaleString('en-US')} one-entry proposals per run, median of ${repetitions}, CPU time`);
  for (const r of results) {
    const cells = r.perK.map(({ k, microsPerProposal }) => `K=${k}: ${microsPerProposal.toFixed(2)}`).join('  ');
    console.log(`${r.nodes} node${r.nodes > 1 ? 's' : ' '}  µs CPU/proposal  ${cells}  ratio K=${windows[windows.length - 1]}/K=${windows[0]}: ${r.ratioLargestToSmallest.toFixed(2)}`);
  }
}

function main(): void {
  const json = process.argv.includes('--json');
  if (process.argv.includes('--sync-windows')) {
    syncWindows(json);
    return;
  }
  if (!gc) console.error('note: run with --expose-gc for heap figures (npm run bench:core does)');
  // Warm up the JIT so the first measured run is not mostly compilation.
  run('warmup', 20_000, 64, 8);
  const results = [
    run('unbatched (1 entry per proposal, 1 in flight)', 30_000, 1, 1),
    run('pipelined (1 entry per proposal, 64 in flight)', 200_000, 1, 64),
    run('batched (64 entries per proposal, 16 in flight)', 1_000_000, 64, 16),
  ];
  const logBytes = memoryPerMillionEntryLog();
  if (json) {
    console.log(JSON.stringify({ results, memoryPerNodeFor1MEntryLogBytes: logBytes }, null, 2));
    return;
  }
  console.log('raftbed core benchmark: 3 nodes wired in memory, every write acknowledged durable before it counts');
  for (const r of results) {
    console.log(
      `${r.name.padEnd(52)} ${Math.round(r.proposalsPerSecond).toLocaleString('en-US').padStart(11)} proposals/s ` +
        `${r.microsPerProposal.toFixed(2).padStart(7)} µs/proposal ${Math.round(r.heapBytesPerProposal).toString().padStart(6)} heap B/proposal ` +
        `${r.messagesPerCommittedEntry.toFixed(2).padStart(6)} msgs/entry`,
    );
  }
  console.log(`memory for a 1,000,000-entry log (one node)              ${(logBytes / 1024 / 1024).toFixed(1)} MiB (${(logBytes / 1e6).toFixed(0)} B/entry)`);
}

main();
