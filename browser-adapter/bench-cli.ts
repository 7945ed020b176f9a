// `raftbed bench browser`: three headless Chromium tabs (system Chromium via playwright-core)
// run the Raft cluster over WebRTC with localStorage persistence; each tab's client writes with
// pipelining. Reports committed durable writes/s summed over the tabs and p50/p99 commit latency
// (invoke to applied in the writing tab), at a fixed moderate rate and at saturation.
// Wall-clock figures for humans; nothing asserts them.

import { TabCluster } from './harness/tab-cluster';
import { CliArgsError, numberFlag, parseFlags } from './cli-args';
import type { BenchRunOptions, BenchRunResult } from './demo/bench-main';

export const BENCH_USAGE = `Usage: raftbed bench browser [options]

  --rate N          total writes/s of the fixed-rate phase, split over the tabs (default 6000)
  --window N        writes in flight per tab in the saturation phase (default 2000)
  --duration S      measured seconds per phase (default 5)
  --warmup S        unmeasured seconds before each phase (default 1.5)
  --keys N          distinct keys per tab (default 1000)
  --value-bytes N   bytes per value (default 16)
  --tick MS         Raft tick (default 30)
  --snapshot-every N  applied entries between snapshots (default 5000)
  --json            print one JSON object instead of a table
`;

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

export async function runBrowserBenchCli(argv: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  let flags: Map<string, string>;
  let o: { rate: number; window: number; duration: number; warmup: number; keys: number; valueBytes: number; tick: number; snapshotEvery: number };
  try {
    flags = parseFlags(argv, ['--rate', '--window', '--duration', '--warmup', '--keys', '--value-bytes', '--tick', '--snapshot-every'], ['--json', '--help', '-h']);
    o = {
      rate: numberFlag(flags, '--rate', 6000, 1), window: numberFlag(flags, '--window', 2000, 1), duration: numberFlag(flags, '--duration', 5, 0.5, 600),
      warmup: numberFlag(flags, '--warmup', 1.5, 0, 60), keys: numberFlag(flags, '--keys', 1000, 1), valueBytes: numberFlag(flags, '--value-bytes', 16, 0, 10_000),
      tick: numberFlag(flags, '--tick', 30, 1, 1000), snapshotEvery: numberFlag(flags, '--snapshot-every', 5000, 10),
    };
  } catch (e) {
    if (!(e instanceof CliArgsError)) throw e;
    out(`${e.message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (flags.has('--help') || flags.has('-h')) {
    out(BENCH_USAGE);
    return 0;
  }
  let cluster: TabCluster;
  try {
    cluster = await TabCluster.start({ page: 'bench.html', params: { trace: '0', tick: String(o.tick), snapshotEvery: String(o.snapshotEvery) } });
  } catch (e) {
    out(`raftbed bench browser: ${(e as Error).message}`);
    return 1;
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
    if (flags.has('--json')) {
      out(JSON.stringify({ options: o, leaderAtStart: leader, phases, nodes: statuses }));
    } else {
      out(`raftbed bench browser: 3 Chromium tabs, WebRTC + localStorage, leader at start ${leader}; ${o.duration}s measured per phase`);
      for (const p of phases) {
        out(`  ${p.phase.padEnd(30)} ${String(p.writesPerSec).padStart(7)} writes/s  p50 ${p.p50Ms} ms  p99 ${p.p99Ms} ms  failed ${p.failed}  per tab ${JSON.stringify(p.perTab)} p50 by tab ${JSON.stringify(p.p50ByTab)}`);
      }
      for (const s of statuses) out(`  ${s.id}: ${s.role} term ${s.term}, applied ${s.applied}, ${s.snapshots} snapshots, ${s.storageUnits} storage units`);
    }
    return 0;
  } finally {
    await cluster.stop();
  }
}

if (require.main === module) {
  runBrowserBenchCli(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error(e);
    process.exit(1);
  });
}
