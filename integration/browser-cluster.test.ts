// End-to-end: three headless Chromium tabs, each on its own origin (own localStorage), joined by
// the introducer and talking Raft over WebRTC. The steps run in order on one cluster. Every wait
// polls a condition with a timeout; nothing sleeps for a fixed time.
//
// Without /usr/bin/chromium every test fails with the one-line fix (bash scripts/install-chromium.sh).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TabCluster } from '../browser-adapter/harness/tab-cluster';
import { checkTraceSafety } from '../browser-adapter/trace-check';
import { mergeBrowserTraces } from '../browser-adapter/trace-merge';
import { checkMergedTraceSafety } from '../browser-adapter/merged-trace-safety';
import { validateTraceText } from '../tla/validate';

jest.setTimeout(60_000);

const OUT_DIR = path.join(__dirname, '..', 'browser-adapter', 'e2e', 'out', new Date().toISOString().replace(/[:.]/g, '-'));
const SNAPSHOT_EVERY = 100;

let cluster: TabCluster;
const consoleErrors: string[] = [];
/** Every exported trace of the run, in the order the incarnations ended. */
const traces: { id: string; text: string }[] = [];
/** Every key written and acknowledged, with its value. */
const committed = new Map<string, string>();

beforeAll(async () => {
  cluster = await TabCluster.start({
    params: { snapshotEvery: String(SNAPSHOT_EVERY), tick: '25' },
    onConsole: (id, text) => {
      if (!/favicon|Failed to load resource/.test(text)) consoleErrors.push(`${id}: ${text}`);
    },
  });
  await cluster.openAll();
});

afterAll(async () => {
  await cluster?.stop();
});

/**
 * Stops the tab's node and exports its trace in one task, so the trace holds everything the
 * incarnation did: between an export and a later tab close the node would go on sending messages
 * that other tabs receive but no trace shows sent (trace-merge would report UnmatchedDelivery).
 * Stopping is what closing the tab does; storage keeps everything written (persist records are
 * written and acknowledged within the task that logged them).
 */
async function stopAndExport(id: string): Promise<void> {
  const text = await cluster.page(id).evaluate(() => {
    window.raftbed!.crash();
    return window.raftbed!.exportTrace();
  });
  traces.push({ id, text });
}

/** Writes keys from one tab (retried across leader changes) and records what was committed. */
async function writeFrom(id: string, keys: readonly string[]): Promise<void> {
  for (const [k, v] of await cluster.putFrom(id, keys)) committed.set(k, v);
}

async function waitAllVisible(id: string, timeoutMs = 20_000): Promise<void> {
  await cluster.waitContents(id, 'committed', [...committed.entries()], timeoutMs);
}

async function statusOf(id: string) {
  return cluster.page(id).evaluate(() => window.raftbed!.status());
}

async function leaderTab(): Promise<string> {
  const open = [...cluster.pages.keys()];
  await cluster.waitIn(open[0], 'a leader that every open tab agrees on', (ids) => {
    const s = window.raftbed!.status();
    return s.leader !== null && ids.includes(s.leader);
  }, open);
  const { leader } = await statusOf(open[0]);
  for (const id of open) await cluster.waitIn(id, `leader ${leader}`, (l) => window.raftbed!.status().leader === l, leader);
  return leader as string;
}

const keys = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

test('1. a leader is elected; writes from every tab are visible in all three', async () => {
  const leader = await leaderTab();
  const terms = await Promise.all(cluster.ids.map(async (id) => (await statusOf(id)).term));
  const leaders = await Promise.all(cluster.ids.map(async (id) => (await statusOf(id)).role === 'Leader'));
  expect(leaders.filter(Boolean)).toHaveLength(1);
  expect(new Set(terms).size).toBe(1);
  expect(cluster.ids).toContain(leader);
  await Promise.all(cluster.ids.map((id) => writeFrom(id, keys(`first-${id}`, 25))));
  expect(committed.size).toBe(75);
  for (const id of cluster.ids) await waitAllVisible(id);
});

test('2. closing the leader tab: a new leader is elected and writes continue', async () => {
  const oldLeader = await leaderTab();
  await stopAndExport(oldLeader);
  await cluster.close(oldLeader);
  const survivors = cluster.ids.filter((id) => id !== oldLeader);
  const newLeader = await leaderTab();
  expect(newLeader).not.toBe(oldLeader);
  await Promise.all(survivors.map((id) => writeFrom(id, keys(`without-${oldLeader}-from-${id}`, 25))));
  for (const id of survivors) await waitAllVisible(id);
});

test('3. the reopened tab catches up with what it missed', async () => {
  const missing = cluster.ids.find((id) => !cluster.pages.has(id)) as string;
  await cluster.open(missing);
  await waitAllVisible(missing);
  await writeFrom(missing, keys(`back-${missing}`, 10));
  for (const id of cluster.ids) await waitAllVisible(id);
});

test('4. reloading all three tabs keeps every committed write', async () => {
  for (const id of cluster.ids) await stopAndExport(id);
  await Promise.all(cluster.ids.map((id) => cluster.reload(id)));
  // Before any new leader commits, each tab already holds its snapshot and log from localStorage.
  for (const id of cluster.ids) {
    const s = await statusOf(id);
    expect(s.lastIndex).toBeGreaterThanOrEqual(committed.size);
  }
  for (const id of cluster.ids) await waitAllVisible(id);
  // And a linearizable read through the new leader agrees.
  const sample = [...committed.keys()][7];
  expect(await cluster.page(cluster.ids[2]).evaluate((k) => window.raftbed!.get(k), sample)).toBe(committed.get(sample));
});

test('5. past the compaction threshold, a tab that was away receives a snapshot', async () => {
  const leader = await leaderTab();
  const away = cluster.ids.find((id) => id !== leader) as string;
  await stopAndExport(away);
  await cluster.close(away);
  const present = cluster.ids.filter((id) => id !== away);
  await writeFrom(present[0], keys('bulk', 3 * SNAPSHOT_EVERY));
  const leaderStatus = await statusOf(leader);
  expect(leaderStatus.counters.snapshotsTaken).toBeGreaterThan(0);
  await cluster.open(away);
  await waitAllVisible(away);
  const s = await statusOf(away);
  expect(s.counters.snapshotsInstalled).toBeGreaterThanOrEqual(1);
  expect(s.snapshotIndex).toBeGreaterThan(0);
  const usage = await cluster.page(away).evaluate(() => window.raftbed!.storageUsage());
  // Compaction keeps localStorage far below the ~5M-unit quota.
  expect(usage.units).toBeLessThan(1_000_000);
});

test('6. the exported traces, merged into one cluster trace, pass TLC trace validation and sim\'s invariant checker', async () => {
  // Stop every node before exporting any trace, so no trace misses a message another one received.
  for (const id of cluster.ids) await stopAndExport(id);
  await fs.mkdir(OUT_DIR, { recursive: true });
  const seen = new Map<string, number>();
  const inputs: { name: string; text: string }[] = [];
  for (const { id, text } of traces) {
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    const name = `${id}-${n}.ndjson`;
    inputs.push({ name, text });
    await fs.writeFile(path.join(OUT_DIR, name), text);
  }
  for (const { text } of traces) expect(JSON.parse(text.slice(0, text.indexOf('\n')))).toMatchObject({ type: 'header', source: 'browser' });

  // Per-incarnation checks (trace-check.ts).
  const perTrace = checkTraceSafety(traces.map((t) => t.text));
  expect(perTrace.violations).toEqual([]);
  expect(perTrace.stats.traces).toBe(traces.length);
  expect(perTrace.stats.highestApplied).toBeGreaterThanOrEqual(committed.size);

  // One cluster trace in causal order, saved beside the inputs for `raftbed tla validate`
  // (`raftbed tla merge DIR` skips *.merged.ndjson when it reads a directory).
  const merged = mergeBrowserTraces(inputs);
  await fs.writeFile(path.join(OUT_DIR, 'cluster.merged.ndjson'), merged.text);
  // Two closed tabs and three reloads: five crashes, each followed by a restart.
  expect(merged.stats.crashes).toBe(5);

  // sim's SafetyChecker in the global order (Leader Completeness included).
  const invariants = checkMergedTraceSafety(merged.text);
  expect(invariants.violation).toBeNull();
  expect(invariants.stats.highestCommitted).toBeGreaterThanOrEqual(committed.size);

  // TLC: the merged trace is a behaviour of TraceRaft.
  const tlc = await validateTraceText(merged.text, { timeoutMs: 240_000 });
  expect({ verdict: tlc.verdict, firstUnmatched: tlc.firstUnmatched, error: tlc.error }).toEqual({ verdict: 'pass', firstUnmatched: undefined, error: undefined });
  expect(tlc.eventsMatched).toBe(tlc.eventsTotal);
  expect(consoleErrors).toEqual([]);
}, 300_000);
