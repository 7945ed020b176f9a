// workload.snapshotSpread: nodes compact on schedules of their own (node k of n every
// snapshotEveryEntries × (1 + k(spread − 1)/(n − 1)) applied entries), so that a new leader may have
// compacted less than the snapshot its predecessor was streaming. Spread 1 (the default) is every
// node alike, as before the option existed.

import { makeSimConfig, type SimConfig } from '../config';
import { runSeed } from '../run-seed';
import { MemoryTrace } from '../../trace/sink';

function compactionsPerNode(spread: number | undefined): Map<string, { count: number; indexes: number[] }> {
  const base = makeSimConfig({ seed: 1, nodes: 3, durationMs: 3_000, faults: 'none', snapshotEveryEntries: 5 });
  const config: SimConfig = spread === undefined ? base : { ...base, workload: { ...base.workload, snapshotSpread: spread } };
  const trace = new MemoryTrace(true);
  expect(runSeed(config, { trace }).violation).toBeNull();
  const per = new Map<string, { count: number; indexes: number[] }>();
  for (const text of trace.text) {
    const l = JSON.parse(text) as { ev?: string; node?: string; input?: string; state?: { snapshotIndex?: number } };
    if (l.ev !== 'Step' || l.input !== 'Snapshot' || l.node === undefined) continue;
    const e = per.get(l.node) ?? { count: 0, indexes: [] };
    e.count++;
    e.indexes.push(l.state?.snapshotIndex ?? -1);
    per.set(l.node, e);
  }
  return per;
}

describe('snapshotSpread', () => {
  it('spreads the nodes\' snapshot intervals from every to spread × every', () => {
    const per = compactionsPerNode(4);
    const [n1, n2, n3] = ['n1', 'n2', 'n3'].map((id) => per.get(id)!);
    // Intervals 5, 13 and 20 entries: each node compacts about every / interval times as often.
    expect(n1.count).toBeGreaterThan(2 * n2.count);
    expect(n2.count).toBeGreaterThan(n3.count);
    const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]);
    expect(Math.min(...gaps(n3.indexes))).toBeGreaterThanOrEqual(20);
    expect(Math.min(...gaps(n1.indexes))).toBeGreaterThanOrEqual(5);
    expect(Math.min(...gaps(n1.indexes))).toBeLessThan(13);
  });

  it('spread 1 is every node alike, the same run as without the option', () => {
    const alike = compactionsPerNode(1);
    const counts = [...alike.values()].map((e) => e.count);
    // Within a few compactions of each other (a follower that installs a snapshot restarts its count).
    expect(Math.max(...counts) / Math.min(...counts)).toBeLessThan(1.25);
    expect(compactionsPerNode(undefined)).toEqual(alike);
  });
});
