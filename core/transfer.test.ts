// Dissertation §3.10 leadership transfer.

import { TestCluster } from './testing/cluster';
import { lastIndex } from './log';

function stable(): { cluster: TestCluster; leader: string; followers: string[] } {
  const cluster = new TestCluster({ size: 3 });
  const leader = cluster.electLeader();
  for (let t = 0; t < 3; t++) {
    cluster.tickAll();
    cluster.deliverAll();
  }
  return { cluster, leader, followers: cluster.ids.filter((id) => id !== leader) };
}

describe('§3.10 leadership transfer', () => {
  it('brings a lagging target up to date first, then sends TimeoutNow, and the target wins', () => {
    const { cluster, leader, followers } = stable();
    const [target] = followers;
    cluster.linkFilter = (m) => !(m.type === 'AppendEntriesRequest' && m.to === target && m.entries.length > 0);
    for (let k = 0; k < 5; k++) cluster.propose(leader, `w${k}`);
    cluster.deliverAll();
    cluster.healAll();
    cluster.recordSent = true;
    // Every TimeoutNow the leader sends must find the target fully matched.
    const matchWhenSent: number[] = [];
    const inner = cluster.input.bind(cluster);
    cluster.input = (id, input) => {
      const out = inner(id, input);
      if (out.messages.some((m) => m.type === 'TimeoutNowRequest')) {
        const s = cluster.state(id);
        matchWhenSent.push((s.leader?.progress[target].match ?? -1) - lastIndex(s.log));
      }
      return out;
    };
    cluster.input(leader, { type: 'TransferLeadership', to: target });
    for (let t = 0; t < 10 && cluster.state(target).role !== 'Leader'; t++) {
      cluster.deliverAll();
      cluster.tickAll();
    }
    expect(matchWhenSent).toEqual([0]);
    expect(cluster.state(target).role).toBe('Leader');
    expect(cluster.state(leader).role).toBe('Follower');
    const election = cluster.sentLog.filter((m) => m.type === 'RequestVoteRequest' && m.from === target);
    expect(election.length).toBeGreaterThan(0);
    for (const m of election) expect(m).toMatchObject({ transfer: true });
  });

  it('refuses proposals with ProposalDropped TransferInProgress while the transfer runs', () => {
    const { cluster, leader, followers } = stable();
    cluster.isolate(followers[0]);
    cluster.input(leader, { type: 'TransferLeadership', to: followers[0] });
    const out = cluster.propose(leader, 'blocked');
    expect(out.errors).toEqual([{ type: 'ProposalDropped', requestId: 'pblocked', reason: 'TransferInProgress' }]);
    expect(out.proposed).toEqual([]);
  });

  it('aborts with TransferAborted after an election timeout (at most two), and proposals resume', () => {
    const { cluster, leader, followers } = stable();
    const timeout = cluster.state(leader).config.electionTimeoutTicks;
    cluster.linkFilter = (m) => m.type !== 'TimeoutNowRequest';
    cluster.input(leader, { type: 'TransferLeadership', to: followers[0] });
    let ticks = 0;
    while (!cluster.node(leader).errors.some((e) => e.type === 'TransferAborted') && ticks < 100) {
      cluster.tickAll();
      cluster.deliverAll();
      ticks++;
    }
    expect(cluster.node(leader).errors).toContainEqual({ type: 'TransferAborted', to: followers[0] });
    expect(ticks).toBeGreaterThanOrEqual(timeout);
    expect(ticks).toBeLessThanOrEqual(2 * timeout);
    expect(cluster.state(leader).role).toBe('Leader');
    expect(cluster.propose(leader, 'resumed').errors).toEqual([]);
  });

  it('rejects a transfer from a non-leader, to itself, or to a non-voter', () => {
    const { cluster, leader, followers } = stable();
    const errors = (id: string, to: string) => cluster.input(id, { type: 'TransferLeadership', to }).errors;
    expect(errors(followers[0], followers[1])).toEqual([expect.objectContaining({ type: 'TransferRejected' })]);
    expect(errors(leader, leader)).toEqual([expect.objectContaining({ type: 'TransferRejected' })]);
    expect(errors(leader, 'n99')).toEqual([expect.objectContaining({ type: 'TransferRejected' })]);
    expect(cluster.state(leader).leader?.transfer).toBeNull();
  });

  it('a TimeoutNow from someone other than the known leader is ignored', () => {
    const { cluster, followers } = stable();
    const [a, b] = followers;
    const term = cluster.state(a).term;
    cluster.input(a, { type: 'Receive', message: { type: 'TimeoutNowRequest', cluster: 'test', from: b, to: a, term } });
    expect(cluster.state(a)).toMatchObject({ role: 'Follower', term });
  });
  it('sends a target whose entries are all in flight no empty append, only what it lacks', () => {
    const { cluster, leader, followers } = stable();
    const [target] = followers;
    cluster.propose(leader, 'in-flight');
    const inFlight = cluster.state(leader).leader?.progress[target];
    expect(inFlight).toMatchObject({ mode: 'Replicate', next: lastIndex(cluster.state(leader).log) + 1 });
    expect(inFlight?.match).toBeLessThan(lastIndex(cluster.state(leader).log));
    const out = cluster.input(leader, { type: 'TransferLeadership', to: target });
    expect(out.messages.filter((m) => m.to === target)).toEqual([]);
    cluster.deliverAll();
    for (let t = 0; t < 10 && cluster.state(target).role !== 'Leader'; t++) {
      cluster.tickAll();
      cluster.deliverAll();
    }
    expect(cluster.state(target).role).toBe('Leader');
  });
});
