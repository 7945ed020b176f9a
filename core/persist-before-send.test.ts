// §5.1 / Figure 2 "persistent state ... updated on stable storage before responding to RPCs", and
// dissertation §10.2.1 (the leader's own log counts toward commit only once it is durable).

import { TestCluster } from './testing/cluster';
import { DurabilityMonitor } from './testing/monitors';
import { appendRequest, configFor, receive, voteRequest } from './testing/fixtures';
import type { Input, NodeId, Output } from './types';
import { initialState } from './state';
import { step } from './step';

/** A run with writes acknowledged late and in varying order, so responses are often held. */
function laggyRun(cluster: TestCluster, rounds: number): void {
  let k = 0;
  for (let r = 0; r < rounds; r++) {
    cluster.tickAll();
    cluster.deliverAll(50);
    const leader = cluster.leaders()[0];
    if (leader !== undefined && r % 3 === 0) cluster.propose(leader, `v${r}`);
    // Storage catches up on one node at a time, so every node spends time with writes in flight.
    cluster.sync(cluster.ids[k++ % cluster.ids.length]);
    cluster.deliverAll(50);
  }
}

/**
 * The planted bug: storage that acknowledges every write at once without making it durable, so
 * core releases its held responses while nothing backs them. The monitors must notice.
 */
class LyingStorageCluster extends TestCluster {
  override input(id: NodeId, input: Input): Output {
    let output = super.input(id, input);
    // Acknowledging may itself cause writes (a released vote makes a leader, which appends).
    for (let s = this.state(id); s.persistSeq > s.durableSeq; s = this.state(id)) {
      const released = super.input(id, { type: 'PersistAck', seq: s.persistSeq });
      output = { ...output, messages: [...output.messages, ...released.messages], apply: [...output.apply, ...released.apply] };
    }
    return output;
  }
}

describe('§5.1 persist before send (Figure 2: "updated on stable storage before responding")', () => {
  it('no granted vote, AppendEntriesResponse or InstallSnapshotResponse leaves before its write is acknowledged', () => {
    const cluster = new TestCluster({ size: 3, autoSync: false, config: { snapshotChunkBytes: 4 } });
    const monitor = new DurabilityMonitor(cluster);
    laggyRun(cluster, 150);
    expect(monitor.violations).toEqual([]);
    // The run must have exercised the rule, or an empty violation list proves nothing.
    expect(monitor.checked).toBeGreaterThan(20);
    expect(cluster.leaders()).toHaveLength(1);
  });

  it('planted bug: a node that answers before its write is durable is caught by the same monitor', () => {
    const cluster = new LyingStorageCluster({ size: 3, autoSync: false });
    const monitor = new DurabilityMonitor(cluster);
    laggyRun(cluster, 60);
    expect(monitor.violations.length).toBeGreaterThan(0);
  });

  it('a granted vote is held until PersistAck of the vote, then released', () => {
    const voter = initialState(configFor('n2', 3));
    const r = step(voter, receive(voteRequest({ from: 'n1', to: 'n2', term: 1, lastLogIndex: 0, lastLogTerm: 0 })));
    expect(r.output.persist).toMatchObject({ term: 1, votedFor: 'n1' });
    expect(r.output.messages).toEqual([]);
    const acked = step(r.state, { type: 'PersistAck', seq: (r.output.persist as { seq: number }).seq });
    expect(acked.output.messages).toEqual([expect.objectContaining({ type: 'RequestVoteResponse', to: 'n1', granted: true, term: 1 })]);
  });

  it('an AppendEntriesResponse is held until the appended entries are acknowledged', () => {
    const follower = initialState(configFor('n2', 3));
    const m = appendRequest({ from: 'n1', to: 'n2', term: 1, entries: [{ term: 1, type: 'Noop', data: '' }] });
    const r = step(follower, receive(m));
    expect(r.output.persist).toMatchObject({ appendFrom: 1, entries: [{ term: 1 }] });
    expect(r.output.messages).toEqual([]);
    // An ack of an older record releases nothing.
    const early = step(r.state, { type: 'PersistAck', seq: (r.output.persist as { seq: number }).seq - 1 });
    expect(early.output.messages).toEqual([]);
    const acked = step(early.state, { type: 'PersistAck', seq: (r.output.persist as { seq: number }).seq });
    expect(acked.output.messages).toEqual([expect.objectContaining({ type: 'AppendEntriesResponse', success: true, matchIndex: 1 })]);
  });

  it('an InstallSnapshotResponse is held until the snapshot is acknowledged', () => {
    const follower = initialState(configFor('n2', 3));
    const r = step(follower, receive({
      type: 'InstallSnapshotRequest', cluster: 'test', from: 'n1', to: 'n2', term: 2, lastIncludedIndex: 5, lastIncludedTerm: 2,
      lastIncludedConfig: { voters: ['n1', 'n2', 'n3'] }, offset: 0, data: 'snap', done: true, round: 1,
    }));
    expect(r.output.persist?.snapshot).toMatchObject({ index: 5, term: 2, data: 'snap' });
    expect(r.output.messages).toEqual([]);
    const acked = step(r.state, { type: 'PersistAck', seq: (r.output.persist as { seq: number }).seq });
    expect(acked.output.messages).toEqual([expect.objectContaining({ type: 'InstallSnapshotResponse', installed: true, lastIncludedIndex: 5 })]);
  });
});

describe('§10.2.1 own vote and own log count only once durable', () => {
  it('a single-node cluster does not become leader before its own vote is acknowledged', () => {
    const cluster = new TestCluster({ size: 1, autoSync: false });
    for (let t = 0; t < 40 && cluster.state('n1').role !== 'Candidate'; t++) cluster.tick('n1');
    expect(cluster.state('n1').role).toBe('Candidate');
    // Time passes, nothing is durable: still not leader.
    cluster.tickAll(3);
    expect(cluster.state('n1').role).toBe('Candidate');
    cluster.sync('n1');
    expect(cluster.state('n1').role).toBe('Leader');
  });

  it('a single-node leader commits nothing (its no-op, a proposal) before the write is acknowledged', () => {
    const cluster = new TestCluster({ size: 1, autoSync: false });
    for (let t = 0; t < 40 && cluster.state('n1').role !== 'Candidate'; t++) cluster.tick('n1');
    cluster.sync('n1');
    expect(cluster.state('n1').role).toBe('Leader');
    expect(cluster.state('n1').commitIndex).toBe(0);
    cluster.propose('n1', 'x');
    cluster.tickAll(3);
    expect(cluster.state('n1').commitIndex).toBe(0);
    expect(cluster.node('n1').applied).toEqual([]);
    cluster.sync('n1');
    expect(cluster.state('n1').commitIndex).toBe(2);
    expect(cluster.node('n1').applied.map((a) => a.entry.data)).toEqual(['', 'x']);
  });

  it('a leader with one durable follower out of three still needs its own write acknowledged', () => {
    // Five nodes: the leader plus two followers make a majority, so the leader's own copy matters.
    const cluster = new TestCluster({ size: 5, autoSync: true });
    const leader = cluster.electLeader();
    cluster.deliverAll();
    cluster.autoSync = false;
    const followers = cluster.ids.filter((id) => id !== leader);
    // Only two followers are reachable and durable: with the leader's own copy that is a majority.
    cluster.linkFilter = (m) => ![followers[2], followers[3]].includes(m.to) && ![followers[2], followers[3]].includes(m.from);
    const before = cluster.state(leader).commitIndex;
    cluster.propose(leader, 'y');
    for (let r = 0; r < 4; r++) {
      cluster.deliverAll();
      cluster.sync(followers[0]);
      cluster.sync(followers[1]);
    }
    expect(cluster.state(leader).commitIndex).toBe(before);
    cluster.sync(leader);
    expect(cluster.state(leader).commitIndex).toBe(before + 1);
  });

  it('planted bug: with storage that acks without writing, the single node leads and commits with nothing durable', () => {
    const cluster = new LyingStorageCluster({ size: 1, autoSync: false });
    for (let t = 0; t < 40 && cluster.state('n1').role !== 'Leader'; t++) cluster.tick('n1');
    // Without the hold, the node is leader and has committed with nothing durable at all.
    expect(cluster.state('n1').role).toBe('Leader');
    expect(cluster.node('n1').durable.entries).toEqual([]);
    expect(cluster.state('n1').commitIndex).toBeGreaterThan(0);
  });
});
