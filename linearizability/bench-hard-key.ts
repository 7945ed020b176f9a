/**
 * Benchmark: time to the verdict on a 50-key history with one hard key.
 *
 *   node -r ts-node/register/transpile-only linearizability/bench-hard-key.ts [--scenario hard-key|many-hard] [--repeats N] [--checker DIR] [--write FILE]
 *
 * 49 easy keys (10 clients spread over them) and one hot key ('a-hot', which
 * sorts first) that 20 clients hammer at once: about 20 overlapping ops at
 * every instant, which no Wing–Gong–Lowe search decides within its budget.
 * One read on an easy key is made to return a value nobody wrote, so the
 * history is not linearisable, and a checker that looks at every partition
 * before answering, or that finishes the hot key first, takes as long as the
 * hot key's whole budget.
 *
 * Runs each available entry point A B A B ... and prints medians:
 * `checkLinearizability` (sync, the simulator's), and, when the checker has
 * them, `checkHistorySync` and `checkHistory` (worker threads). `--checker DIR`
 * points at another copy of linearizability (e.g. an older commit's) to
 * compare with the same command; `--write FILE` saves the history as JSON.
 * This file measures wall time for humans, which is why it reads the clock.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateLinearizableHistory } from './synthetic-history';
import type { HistoryOp } from './history';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

/**
 * `--scenario many-hard`: four keys with 10 busy clients and a few timeouts
 * each, linearisable and decidable but millions of steps apiece, so the
 * check is all search and worker threads can share it.
 */
export function manyHardKeysHistory(): HistoryOp[] {
  const history: HistoryOp[] = [];
  for (let k = 0; k < 4; k++) {
    for (const h of generateLinearizableHistory({ seed: 1, ops: 1000, clients: 10, keys: 1, unknownRate: 0.05 })) {
      history.push({ ...h, id: history.length, client: `k${k}-${h.client}`, op: { ...h.op, key: `k${k}` } });
    }
  }
  return history;
}

export function hardKeyHistory(): { history: HistoryOp[]; plantedId: number } {
  const easy = generateLinearizableHistory({ seed: 'easy', ops: 5000, clients: 10, keys: 49, unknownRate: 0.01 });
  const hot = generateLinearizableHistory({ seed: 'hot', ops: 300, clients: 20, keys: 1, unknownRate: 0 });
  const history: HistoryOp[] = [...easy];
  for (const h of hot) history.push({ ...h, id: h.id + easy.length, client: `hot-${h.client}`, op: { ...h.op, key: 'a-hot' } });
  history.sort((a, b) => a.invokeMs - b.invokeMs || a.id - b.id);
  const victim = easy.find((h, i) => i > 4000 && h.op.kind === 'get' && h.completeMs !== null)!;
  victim.result = { kind: 'value', value: 'never-written' };
  return { history, plantedId: victim.id };
}

interface Outcome {
  verdict: string;
  violatingKeys: string[];
}
type Entry = { name: string; run: (h: HistoryOp[]) => Outcome | Promise<Outcome> };

async function main(): Promise<void> {
  const dir = resolve(argValue('--checker') ?? __dirname);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const checker = require(dir) as Record<string, (...args: unknown[]) => Outcome | Promise<Outcome>>;
  const scenario = argValue('--scenario') ?? 'hard-key';
  const { history, plantedId } = scenario === 'many-hard' ? { history: manyHardKeysHistory(), plantedId: undefined } : hardKeyHistory();
  const write = argValue('--write');
  if (write !== undefined) writeFileSync(write, JSON.stringify(history));
  const repeats = Number(argValue('--repeats') ?? 3);
  const entries: Entry[] = [{ name: 'checkLinearizability (sync)', run: (h) => checker.checkLinearizability(h) }];
  if (checker.checkHistorySync !== undefined) entries.push({ name: 'checkHistorySync(kv)', run: (h) => checker.checkHistorySync(h, checker.kvModel) });
  if (checker.checkHistory !== undefined) entries.push({ name: 'checkHistory(kv) (workers)', run: (h) => checker.checkHistory(h, checker.kvModel) });
  console.log(`node ${process.version}, checker ${dir}`);
  const keys = new Set(history.map((h) => h.op.key)).size;
  console.log(`scenario ${scenario}: ${history.length} ops on ${keys} keys; ${plantedId === undefined ? 'linearisable' : `planted violation: op ${plantedId}`}`);
  const times = new Map<string, number[]>(entries.map((e) => [e.name, []]));
  for (let r = 0; r < repeats; r++) {
    for (const e of entries) {
      const t0 = performance.now();
      const out = await e.run(history);
      const ms = performance.now() - t0;
      times.get(e.name)!.push(ms);
      const threads = (out as { workerThreads?: number }).workerThreads;
      console.log(`  run ${r + 1} ${e.name}: ${ms.toFixed(0)} ms, verdict ${out.verdict}, violating ${out.violatingKeys.join(',') || '-'}${threads ? `, ${threads} worker threads` : ''}`);
    }
  }
  for (const [name, ts] of times) {
    const sorted = [...ts].sort((a, b) => a - b);
    console.log(`median ${name}: ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms over ${ts.length} runs`);
  }
}

if (require.main === module) void main();
