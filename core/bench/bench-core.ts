// npm run bench:core: three nodes wired in memory (no simulator): committed proposals per second,
// µs per proposal with and without batching, heap growth per proposal, and memory per node for a
// 1,000,000-entry log. Wall time is measured here for humans; core itself never reads a clock.

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

function main(): void {
  const json = process.argv.includes('--json');
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
