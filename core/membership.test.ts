// Membership changes, dissertation ch. 4: each describe block is named after the section whose
// rule it checks. The clusters run on deep-frozen states (purity) unless a test says otherwise.

import { TestCluster } from './testing/cluster';
import { SafetyMonitor } from './testing/monitors';
import { hasQuorum, quorumMin } from './quorum';
import { decodeConfig, encodeConfig, nextConfig } from './membership';
import { step } from './step';
import { restartState, type RaftState } from './state';
import { lastIndex, entriesBetween } from './log';
import type { ClusterConfig, ConfChange, Input, NodeId, Output, RaftError } from './types';
import { validateMessage } from './validate';

const v = (...ids: string[]): ClusterConfig => ({ voters: ids, learners: [] });

function confChange(cluster: TestCluster, at: NodeId, changes: ConfChange[], leaveJoint?: 'auto' | 'explicit', requestId = 'cc'): Output {
  const input: Input = { type: 'ProposeConfChange', requestId, changes, ...(leaveJoint !== undefined ? { leaveJoint } : {}) };
  return cluster.input(at, input);
}

function refusal(errors: readonly RaftError[]): string | undefined {
  const e = errors.find((x) => x.type === 'ConfChangeRejected');
  return e?.type === 'ConfChangeRejected' ? e.reason : undefined;
}

/** Ticks and delivers until the leader's config is committed and equals `expected` everywhere it should. */
function settle(cluster: TestCluster, ticks = 40): void {
  for (let t = 0; t < ticks; t++) {
    cluster.tickAll();
    cluster.deliverAll();
  }
}

function committedCluster(cluster: TestCluster, id: NodeId): ClusterConfig {
  const s = cluster.state(id);
  expect(s.configIndex).toBeLessThanOrEqual(s.commitIndex);
  return s.cluster;
}

function electStable(cluster: TestCluster): NodeId {
  const leader = cluster.electLeader();
  settle(cluster, 5); // the leader commits its no-op: changes are allowed from here
  return leader;
}

describe('§4.3 joint consensus: quorums need a majority of both configurations', () => {
  const joint: ClusterConfig = { voters: ['n1', 'n2', 'n3'], votersOutgoing: ['n3', 'n4', 'n5'], learners: [] };

  it('hasQuorum needs both majorities; duplicates never count twice', () => {
    expect(hasQuorum(joint, ['n1', 'n2'])).toBe(false); // new majority, old minority
    expect(hasQuorum(joint, ['n4', 'n5'])).toBe(false); // old majority, new minority
    expect(hasQuorum(joint, ['n1', 'n3', 'n4'])).toBe(true);
    expect(hasQuorum(joint, ['n1', 'n1', 'n4', 'n4'])).toBe(false);
    expect(hasQuorum({ voters: ['n1', 'n2', 'n3'], learners: ['n4', 'n5'] }, ['n1', 'n4', 'n5'])).toBe(false); // learners never count
  });

  it('quorumMin is the smaller of the two majorities\' values', () => {
    const match: Record<string, number> = { n1: 9, n2: 8, n3: 3, n4: 2, n5: 1 };
    expect(quorumMin(joint, (id) => match[id])).toBe(2); // old side {3,2,1}: 2; new side {9,8,3}: 8
    expect(quorumMin(v('n1', 'n2', 'n3'), (id) => match[id])).toBe(8);
  });

  it('nextConfig: one voter changed is simple, more goes joint, leaveJoint forces joint', () => {
    expect(nextConfig(v('n1', 'n2', 'n3'), [{ kind: 'AddVoter', node: 'n4' }], undefined)).toEqual(v('n1', 'n2', 'n3', 'n4'));
    expect(nextConfig(v('n1', 'n2', 'n3'), [{ kind: 'AddLearner', node: 'n4' }, { kind: 'RemoveNode', node: 'n3' }], undefined)).toEqual({ voters: ['n1', 'n2'], learners: ['n4'] });
    expect(nextConfig(v('n1', 'n2', 'n3'), [{ kind: 'AddVoter', node: 'n4' }, { kind: 'RemoveNode', node: 'n1' }], undefined))
      .toEqual({ voters: ['n2', 'n3', 'n4'], votersOutgoing: ['n1', 'n2', 'n3'], autoLeave: true, learners: [] });
    expect(nextConfig(v('n1', 'n2'), [{ kind: 'AddVoter', node: 'n3' }], 'explicit')).toEqual({ voters: ['n1', 'n2', 'n3'], votersOutgoing: ['n1', 'n2'], autoLeave: false, learners: [] });
    expect(nextConfig(v('n1'), [{ kind: 'RemoveNode', node: 'n1' }], undefined)).toEqual({ refusal: 'RemoveLastVoter' });
    expect(nextConfig(v('n1'), [{ kind: 'RemoveNode', node: 'n9' }], undefined)).toEqual({ refusal: 'UnknownNode', node: 'n9' });
  });

  it('a configuration round-trips through its entry data; malformed data is refused by validation', () => {
    const c: ClusterConfig = { voters: ['a'], votersOutgoing: ['a', 'b'], autoLeave: true, learners: ['c'] };
    expect(decodeConfig(encodeConfig(c))).toEqual(c);
    expect(typeof decodeConfig('{"voters":[]}')).toBe('string');
    expect(typeof decodeConfig('{"voters":["a"],"learners":["a"]}')).toBe('string');
    const bad = { type: 'AppendEntriesRequest', cluster: 'test', from: 'n1', to: 'n2', term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [{ term: 1, type: 'Config', data: 'nope' }], leaderCommit: 0, round: 0 };
    expect(validateMessage(bad).ok).toBe(false);
  });

  it('an arbitrary change enters the joint configuration, commits with both majorities, and leaves it automatically', () => {
    const cluster = new TestCluster({ size: 5, initialVoters: 3, freeze: true });
    const safety = new SafetyMonitor(cluster);
    const leader = electStable(cluster);
    // Replace two voters at once: the old voters other than the leader go, n4 and n5 come.
    const gone = ['n1', 'n2', 'n3'].filter((id) => id !== leader);
    const out = confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n4' }, { kind: 'AddVoter', node: 'n5' }, { kind: 'RemoveNode', node: gone[0] }, { kind: 'RemoveNode', node: gone[1] }]);
    expect(out.actions).toEqual(expect.arrayContaining(['ProposeConfChange', 'EnterJoint']));
    expect(cluster.state(leader).cluster.votersOutgoing).toEqual(['n1', 'n2', 'n3']);
    settle(cluster);
    const final = committedCluster(cluster, leader);
    expect(final.votersOutgoing).toBeUndefined();
    expect([...final.voters].sort()).toEqual([leader, 'n4', 'n5'].sort());
    const configs = entriesBetween(cluster.state(leader).log, 1, lastIndex(cluster.state(leader).log)).filter((e) => e.type === 'Config');
    expect(configs.map((e) => (decodeConfig(e.data) as ClusterConfig).votersOutgoing !== undefined)).toEqual([true, false]);
    // The new configuration works without the removed voters.
    for (const id of gone) cluster.crash(id);
    cluster.propose(leader, 'x');
    settle(cluster, 10);
    expect(cluster.state('n4').commitIndex).toBe(lastIndex(cluster.state(leader).log));
    expect(safety.violations).toEqual([]);
  });

  it('while joint, an entry does not commit with a majority of the new configuration alone', () => {
    const cluster = new TestCluster({ size: 5, initialVoters: 3 });
    const leader = electStable(cluster);
    const others = ['n1', 'n2', 'n3'].filter((id) => id !== leader);
    confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n4' }, { kind: 'AddVoter', node: 'n5' }], 'explicit');
    // Cut off both other old voters: the new side {leader, n4, n5} has a majority, the old side {leader} does not.
    for (const id of others) cluster.isolate(id);
    settle(cluster);
    const s = cluster.state(leader);
    expect(s.cluster.votersOutgoing).toBeDefined();
    expect(s.commitIndex).toBeLessThan(s.configIndex);
  });

  it('explicit leave: the joint configuration stays until an empty ProposeConfChange (LeaveJoint)', () => {
    const cluster = new TestCluster({ size: 4, initialVoters: 3, freeze: true });
    const leader = electStable(cluster);
    confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n4' }], 'explicit');
    settle(cluster);
    expect(committedCluster(cluster, leader).votersOutgoing).toEqual(['n1', 'n2', 'n3']);
    const more = confChange(cluster, leader, [{ kind: 'AddLearner', node: 'n9' }]);
    expect(refusal(more.errors)).toBe('ConfChangeInProgress');
    const leave = confChange(cluster, leader, [], undefined, 'leave');
    expect(leave.actions).toEqual(expect.arrayContaining(['ProposeConfChange', 'LeaveJoint']));
    settle(cluster);
    expect(committedCluster(cluster, leader)).toEqual(v('n1', 'n2', 'n3', 'n4'));
    expect(refusal(confChange(cluster, leader, []).errors)).toBe('NotJoint');
  });
});

describe('§4.1 single-server changes', () => {
  it('grows a cluster one server at a time from one node to five; each new server catches up first as a learner', () => {
    const cluster = new TestCluster({ size: 5, initialVoters: 1, freeze: true });
    const safety = new SafetyMonitor(cluster);
    expect(electStable(cluster)).toBe('n1');
    for (const id of ['n2', 'n3', 'n4', 'n5']) {
      cluster.propose('n1', `before-${id}`);
      expect(confChange(cluster, 'n1', [{ kind: 'AddLearner', node: id }]).errors).toEqual([]);
      settle(cluster, 10);
      expect(cluster.state(id).role).toBe('Follower');
      expect(cluster.state(id).commitIndex).toBe(cluster.state('n1').commitIndex);
      expect(confChange(cluster, 'n1', [{ kind: 'AddVoter', node: id }]).errors).toEqual([]);
      settle(cluster, 10);
    }
    expect(committedCluster(cluster, 'n1')).toEqual(v('n1', 'n2', 'n3', 'n4', 'n5'));
    for (const id of cluster.ids) expect(cluster.state(id).cluster).toEqual(v('n1', 'n2', 'n3', 'n4', 'n5'));
    expect(safety.violations).toEqual([]);
  });

  it('a server uses the latest configuration in its log before it commits, and reverts when it is truncated', () => {
    const cluster = new TestCluster({ size: 4, initialVoters: 3 });
    const leader = electStable(cluster);
    const others = ['n1', 'n2', 'n3'].filter((id) => id !== leader);
    // Only the leader gets the entry: it uses it at once, uncommitted.
    cluster.isolate(leader);
    confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n4' }]);
    expect(cluster.state(leader).cluster.voters).toContain('n4');
    expect(cluster.state(leader).configIndex).toBeGreaterThan(cluster.state(leader).commitIndex);
    // The others elect a new leader, which overwrites the entry: the old leader falls back.
    cluster.healAll();
    cluster.isolate(leader);
    cluster.runUntil(() => others.some((id) => cluster.state(id).role === 'Leader'));
    const next = others.find((id) => cluster.state(id).role === 'Leader') as NodeId;
    cluster.propose(next, 'overwrite');
    cluster.healAll();
    settle(cluster, 30);
    expect(cluster.state(leader).role).toBe('Follower');
    expect(cluster.state(leader).cluster).toEqual({ voters: ['n1', 'n2', 'n3'] });
  });

  it('removing a follower: the rest commit without it, and it never disrupts them', () => {
    const cluster = new TestCluster({ size: 3, freeze: true });
    const leader = electStable(cluster);
    const victim = cluster.ids.find((id) => id !== leader) as NodeId;
    confChange(cluster, leader, [{ kind: 'RemoveNode', node: victim }]);
    settle(cluster);
    expect(committedCluster(cluster, leader).voters).not.toContain(victim);
    const term = cluster.state(leader).term;
    cluster.isolate(victim);
    settle(cluster, 100);
    cluster.healAll();
    settle(cluster, 100);
    expect(cluster.leaders()).toEqual([leader]);
    expect(cluster.state(leader).term).toBe(term);
  });
});

describe('§4.1 the 2015 rule: no change before the leader commits an entry of its term', () => {
  it('a new leader refuses a change until its no-op commits (ConfChangeBeforeTermCommit), then accepts one', () => {
    const cluster = new TestCluster({ size: 4, initialVoters: 3, autoSync: false });
    // Elect with writes pending: the no-op is not durable, so nothing of this term is committed.
    let leader: NodeId | null = null;
    for (let t = 0; t < 500 && leader === null; t++) {
      cluster.tickAll();
      cluster.deliverAll();
      for (const id of cluster.ids) if (cluster.state(id).role !== 'Leader') cluster.sync(id);
      cluster.deliverAll();
      leader = cluster.leaders()[0] ?? null;
    }
    expect(leader).not.toBeNull();
    const l = leader as NodeId;
    expect(refusal(confChange(cluster, l, [{ kind: 'AddVoter', node: 'n4' }]).errors)).toBe('ConfChangeBeforeTermCommit');
    cluster.autoSync = true;
    for (const id of cluster.ids) cluster.sync(id);
    settle(cluster, 5);
    expect(confChange(cluster, l, [{ kind: 'AddVoter', node: 'n4' }]).errors).toEqual([]);
  });

  it('one change at a time: a second one while the first is uncommitted is refused (ConfChangeInProgress)', () => {
    const cluster = new TestCluster({ size: 5, initialVoters: 3 });
    const leader = electStable(cluster);
    expect(confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n4' }]).errors).toEqual([]);
    expect(refusal(confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n5' }]).errors)).toBe('ConfChangeInProgress');
    settle(cluster);
    expect(confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n5' }]).errors).toEqual([]);
  });

  it('typed refusals: RemoveLastVoter, UnknownNode, NotLeader, InvalidInput; none changes the state', () => {
    const solo = new TestCluster({ size: 1 });
    electStable(solo);
    const before = JSON.stringify(solo.state('n1'));
    expect(refusal(confChange(solo, 'n1', [{ kind: 'RemoveNode', node: 'n1' }]).errors)).toBe('RemoveLastVoter');
    const unknown = confChange(solo, 'n1', [{ kind: 'RemoveNode', node: 'n7' }]).errors;
    expect(unknown).toEqual([{ type: 'ConfChangeRejected', requestId: 'cc', reason: 'UnknownNode', node: 'n7' }]);
    expect(solo.input('n1', { type: 'ProposeConfChange', requestId: 'x', changes: [{ kind: 'Promote', node: 'n2' }] } as never).errors[0].type).toBe('InvalidInput');
    expect(JSON.stringify(solo.state('n1'))).toBe(before);
    const three = new TestCluster({ size: 3 });
    const leader = electStable(three);
    const follower = three.ids.find((id) => id !== leader) as NodeId;
    expect(confChange(three, follower, [{ kind: 'AddVoter', node: 'n9' }]).errors).toEqual([{ type: 'NotLeader', requestId: 'cc', leaderHint: leader }]);
  });
});

describe('§4.2.1 learners: non-voting members catch up by log and snapshot', () => {
  it('a learner receives the log, is never counted toward commit, never campaigns, and is promoted to voter', () => {
    const cluster = new TestCluster({ size: 3, initialVoters: 1, freeze: true });
    electStable(cluster);
    confChange(cluster, 'n1', [{ kind: 'AddLearner', node: 'n2' }]);
    settle(cluster, 10);
    confChange(cluster, 'n1', [{ kind: 'AddLearner', node: 'n3' }]);
    settle(cluster, 10);
    expect(committedCluster(cluster, 'n1')).toEqual({ voters: ['n1'], learners: ['n2', 'n3'] });
    // The voter alone commits; learners follow; with the voter gone the learners never campaign.
    cluster.propose('n1', 'a');
    settle(cluster, 5);
    expect(cluster.state('n2').commitIndex).toBe(cluster.state('n1').commitIndex);
    cluster.crash('n1');
    settle(cluster, 200);
    expect(cluster.leaders()).toEqual([]);
    for (const id of ['n2', 'n3']) expect(cluster.state(id).term).toBe(cluster.state('n1').term);
    cluster.restart('n1');
    settle(cluster, 60);
    // Promotion: n2 becomes a voter (simple change), after which commits need n1 and n2.
    const leader = cluster.leaders()[0];
    expect(leader).toBe('n1');
    confChange(cluster, 'n1', [{ kind: 'AddVoter', node: 'n2' }]);
    settle(cluster, 10);
    expect(committedCluster(cluster, 'n1')).toEqual({ voters: ['n1', 'n2'], learners: ['n3'] });
    cluster.isolate('n2');
    const commit = cluster.state('n1').commitIndex;
    cluster.propose('n1', 'needs-n2');
    settle(cluster, 5);
    expect(cluster.state('n1').commitIndex).toBe(commit);
  });

  it('a learner that joins after compaction catches up by snapshot, which carries the configuration', () => {
    const cluster = new TestCluster({ size: 2, initialVoters: 1 });
    electStable(cluster);
    for (let k = 0; k < 5; k++) cluster.propose('n1', `v${k}`);
    settle(cluster, 3);
    const applied = cluster.state('n1').appliedIndex;
    cluster.input('n1', { type: 'Snapshot', index: applied, data: 'state-machine' });
    confChange(cluster, 'n1', [{ kind: 'AddLearner', node: 'n2' }]);
    settle(cluster, 20);
    const n2 = cluster.state('n2');
    expect(n2.snapshot?.index).toBe(applied);
    expect(n2.snapshot?.config).toEqual({ voters: ['n1'] });
    expect(n2.cluster).toEqual({ voters: ['n1'], learners: ['n2'] });
    expect(n2.commitIndex).toBe(cluster.state('n1').commitIndex);
  });
});

describe('§4.2.2 removing the current leader', () => {
  it('the leader manages the change without counting itself, steps down once it commits (StepDownRemoved), and the rest elect', () => {
    const cluster = new TestCluster({ size: 3, freeze: true });
    const safety = new SafetyMonitor(cluster);
    const leader = electStable(cluster);
    const outputs: Output[] = [confChange(cluster, leader, [{ kind: 'RemoveNode', node: leader }])];
    expect(cluster.state(leader).role).toBe('Leader');
    // Collect the leader's actions while it settles.
    const original = cluster.input.bind(cluster);
    cluster.input = (id, input) => {
      const out = original(id, input);
      if (id === leader) outputs.push(out);
      return out;
    };
    settle(cluster, 60);
    expect(outputs.some((o) => o.actions.includes('StepDownRemoved'))).toBe(true);
    expect(cluster.state(leader).role).toBe('Follower');
    const next = cluster.leaders();
    expect(next).toHaveLength(1);
    expect(next[0]).not.toBe(leader);
    expect(cluster.state(next[0]).cluster.voters).not.toContain(leader);
    expect(safety.violations).toEqual([]);
  });
});

describe('§4.2.2 a server removed by an uncommitted entry may still be needed', () => {
  it('a leader that removed itself, then crashed before anyone else got the entry, comes back, wins, commits its removal and steps down', () => {
    const cluster = new TestCluster({ size: 2, freeze: true });
    const leader = electStable(cluster);
    const other = cluster.ids.find((id) => id !== leader) as NodeId;
    cluster.isolate(leader);
    confChange(cluster, leader, [{ kind: 'RemoveNode', node: leader }]);
    cluster.crash(leader);
    cluster.restart(leader);
    cluster.healAll();
    // The other node needs the old leader's vote ({leader, other}), which its longer log refuses;
    // only the old leader, counting votes in its own newer configuration ({other}), can win.
    settle(cluster, 200);
    expect(cluster.leaders()).toEqual([other]);
    expect(committedCluster(cluster, other).voters).toEqual([other]);
    expect(cluster.state(leader).role).toBe('Follower');
  });
});

describe('§4.2.3 disruptive servers: a removed server does not disrupt the cluster', () => {
  it('a removed server that never learnt of its removal campaigns in vain: PreVote or the leader lease keep every term', () => {
    for (const preVote of [true, false]) {
      const cluster = new TestCluster({ size: 4, config: { preVote, checkQuorum: true } });
      const leader = electStable(cluster);
      const victim = cluster.ids.find((id) => id !== leader) as NodeId;
      cluster.isolate(victim);
      confChange(cluster, leader, [{ kind: 'RemoveNode', node: victim }]);
      settle(cluster, 10);
      expect(cluster.state(leader).cluster.voters).not.toContain(victim);
      // Let the victim time out repeatedly while partitioned, then reconnect it.
      settle(cluster, 100);
      const term = cluster.state(leader).term;
      cluster.healAll();
      settle(cluster, 100);
      expect(cluster.state(leader).role).toBe('Leader');
      expect(cluster.state(leader).term).toBe(term);
    }
  });
});

describe('quorums everywhere come from the configuration in effect', () => {
  it('CheckQuorum and ReadIndex in a joint configuration need both majorities', () => {
    const cluster = new TestCluster({ size: 5, initialVoters: 3 });
    const leader = electStable(cluster);
    const olds = ['n1', 'n2', 'n3'].filter((id) => id !== leader);
    confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n4' }, { kind: 'AddVoter', node: 'n5' }], 'explicit');
    settle(cluster);
    // Only the new side answers: a read never completes, and CheckQuorum deposes the leader.
    for (const id of olds) cluster.isolate(id);
    cluster.input(leader, { type: 'Read', requestId: 'r1' });
    settle(cluster, 40);
    expect(cluster.node(leader).reads.map((r) => r.requestId)).not.toContain('r1');
    expect(cluster.state(leader).role).not.toBe('Leader');
  });

  it('leadership transfer goes only to a voter of the configuration in effect', () => {
    const cluster = new TestCluster({ size: 3, initialVoters: 2 });
    const leader = electStable(cluster);
    confChange(cluster, leader, [{ kind: 'AddLearner', node: 'n3' }]);
    settle(cluster, 10);
    const out = cluster.input(leader, { type: 'TransferLeadership', to: 'n3' });
    expect(out.errors).toEqual([{ type: 'TransferRejected', to: 'n3', reason: 'target is not a voter' }]);
  });
});

describe('the configuration survives restarts and is deterministic', () => {
  it('a restarted node recovers the configuration from its log (and its snapshot)', () => {
    const cluster = new TestCluster({ size: 4, initialVoters: 3 });
    const leader = electStable(cluster);
    confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n4' }]);
    settle(cluster);
    const follower = ['n1', 'n2', 'n3'].find((id) => id !== leader) as NodeId;
    const before = cluster.state(follower).cluster;
    const s = cluster.state(follower);
    cluster.crash(follower);
    cluster.restart(follower);
    expect(cluster.state(follower).cluster).toEqual(before);
    // Compact past the config entry: the snapshot carries it.
    const compacted = step(s, { type: 'Snapshot', index: s.appliedIndex, data: 'x' }).state;
    expect(compacted.snapshot?.config).toEqual(before);
    const durable = { term: compacted.term, votedFor: compacted.votedFor, snapshot: compacted.snapshot, entries: [] };
    const restarted: RaftState = restartState(compacted.config, durable, 0);
    expect(restarted.cluster).toEqual(before);
    expect(restarted.configIndex).toBe(compacted.snapshot?.index);
  });

  it('the same inputs give byte-identical states and outputs', () => {
    const runOnce = (): string => {
      const cluster = new TestCluster({ size: 5, initialVoters: 3, seed: 4 });
      const outs: Output[] = [];
      const leader = electStable(cluster);
      outs.push(confChange(cluster, leader, [{ kind: 'AddVoter', node: 'n4' }, { kind: 'AddLearner', node: 'n5' }]));
      settle(cluster);
      return JSON.stringify([outs, cluster.ids.map((id) => cluster.state(id))]);
    };
    expect(runOnce()).toBe(runOnce());
  });
});
