// `raftbed bench browser`: three headless Chromium tabs (system Chromium via playwright-core)
// run the Raft cluster over WebRTC with localStorage persistence; each tab's client writes with
// pipelining. Reports committed durable writes/s summed over the tabs and p50/p99 commit latency
// (invoke to applied in the writing tab), at a fixed moderate rate and at saturation.
// Wall-clock figures for humans; nothing asserts them.

import { TabCluster } from '../browser-adapter/harness/tab-cluster';
import type { BenchRunOptions, BenchRunResult } from '../browser-adapter/demo/bench-main';
import type { Invocation } from './program';
import { EXIT_OK, EXIT_TOOL_FAILED } from './exit-codes';

export interface PhaseResult {
  readonly phase: string;
  readonly writesPerSec: number;
  readonly perTab: Record<string, number>;
  /** p50 latency in each tab (the leader's own clients skip the forwarding hop). */
  readonly p50ByTab: Record<string, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failed: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function summarise(phase: string, results: readonly BenchRunResult[]): PhaseResult {
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = results[0].measuredMs / 1000;
  return {
    phase,
    writesPerSec: Math.round(results.reduce((n, r) => n + r.completed, 0) / seconds),
    perTab: Object.fromEntries(results.map((r) => [r.node, Math.round(r.completed / seconds)])),
    p50ByTab: Object.fromEntries(results.map((r) => [r.node, Math.round(percentile([...r.latencies].sort((a, b) => a - b), 0.5) * 100) / 100])),
    p50Ms: Math.round(percentile(latencies, 0.5) * 100) / 100,
    p99Ms: Math.round(percentile(latencies, 0.99) * 100) / 100,
    failed: results.reduce((n, r) => n + r.failed, 0),
  };
}

/** Flags in cli/commands-browser.ts. A missing Chromium is reported by cli/main.ts (exit 4). */
export async function runBrowserBenchCli({ flags, io }: Invocation): Promise<number> {
  const out = (line: string) => io.out(line);
  const num = (name: string, fallback: number): number => (flags[name] as number | undefined) ?? fallback;
  const o = {
    rate: num('rate', 6000), window: num('window', 2000), duration: num('duration', 5), warmup: num('warmup', 1.5),
    keys: num('keys', 1000), valueBytes: num('value-bytes', 16), tick: num('tick', 30), snapshotEvery: num('snapshot-every', 5000),
  };
  let cluster: TabCluster;
  try {
    cluster = await TabCluster.start({ page: 'bench.html', params: { trace: '0', tick: String(o.tick), snapshotEvery: String(o.snapshotEvery) } });
  } catch (e) {
    if ((e as Error).name === 'ChromiumMissingError') throw e;
    io.err(`raftbed bench browser: ${(e as Error).message}`);
    return EXIT_TOOL_FAILED;
  }
  try {
    await cluster.openAll();
    await cluster.waitIn(cluster.ids[0], 'a leader', () => {
      const s = window.raftbed!.status();
      return s.leader !== null && s.peers.every((p) => p.state === 'connected');
    }, undefined, 30_000);
    for (const id of cluster.ids) await cluster.waitIn(id, 'all peers connected', () => window.raftbed!.status().peers.every((p) => p.state === 'connected'), undefined, 30_000);
    const leader = await cluster.page(cluster.ids[0]).evaluate(() => window.raftbed!.status().leader);
    const phase = async (name: string, run: BenchRunOptions): Promise<PhaseResult> => {
      const limitMs = run.warmupMs + run.durationMs + 30_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`phase "${name}" did not finish within ${limitMs} ms (a tab is starved or stuck)`)), limitMs);
      });
      try {
        const results = await Promise.race([Promise.all(cluster.ids.map((id) => cluster.page(id).evaluate((r) => window.raftbench!.run(r), run))), deadline]);
        return summarise(name, results);
      } finally {
        clearTimeout(timer);
      }
    };
    const common = { warmupMs: o.warmup * 1000, durationMs: o.duration * 1000, keySpace: o.keys, valueBytes: o.valueBytes };
    const phases = [
      await phase(`fixed rate ${o.rate}/s`, { ...common, mode: 'rate', ratePerSec: o.rate / cluster.ids.length }),
      await phase(`saturation (window ${o.window}/tab)`, { ...common, mode: 'saturate', window: o.window }),
    ];
    const statuses = await Promise.all(cluster.ids.map((id) => cluster.page(id).evaluate(() => {
      const s = window.raftbed!.status();
      return { id: s.id, role: s.role, term: s.term, applied: s.applied, snapshots: s.counters.snapshotsTaken, storageUnits: window.raftbed!.storageUsage().units };
    })));
    if (flags.json) {
      out(JSON.stringify({ options: o, leaderAtStart: leader, phases, nodes: statuses }));
    } else {
      out(`raftbed bench browser: 3 Chromium tabs, WebRTC + localStorage, leader at start ${leader}; ${o.duration}s measured per phase`);
      for (const p of phases) {
        out(`  ${p.phase.padEnd(30)} ${String(p.writesPerSec).padStart(7)} writes/s  p50 ${p.p50Ms} ms  p99 ${p.p99Ms} ms  failed ${p.failed}  per tab ${JSON.stringify(p.perTab)} p50 by tab ${JSON.stringify(p.p50ByTab)}`);
      }
      for (const s of statuses) out(`  ${s.id}: ${s.role} term ${s.term}, applied ${s.applied}, ${s.snapshots} snapshots, ${s.storageUnits} storage units`);
    }
    return EXIT_OK;
  } finally {
    await cluster.stop();
  }
}
