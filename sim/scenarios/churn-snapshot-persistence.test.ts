import { quietNetworkPatch } from '../faults';
import { CALM_NETWORK, patchNetworkParams } from '../network/network';
import type { PlantedBug } from '../bugs/types';
import { scenario, type Scenario } from '.';

const put = (key: string, value: string) => ({ kind: 'put' as const, key, value });

describe('churn on an unreliable network', () => {
  it('stays safe and linearizable through leader crashes and partitions on a lossy, duplicating, reordering network', () => {
    const lossy = { dropProbability: 0.1, duplicateProbability: 0.05, reorderProbability: 0.1 };
    let s: Scenario = scenario({ nodes: 5, seed: 21, durationMs: 6_000, clients: 4, network: lossy, quietAfterMs: 3_500 });
    const down: string[] = [];
    for (let t = 300, k = 0; t < 3_400; t += 250, k++) {
      s = s.at(t);
      switch (k % 4) {
        case 0: // lose whoever leads now (if anyone does)
          s = s.do((c) => {
            const l = c.leaderOrNull();
            if (l === null) return;
            down.push(l);
            c.sim.applyFault({ atMs: c.nowMs, kind: 'crash', node: l });
          });
          break;
        case 1:
          s = s.isolate(`n${(k % 5) + 1}`);
          break;
        case 2:
          s = s.heal().do((c) => {
            const back = down.shift();
            if (back) c.sim.applyFault({ atMs: c.nowMs, kind: 'restart', node: back });
          });
          break;
        case 3:
          s = s.partition(['n1', 'n2'], ['n3', 'n4', 'n5']);
          break;
      }
    }
    const r = s
      .at(3_500)
      .heal()
      .restartAll()
      .setNetwork(quietNetworkPatch(patchNetworkParams(CALM_NETWORK, lossy)))
      .expect(5_000, (c) => expect(c.leaderOrNull()).not.toBeNull())
      .run();
    const counts = r.outcome.coverage.counts;
    expect(counts.crashes).toBeGreaterThanOrEqual(3);
    expect(counts.leaderChanges).toBeGreaterThanOrEqual(4);
    expect(counts.drops + counts.duplicates).toBeGreaterThan(0);
    // Clients kept making progress, and all of it is linearizable.
    const completed = r.outcome.history.filter((op) => op.completeMs !== null);
    expect(completed.length).toBeGreaterThan(100);
    expect(completed.some((op) => (op.completeMs as number) > 4_000)).toBe(true);
    expect(r.outcome.linearizability?.verdict).not.toBe('violation');
    expect(r.violation).toBeNull();
  });
});

describe('snapshots', () => {
  it("installs a snapshot on a follower that fell behind the leader's compacted log", () => {
    const r = scenario({ nodes: 3, seed: 4, durationMs: 3_000, config: { snapshotEveryEntries: 20 } })
      .at(600)
      .crash('n3')
      .do((c) => {
        // 100 writes through whoever leads; n3 misses all of them.
        for (let i = 0; i < 10; i++) c.tracker.propose(c.sim, c.leader(), Array.from({ length: 10 }, (_, j) => put(`k${(i * 10 + j) % 7}`, `v${i * 10 + j}`)), `batch${i}`);
      })
      .expect(1_200, (c) => {
        const l = c.leader();
        expect(c.op('batch9[9]').committedMs).not.toBeNull();
        // The leader compacted past everything n3 has, so only a snapshot can catch it up.
        expect(c.view(l).snapshotIndex).toBeGreaterThan(c.lastIndex('n3'));
      })
      .at(1_300)
      .restart('n3')
      .expect(2_500, (c) => {
        const l = c.leader();
        expect(c.view('n3').commitIndex).toBe(c.view(l).commitIndex);
        expect(c.kv('n3')).toEqual(c.kv(l));
        expect(c.kv('n3').k6).toBe('v97');
      })
      .run();
    expect(r.outcome.coverage.counts.snapshotInstalls).toBeGreaterThanOrEqual(1);
    // n3 never applied the writes one by one: they reached it inside the snapshot.
    expect(r.op('batch0[0]').appliedBy.has('n3')).toBe(false);
    expect(r.violation).toBeNull();
  });
});

describe('persistence across full-cluster restarts', () => {
  it('loses no committed write when every node crashes at once, twice', () => {
    const run = fullClusterRestarts();
    expect(run.lost).toEqual([]);
    // Both rounds before a crash committed something that then had to survive it.
    expect(run.written.filter((l) => l.startsWith('round0')).length).toBeGreaterThan(0);
    expect(run.written.filter((l) => l.startsWith('round1')).length).toBeGreaterThan(0);
    expect(run.result.op('round2[4]').committedMs).not.toBeNull();
    expect(run.result.outcome.coverage.counts.crashes).toBe(6);
    expect(run.result.violation).toBeNull();
  });

  it('notices lost writes: nodes that acknowledge writes before fsync lose committed data', () => {
    const run = fullClusterRestarts({ name: 'ack-before-sync', description: 'PersistAck before the disk syncs', caughtBy: [], ackBeforeSync: true });
    // The checker sees it first: a new leader without the committed entries the crash wiped out.
    expect(run.result.violation?.property).toBe('LeaderCompleteness');
  });
});

/**
 * Three rounds of five puts; the whole cluster crashes the moment a round's first write commits,
 * in the first two rounds. Returns the committed writes whose value is missing at the end.
 */
function fullClusterRestarts(bug?: PlantedBug) {
  const written: string[] = [];
  const lost: string[] = [];
  const proposeRound = (s: Scenario, round: number) =>
    s.do((c) => {
      const ops = Array.from({ length: 5 }, (_, j) => put(`r${round}k${j}`, `v${round}.${j}`));
      c.tracker.propose(c.sim, c.leader(), ops, `round${round}`);
    });
  const crashAllOnCommit = (s: Scenario, round: number) =>
    s.when(
      (c) => c.op(`round${round}[0]`).committedMs !== null,
      (c) => {
        written.push(...c.ops.filter((o) => o.committedMs !== null && !written.includes(o.label)).map((o) => o.label));
        for (const node of c.sim.nodeIds) c.sim.applyFault({ atMs: c.nowMs, kind: 'crash', node });
      },
    );
  let s = scenario({ nodes: 3, seed: 9, durationMs: 4_000, bug, config: { snapshotEveryEntries: 8, fsyncMinMs: 4, fsyncMaxMs: 12 } }).at(600);
  s = crashAllOnCommit(proposeRound(s, 0), 0).at(1_000).restartAll().at(1_800);
  s = crashAllOnCommit(proposeRound(s, 1), 1).at(2_200).restartAll().at(3_000);
  const result = proposeRound(s, 2)
    .expect(3_800, (c) => {
      const l = c.leader();
      for (const label of written) {
        const op = c.op(label).op;
        if (op.kind === 'put' && c.kv(l)[op.key] !== op.value) lost.push(label);
      }
      if (lost.length === 0) for (const id of c.sim.nodeIds) expect(c.kv(id)).toEqual(c.kv(l));
    })
    .run();
  return { result, written, lost };
}
