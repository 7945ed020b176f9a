// Batching, pipelining and flow control (dissertation §10.2.1 and etcd's Progress), plus the
// liveness of replication when AppendEntries messages are lost.

import { TestCluster } from './testing/cluster';
import { messagesOfType } from './testing/fixtures';
import type { Message } from './types';

function stableCluster(config: ConstructorParameters<typeof TestCluster>[0] = {}): { cluster: TestCluster; leader: string } {
  const cluster = new TestCluster({ size: 3, ...config });
  const leader = cluster.electLeader();
  for (let t = 0; t < 3; t++) {
    cluster.tickAll();
    cluster.deliverAll();
  }
  return { cluster, leader };
}

const appendsWithEntries = (messages: readonly Message[], to: string) =>
  messagesOfType(messages, 'AppendEntriesRequest').filter((m) => m.to === to && m.entries.length > 0);

describe('batching: many entries per AppendEntries, bounded by maxEntriesPerAppend / maxBytesPerAppend', () => {
  it('a proposal of 100 entries travels in batches of at most maxEntriesPerAppend', () => {
    const { cluster, leader } = stableCluster({ config: { maxEntriesPerAppend: 16 } });
    const follower = cluster.ids.find((id) => id !== leader) as string;
    cluster.recordSent = true;
    cluster.propose(leader, ...Array.from({ length: 100 }, (_, k) => `e${k}`));
    cluster.deliverAll();
    const sizes = appendsWithEntries(cluster.sentLog, follower).map((m) => m.entries.length);
    expect(Math.max(...sizes)).toBe(16);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100);
    expect(cluster.state(leader).commitIndex).toBe(101);
  });

  it('maxBytesPerAppend caps a batch (but a single large entry still goes out alone)', () => {
    const { cluster, leader } = stableCluster({ config: { maxBytesPerAppend: 50 } });
    const follower = cluster.ids.find((id) => id !== leader) as string;
    cluster.recordSent = true;
    cluster.propose(leader, ...Array.from({ length: 20 }, () => 'x'.repeat(10)), 'y'.repeat(200));
    cluster.deliverAll();
    for (const m of appendsWithEntries(cluster.sentLog, follower)) {
      const bytes = m.entries.reduce((a, e) => a + e.data.length, 0);
      expect(bytes <= 50 || m.entries.length === 1).toBe(true);
    }
    expect(cluster.state(leader).commitIndex).toBe(22);
  });
});

describe('pipelining: in-flight AppendEntries per follower bounded by maxInflightAppends / maxInflightBytes', () => {
  it('in Replicate mode at most maxInflightAppends messages are outstanding, then the leader waits', () => {
    const { cluster, leader } = stableCluster({ config: { maxInflightAppends: 3 } });
    const follower = cluster.ids.find((id) => id !== leader) as string;
    expect(cluster.state(leader).leader?.progress[follower].mode).toBe('Replicate');
    cluster.recordSent = true;
    for (let k = 0; k < 10; k++) cluster.propose(leader, `p${k}`);
    // Nothing delivered yet: only three appends may be on the wire to this follower.
    expect(appendsWithEntries(cluster.sentLog, follower)).toHaveLength(3);
    expect(cluster.state(leader).leader?.progress[follower].inflight).toHaveLength(3);
    cluster.deliverAll();
    expect(cluster.state(leader).commitIndex).toBe(11);
    expect(cluster.state(leader).leader?.progress[follower].inflight).toHaveLength(0);
  });

  it('in-flight bytes stop new sends once maxInflightBytes is reached (at most one message beyond it)', () => {
    const { cluster, leader } = stableCluster({ config: { maxInflightBytes: 100 } });
    const follower = cluster.ids.find((id) => id !== leader) as string;
    cluster.recordSent = true;
    for (let k = 0; k < 10; k++) cluster.propose(leader, 'z'.repeat(40));
    const sent = appendsWithEntries(cluster.sentLog, follower);
    const bytes = sent.reduce((a, m) => a + m.entries.reduce((b, e) => b + e.data.length, 0), 0);
    expect(sent.length).toBeLessThan(10);
    expect(bytes).toBeLessThanOrEqual(100 + 40);
    expect(cluster.state(leader).leader?.progress[follower].inflightBytes).toBe(bytes);
    cluster.deliverAll();
    expect(cluster.state(leader).commitIndex).toBe(11);
  });
});

describe('probe vs replicate (state.leader.progress)', () => {
  /** A leader whose first probes were lost: its progress is still in Probe mode. */
  function leaderStillProbing(): { cluster: TestCluster; leader: string; follower: string } {
    const cluster = new TestCluster({ size: 3 });
    cluster.linkFilter = (m) => m.type !== 'AppendEntriesRequest';
    const leader = cluster.electLeader();
    cluster.healAll();
    return { cluster, leader, follower: cluster.ids.find((id) => id !== leader) as string };
  }

  it('a new leader probes; one success switches to Replicate; a rejection switches back to Probe', () => {
    const { cluster, leader, follower } = leaderStillProbing();
    expect(cluster.state(leader).leader?.progress[follower]).toMatchObject({ mode: 'Probe', probeSent: true });
    cluster.tick(leader);
    cluster.deliverAll();
    expect(cluster.state(leader).leader?.progress[follower]).toMatchObject({ mode: 'Replicate', match: 1 });
    // One append to the follower is lost; the next one is rejected, and the leader probes again.
    cluster.linkFilter = (m) => !(m.type === 'AppendEntriesRequest' && m.to === follower);
    cluster.propose(leader, 'lost');
    cluster.healAll();
    cluster.recordSent = true;
    cluster.propose(leader, 'next');
    cluster.deliverAll(1);
    const rejection = cluster.queue.find((m) => m.type === 'AppendEntriesResponse' && m.from === follower);
    expect(rejection).toMatchObject({ success: false, conflictIndex: 2 });
    cluster.queue = cluster.queue.filter((m) => m !== rejection);
    cluster.input(leader, { type: 'Receive', message: rejection as Message });
    expect(cluster.state(leader).leader?.progress[follower]).toMatchObject({ mode: 'Probe', next: 2 });
    cluster.deliverAll();
    expect(cluster.state(leader).leader?.progress[follower]).toMatchObject({ mode: 'Replicate', match: 3 });
  });

  it('in Probe mode nothing more is sent while a probe is outstanding; the heartbeat re-arms it', () => {
    const { cluster, leader, follower } = leaderStillProbing();
    cluster.recordSent = true;
    for (let k = 0; k < 5; k++) cluster.propose(leader, `q${k}`);
    expect(cluster.state(leader).leader?.progress[follower].mode).toBe('Probe');
    expect(appendsWithEntries(cluster.sentLog, follower)).toHaveLength(0);
    cluster.tick(leader);
    cluster.deliverAll();
    expect(cluster.state(leader).commitIndex).toBe(6);
  });
});

describe('§10.2.1 uncommitted bound: proposals beyond maxUncommittedBytes are dropped', () => {
  it('drops with ProposalDropped UncommittedBound while entries are uncommitted, accepts again after commit', () => {
    const { cluster, leader } = stableCluster({ config: { maxUncommittedBytes: 100 } });
    for (const id of cluster.ids) if (id !== leader) cluster.isolate(id);
    expect(cluster.propose(leader, 'a'.repeat(60)).errors).toEqual([]);
    const dropped = cluster.propose(leader, 'b'.repeat(60));
    expect(dropped.errors).toEqual([{ type: 'ProposalDropped', requestId: `p${'b'.repeat(60)}`, reason: 'UncommittedBound' }]);
    expect(dropped.proposed).toEqual([]);
    cluster.healAll();
    cluster.tickAll();
    cluster.deliverAll();
    cluster.propose(leader, 'c');
    cluster.deliverAll();
    expect(cluster.propose(leader, 'd'.repeat(60)).errors).toEqual([]);
  });
});

describe('replication liveness when AppendEntries are lost', () => {
  // The simulator drops messages; a leader must eventually resend what was lost, even if no new
  // proposal arrives to push the pipeline forward.
  it('a single lost AppendEntries (to every follower) is resent: the entry commits without further proposals', () => {
    const { cluster, leader } = stableCluster();
    cluster.linkFilter = (m) => !(m.type === 'AppendEntriesRequest' && m.entries.length > 0);
    cluster.propose(leader, 'lost-once');
    cluster.healAll();
    for (let t = 0; t < 60; t++) {
      cluster.tickAll();
      cluster.deliverAll();
    }
    expect(cluster.state(leader).role).toBe('Leader');
    expect(cluster.state(leader).commitIndex).toBe(2);
  });

  it('a lost append is re-sent even when every answer arrives after the next heartbeat (round trip > heartbeat interval)', () => {
    const { cluster, leader } = stableCluster();
    const follower = cluster.ids.find((id) => id !== leader) as string;
    cluster.linkFilter = (m) => !(m.type === 'AppendEntriesRequest' && m.to === follower && m.entries.length > 0);
    cluster.propose(leader, 'lost');
    cluster.healAll();
    expect(cluster.state(leader).leader?.progress[follower].mode).toBe('Replicate');
    const receive = (m: Message) => cluster.input(m.to, { type: 'Receive', message: m });
    // Each tick opens a new heartbeat round; the answers to the messages of a round reach the
    // leader only after the next tick, so no answer ever belongs to the newest round.
    let late: Message[] = [];
    for (let t = 0; t < 20 && cluster.state(follower).commitIndex < 2; t++) {
      cluster.tick(leader);
      const answers = late;
      late = [];
      const requests = cluster.queue;
      cluster.queue = [];
      for (const m of answers) receive(m);
      for (const m of [...requests, ...cluster.queue.splice(0)]) receive(m);
      late = cluster.queue.splice(0);
    }
    expect(cluster.state(leader).role).toBe('Leader');
    expect(cluster.state(leader).commitIndex).toBe(2);
    expect(cluster.state(follower).commitIndex).toBe(2);
  });

  it('losing maxInflightAppends appends does not wedge the follower forever', () => {
    const { cluster, leader } = stableCluster({ config: { maxInflightAppends: 2 } });
    cluster.linkFilter = (m) => !(m.type === 'AppendEntriesRequest' && m.entries.length > 0);
    cluster.propose(leader, 'l1');
    cluster.propose(leader, 'l2');
    cluster.healAll();
    for (let k = 0; k < 5; k++) cluster.propose(leader, `after${k}`);
    for (let t = 0; t < 60; t++) {
      cluster.tickAll();
      cluster.deliverAll();
    }
    expect(cluster.state(leader).commitIndex).toBe(8);
  });
});
