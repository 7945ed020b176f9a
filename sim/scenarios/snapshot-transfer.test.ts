// Snapshot transfers that outlive compactions: a follower cut off while the cluster keeps writing
// needs a snapshot, sent in many small chunks over a round trip longer than the heartbeat, while
// the leader keeps taking a new snapshot every few entries. The leader must finish each transfer it
// starts (core pins its snapshot), so the follower keeps installing and catching up; a leader that
// restarted the transfer at every compaction left it behind for ever (LivenessCommitCatchUp).

import { scenario } from '.';

describe('snapshot transfers outliving compactions', () => {
  it('a lagging follower keeps installing snapshots while the leader compacts every 3 entries, and liveness holds', () => {
    let installsOnN5 = 0;
    let n5CommitAtHeal = 0;
    const r = scenario({
      nodes: 5,
      seed: 7,
      durationMs: 4_000,
      clients: 4,
      // 15 ms each way against a 10 ms heartbeat; 32-byte chunks: a transfer takes many round trips.
      network: { delay: { minMs: 15, meanMs: 15 } },
      quietAfterMs: 1_500,
      config: { snapshotEveryEntries: 3, raft: { snapshotChunkBytes: 32, heartbeatIntervalTicks: 1 } },
    })
      .observe((node, _input, result) => {
        if (node === 'n5' && result.restore) installsOnN5++;
      })
      .at(300)
      .isolate('n5')
      .at(1_500)
      .heal()
      .do((c) => {
        n5CommitAtHeal = c.view('n5').commitIndex;
        // It needs a snapshot: the leader compacted past everything it has.
        expect(c.view(c.leader()).snapshotIndex).toBeGreaterThan(c.lastIndex('n5'));
      })
      .expect(3_900, (c) => {
        // Far past where it was cut off, within a few transfers of the leader.
        expect(c.view('n5').commitIndex).toBeGreaterThan(n5CommitAtHeal + 20);
      })
      .run();
    expect(r.violation).toBeNull();
    const counts = r.outcome.coverage.counts;
    expect(counts.compactionsDuringTransfer).toBeGreaterThan(0);
    expect(installsOnN5).toBeGreaterThanOrEqual(2);
  });

  it('counts no compaction during a transfer when no follower falls behind', () => {
    const r = scenario({ nodes: 5, seed: 7, durationMs: 2_000, clients: 4, network: { delay: { minMs: 15, meanMs: 15 } }, quietAfterMs: 0, config: { snapshotEveryEntries: 3, raft: { snapshotChunkBytes: 32 } } }).run();
    expect(r.violation).toBeNull();
    expect(r.outcome.coverage.counts.compactions).toBeGreaterThan(20);
    expect(r.outcome.coverage.counts.snapshotInstalls).toBe(0);
    expect(r.outcome.coverage.counts.compactionsDuringTransfer).toBe(0);
  });
});
