// §6.4 linearizable reads: ReadIndex, follower reads, and lease reads (§6.4.1).

import { TestCluster } from './testing/cluster';
import { ConfigError, makeConfig } from './config';
import type { Message, RaftConfig } from './types';

function stable(config: Partial<RaftConfig> = {}, size = 3): { cluster: TestCluster; leader: string; followers: string[] } {
  const cluster = new TestCluster({ size, config });
  const leader = cluster.electLeader();
  for (let t = 0; t < 3; t++) {
    cluster.tickAll();
    cluster.deliverAll();
  }
  return { cluster, leader, followers: cluster.ids.filter((id) => id !== leader) };
}

/** Delivers queued messages one at a time, in order, `count` of them. */
function deliverSome(cluster: TestCluster, count: number, accept: (m: Message) => boolean = () => true): void {
  for (let k = 0; k < count; k++) {
    const i = cluster.queue.findIndex(accept);
    if (i < 0) return;
    const [m] = cluster.queue.splice(i, 1);
    cluster.input(m.to, { type: 'Receive', message: m });
  }
}

describe('§6.4 ReadIndex on the leader', () => {
  it('is answered only after a heartbeat round is acknowledged by a majority', () => {
    const { cluster, leader, followers } = stable({}, 5);
    const out = cluster.input(leader, { type: 'Read', requestId: 'r1' });
    expect(out.reads).toEqual([]);
    const round = cluster.state(leader).leader?.round;
    const heartbeats = cluster.queue.filter((m) => m.type === 'AppendEntriesRequest' && m.round === round);
    expect(heartbeats).toHaveLength(4);
    // Every follower receives the heartbeat; responses come back one at a time.
    cluster.queue = [...heartbeats];
    for (const m of heartbeats) cluster.input(m.to, { type: 'Receive', message: m });
    const responses = cluster.queue.filter((m) => m.type === 'AppendEntriesResponse');
    cluster.queue = [];
    cluster.input(leader, { type: 'Receive', message: responses[0] });
    expect(cluster.node(leader).reads).toEqual([]);
    // Leader + two followers = 3 of 5.
    cluster.input(leader, { type: 'Receive', message: responses[1] });
    expect(cluster.node(leader).reads).toEqual([{ requestId: 'r1', index: cluster.state(leader).commitIndex }]);
    expect(followers).toHaveLength(4);
  });

  it('waits until the new leader has committed an entry of its own term', () => {
    const cluster = new TestCluster({ size: 3 });
    // Heartbeats flow, but the new leader's no-op never arrives anywhere.
    cluster.linkFilter = (m) => !(m.type === 'AppendEntriesRequest' && m.entries.length > 0);
    const leader = cluster.electLeader();
    cluster.input(leader, { type: 'Read', requestId: 'early' });
    for (let t = 0; t < 5; t++) {
      cluster.tick(leader);
      cluster.deliverAll();
    }
    expect(cluster.state(leader).role).toBe('Leader');
    expect(cluster.node(leader).reads).toEqual([]);
    cluster.healAll();
    for (let t = 0; t < 5; t++) {
      cluster.tickAll();
      cluster.deliverAll();
    }
    const reads = cluster.node(leader).reads;
    expect(reads.map((r) => r.requestId)).toEqual(['early']);
    expect(reads[0].index).toBeGreaterThanOrEqual(1);
    expect(cluster.state(leader).commitIndex).toBe(1);
  });

  it('a partitioned old leader cannot answer, and fails the read when it steps down', () => {
    const { cluster, leader } = stable();
    cluster.isolate(leader);
    cluster.input(leader, { type: 'Read', requestId: 'stale?' });
    for (let t = 0; t < 40; t++) {
      cluster.tickAll();
      cluster.deliverAll();
    }
    expect(cluster.node(leader).reads).toEqual([]);
    expect(cluster.node(leader).errors).toContainEqual(expect.objectContaining({ type: 'ReadFailed', requestId: 'stale?', reason: 'LeadershipLost' }));
    expect(cluster.leaders().filter((id) => id !== leader)).toHaveLength(1);
  });

  it('a read on a node that knows no leader fails with NotLeader', () => {
    const cluster = new TestCluster({ size: 3 });
    const out = cluster.input('n1', { type: 'Read', requestId: 'r' });
    expect(out.errors).toEqual([{ type: 'ReadFailed', requestId: 'r', reason: 'NotLeader', leaderHint: null }]);
  });
});

describe('§6.4 follower reads: ReadIndexRequest → leader → ReadIndexResponse', () => {
  it('the read is emitted once the follower has applied up to the leader\'s read index', () => {
    const { cluster, leader, followers } = stable();
    const [slow, fast] = followers;
    // The slow follower receives no new entries; the fast one lets the leader commit.
    cluster.linkFilter = (m) => !(m.type === 'AppendEntriesRequest' && m.to === slow && m.entries.length > 0);
    cluster.propose(leader, 'v1');
    cluster.deliverAll();
    cluster.tick(leader);
    cluster.deliverAll();
    const readIndex = cluster.state(leader).commitIndex;
    expect(cluster.state(slow).appliedIndex).toBeLessThan(readIndex);
    cluster.recordSent = true;
    cluster.input(slow, { type: 'Read', requestId: 'fr' });
    cluster.deliverAll();
    expect(cluster.sentLog.map((m) => m.type)).toEqual(expect.arrayContaining(['ReadIndexRequest', 'ReadIndexResponse']));
    expect(cluster.sentLog.find((m) => m.type === 'ReadIndexResponse')).toMatchObject({ readIndex });
    expect(cluster.node(slow).reads).toEqual([]);
    cluster.healAll();
    cluster.propose(leader, 'v2');
    for (let t = 0; t < 3; t++) {
      cluster.tickAll();
      cluster.deliverAll();
    }
    expect(cluster.node(slow).reads).toEqual([{ requestId: 'fr', index: readIndex }]);
    expect(fast).toBeDefined();
  });

  it('a ReadIndexRequest reaching a non-leader gets readIndex -1, and the follower reports ReadFailed', () => {
    const { cluster, followers } = stable();
    const [a, b] = followers;
    cluster.input(a, { type: 'Receive', message: { type: 'ReadIndexRequest', cluster: 'test', from: b, to: a, term: cluster.state(a).term, requestId: 'x' } });
    const response = cluster.queue.find((m) => m.type === 'ReadIndexResponse');
    expect(response).toMatchObject({ readIndex: -1, to: b });
    deliverSome(cluster, 1, (m) => m === response);
    expect(cluster.node(b).errors).toContainEqual(expect.objectContaining({ type: 'ReadFailed', requestId: 'x' }));
  });
});

describe('§6.4.1 lease reads', () => {
  it('leaseRead requires checkQuorum (ConfigError otherwise)', () => {
    expect(() => makeConfig({ clusterId: 't', id: 'n1', cluster: { voters: ['n1'] }, seed: 1, leaseRead: true, checkQuorum: false })).toThrow(ConfigError);
    expect(() => makeConfig({ clusterId: 't', id: 'n1', cluster: { voters: ['n1'] }, seed: 1, leaseRead: true })).not.toThrow();
  });

  it('inside the lease the leader answers at once, without a heartbeat round', () => {
    const { cluster, leader } = stable({ leaseRead: true });
    const roundBefore = cluster.state(leader).leader?.round;
    const out = cluster.input(leader, { type: 'Read', requestId: 'lease' });
    expect(out.reads).toEqual([{ requestId: 'lease', index: cluster.state(leader).commitIndex }]);
    expect(out.messages).toEqual([]);
    expect(cluster.state(leader).leader?.round).toBe(roundBefore);
  });

  it('once the lease has run out (no acknowledgements), it falls back to a round', () => {
    const { cluster, leader } = stable({ leaseRead: true, checkQuorum: true, electionTimeoutTicks: 20 });
    cluster.isolate(leader);
    for (let t = 0; t < 19; t++) cluster.tick(leader);
    expect(cluster.state(leader).role).toBe('Leader');
    const out = cluster.input(leader, { type: 'Read', requestId: 'late' });
    expect(out.reads).toEqual([]);
  });

  it('no lease read after the leader has handed over with TimeoutNow: the new leader may already have written', () => {
    // Followers ignore their lease for a transfer election, so the old leader's lease is void
    // the moment it sends TimeoutNow.
    const { cluster, leader, followers } = stable({ leaseRead: true });
    const [target, other] = followers;
    cluster.input(leader, { type: 'TransferLeadership', to: target });
    // The old leader is cut off right after TimeoutNow leaves.
    const timeoutNow = cluster.queue.filter((m) => m.type === 'TimeoutNowRequest');
    expect(timeoutNow).toHaveLength(1);
    cluster.isolate(leader);
    cluster.queue = timeoutNow;
    cluster.input(target, { type: 'Receive', message: timeoutNow[0] });
    cluster.deliverAll();
    expect(cluster.state(target).role).toBe('Leader');
    cluster.propose(target, 'new-write');
    cluster.deliverAll();
    cluster.tick(target);
    cluster.deliverAll();
    const written = cluster.state(target).commitIndex;
    expect(cluster.state(other).commitIndex).toBe(written);
    // The old leader, still inside its lease by its own clock, is asked to read.
    const out = cluster.input(leader, { type: 'Read', requestId: 'after-transfer' });
    const served = out.reads.find((r) => r.requestId === 'after-transfer');
    // Serving it at the old commit index would miss 'new-write': not linearizable.
    expect(served === undefined || served.index >= written).toBe(true);
  });
});
