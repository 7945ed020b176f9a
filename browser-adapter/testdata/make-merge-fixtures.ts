// Regenerates testdata/merge-small/: the per-incarnation traces of one small three-node run of
// BrowserRaftNode over the in-memory loopback transport, the input trace-merge.test.ts merges.
// The run: an election, writes, the leader stops (a closed tab), writes without it, it restarts
// from its storage and catches up through a snapshot, then everyone stops and exports.
//
//   node -r ts-node/register/transpile-only browser-adapter/testdata/make-merge-fixtures.ts
//
// Each trace is exported right after its node stops, in the same task, so nothing is missing
// from it (what e2e/browser-cluster.test.ts does with crash() before exportTrace()).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MemoryStore } from '../storage';
import { BrowserRaftNode } from '../node/browser-raft-node';
import { browserRaftConfig } from '../node/browser-config';
import { LoopbackHub } from '../test-support/loopback';
import { waitFor } from '../test-support/node-cluster';

const OUT = path.join(__dirname, 'merge-small');
const ids = ['n1', 'n2', 'n3'];

function makeNode(hub: LoopbackHub, store: MemoryStore, k: number, incarnation: number): BrowserRaftNode {
  const config = browserRaftConfig({
    clusterId: 'merge-fixture', id: ids[k], voters: ids, seed: 5 + k * 31 + incarnation * 7,
    // Fewer heartbeats keep the fixture short; TLC's time grows with every line.
    overrides: { electionTimeoutTicks: 10, heartbeatIntervalTicks: 3 },
  });
  return new BrowserRaftNode({ config, store, transport: hub.transport(ids[k]), incarnation, tickMs: 10, snapshotEvery: 6, retryMs: 1000, opTimeoutMs: 30_000 });
}

async function main(): Promise<void> {
  const hub = new LoopbackHub();
  const stores = ids.map(() => new MemoryStore());
  const nodes = ids.map((_, k) => makeNode(hub, stores[k], k, 0));
  // exportTrace takes the lines at once; only their hash is awaited, later.
  const exports: { name: string; text: Promise<string> }[] = [];
  const stopAndExport = (k: number, incarnation: number): void => {
    nodes[k].stop();
    exports.push({ name: `${ids[k]}-${incarnation}.ndjson`, text: nodes[k].exportTrace() });
  };
  nodes.forEach((n) => n.start());
  await waitFor('a leader', () => nodes.some((n) => n.status().role === 'Leader'), 30_000);
  await Promise.all(nodes.map((n, k) => n.put(`first-${k}`, 'a')));
  const leader = nodes.findIndex((n) => n.status().role === 'Leader');
  stopAndExport(leader, 0);
  const survivors = nodes.filter((_, k) => k !== leader);
  await waitFor('a new leader', () => survivors.some((n) => n.status().role === 'Leader'), 30_000);
  for (let i = 0; i < 8; i++) await survivors[i % 2].put(`without-${i}`, 'b');
  nodes[leader] = makeNode(hub, stores[leader], leader, 1);
  if (!nodes[leader].start()) throw new Error('restart refused');
  await nodes[leader].put('back', 'c');
  await waitFor('everyone applied everything', () => new Set(nodes.map((n) => n.status().applied)).size === 1, 30_000);
  nodes.forEach((_, k) => stopAndExport(k, k === leader ? 1 : 0));
  const exported = await Promise.all(exports.map(async ({ name, text }) => ({ name, text: await text })));
  await fs.rm(OUT, { recursive: true, force: true });
  await fs.mkdir(OUT, { recursive: true });
  for (const { name, text } of exported) await fs.writeFile(path.join(OUT, name), text);
  const lines = exported.reduce((s, e) => s + e.text.split('\n').length - 1, 0);
  process.stdout.write(`wrote ${exported.length} traces, ${lines} lines, to ${OUT} (old leader ${ids[leader]})\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
