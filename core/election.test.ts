// §5.2 leader election and §5.4.1 the election restriction.

import { TestCluster } from './testing/cluster';
import { SafetyMonitor } from './testing/monitors';
import { configFor, durableWithTerms, logTerms, nodeWithLog, receive, seedClusterLogs, stepSynced, tickUntilRole, voteRequest } from './testing/fixtures';
import { initialState, restartState, RaftState } from './state';
import { step } from './step';
import type { Message, RequestVoteResponse } from './types';

function timeoutsDrawnBy(state: RaftState, count: number): number[] {
  // Each timeout fired re-arms the timer from the node's own generator.
  const drawn: number[] = [state.randomizedElectionTimeout];
  let s = state;
  while (drawn.length < count) {
    s = step(s, { type: 'Tick' }).state;
    if (s.electionElapsed === 0) drawn.push(s.randomizedElectionTimeout);
  }
  return drawn;
}

function grantOf(messages: readonly Message[]): boolean | undefined {
  const r = messages.find((m): m is RequestVoteResponse => m.type === 'RequestVoteResponse');
  return r?.granted;
}

describe('§5.2 randomized election timeouts', () => {
  const config = (id: string, seed: number) => ({ ...configFor(id, 5, { preVote: false, electionTimeoutTicks: 10 }), seed });

  it('draws timeouts in [T, 2T) from the node\'s own seed: same seed, same sequence', () => {
    const a = timeoutsDrawnBy(initialState(config('n1', 7)), 20);
    const b = timeoutsDrawnBy(initialState(config('n1', 7)), 20);
    expect(a).toEqual(b);
    for (const t of a) expect(t >= 10 && t < 20).toBe(true);
    // Not a constant: the sequence itself varies.
    expect(new Set(a).size).toBeGreaterThan(3);
  });

  it('different nodes (different seeds) draw different timeouts', () => {
    const sequences = ['n1', 'n2', 'n3', 'n4', 'n5'].map((id, k) => timeoutsDrawnBy(initialState(config(id, 100 + k)), 10).join(','));
    expect(new Set(sequences).size).toBe(5);
    const firsts = ['n1', 'n2', 'n3', 'n4', 'n5'].map((id, k) => initialState(config(id, 100 + k)).randomizedElectionTimeout);
    expect(new Set(firsts).size).toBeGreaterThan(1);
  });

  it('a cluster elects exactly one leader, and a single node elects itself', () => {
    const cluster = new TestCluster({ size: 5, freeze: true });
    const safety = new SafetyMonitor(cluster);
    cluster.electLeader();
    const leader = cluster.leaders()[0];
    for (let t = 0; t < 60; t++) {
      cluster.tickAll();
      cluster.deliverAll();
    }
    // Stable: the same leader, in the same term, after many election timeouts' worth of ticks.
    expect(cluster.leaders()).toEqual([leader]);
    expect(safety.violations).toEqual([]);
    const solo = new TestCluster({ size: 1 });
    expect(solo.electLeader()).toBe('n1');
  });
});

describe('§5.2 at most one vote per term', () => {
  const cfg = configFor('n2', 3, { preVote: false });

  it('grants one candidate and refuses another in the same term', () => {
    let s = initialState(cfg);
    const first = stepSynced(s, receive(voteRequest({ from: 'n1', to: 'n2', term: 3 })));
    expect(grantOf(first.messages)).toBe(true);
    s = first.state;
    const second = stepSynced(s, receive(voteRequest({ from: 'n3', to: 'n2', term: 3 })));
    expect(grantOf(second.messages)).toBe(false);
    // Granting again to the same candidate (a retransmission) is fine.
    const again = stepSynced(second.state, receive(voteRequest({ from: 'n1', to: 'n2', term: 3 })));
    expect(grantOf(again.messages)).toBe(true);
    expect(again.state.votedFor).toBe('n1');
  });

  it('still refuses the second candidate after a crash and restart from durable state', () => {
    const cluster = new TestCluster({ size: 3, config: { preVote: false } });
    cluster.input('n2', receive(voteRequest({ from: 'n1', to: 'n2', term: 4 })));
    expect(cluster.node('n2').durable).toMatchObject({ term: 4, votedFor: 'n1' });
    cluster.queue = [];
    cluster.crash('n2');
    cluster.restart('n2');
    const out = cluster.input('n2', receive(voteRequest({ from: 'n3', to: 'n2', term: 4 })));
    expect(grantOf(out.messages)).toBe(false);
  });

  it('planted bug: restarting from a state that lost the vote would grant twice, which the assertion catches', () => {
    const amnesiac = restartState(cfg, { term: 4, votedFor: null, snapshot: null, entries: [] }, 0);
    const out = stepSynced(amnesiac, receive(voteRequest({ from: 'n3', to: 'n2', term: 4 })));
    expect(grantOf(out.messages)).not.toBe(false);
  });
});

describe('§5.4.1 election restriction: the voter compares last term, then last index', () => {
  // The voter's log: terms [1, 1, 2] (last term 2, last index 3).
  const voter = nodeWithLog('n2', 3, 2, [1, 1, 2], { preVote: false });
  const ask = (lastLogTerm: number, lastLogIndex: number): boolean | undefined =>
    grantOf(stepSynced(voter, receive(voteRequest({ from: 'n1', to: 'n2', term: 3, lastLogTerm, lastLogIndex }))).messages);

  it.each([
    ['a higher last term, even with a shorter log', true, 3, 1],
    ['the same last term and a longer log', true, 2, 4],
    ['the same last term and an equal log', true, 2, 3],
    ['the same last term and a shorter log', false, 2, 2],
    ['a lower last term, even with a much longer log', false, 1, 50],
  ])('candidate with %s → granted %s', (_what, expected, lastLogTerm, lastLogIndex) => {
    expect(ask(lastLogTerm, lastLogIndex)).toBe(expected);
  });

  it('a refusal still moves the voter to the candidate\'s term (§5.1) without a vote', () => {
    const r = stepSynced(voter, receive(voteRequest({ from: 'n1', to: 'n2', term: 3, lastLogTerm: 1, lastLogIndex: 9 })));
    expect(r.state.term).toBe(3);
    expect(r.state.votedFor).toBeNull();
  });

  // Three nodes: n1 and n2 hold a committed entry of term 2 that n3 lacks.
  function stagedCluster(): { cluster: TestCluster; safety: SafetyMonitor } {
    const cluster = new TestCluster({ size: 3, config: { preVote: false, checkQuorum: false } });
    seedClusterLogs(cluster, { n1: { term: 2, terms: [1, 2] }, n2: { term: 2, terms: [1, 2] }, n3: { term: 2, terms: [1] } });
    const safety = new SafetyMonitor(cluster);
    // Index 2 (term 2) is on a majority: record it as committed, as the term-2 leader would have.
    safety.appliedAt.set(2, { term: 2, data: 'i2t2', by: 'old leader' });
    return { cluster, safety };
  }

  it('a node missing a committed entry cannot win: n3 times out first but n2 refuses it', () => {
    const { cluster, safety } = stagedCluster();
    cluster.isolate('n1');
    for (let t = 0; t < 60 && cluster.state('n3').role !== 'Leader'; t++) {
      cluster.tick('n3');
      cluster.deliverAll();
    }
    expect(cluster.state('n3').role).not.toBe('Leader');
    expect(safety.violations).toEqual([]);
    cluster.healAll();
    const leader = cluster.electLeader();
    expect(['n1', 'n2']).toContain(leader);
    expect(safety.violations).toEqual([]);
  });

  it('planted bug: a vote request lying about the candidate\'s log elects n3, and leader completeness flags it', () => {
    const { cluster, safety } = stagedCluster();
    cluster.isolate('n1');
    // The lie stands in for a voter that skips the up-to-date check.
    const honest = cluster.linkFilter;
    cluster.linkFilter = (m) => {
      if (m.type === 'RequestVoteRequest' && m.from === 'n3') Object.assign(m, { lastLogTerm: 2, lastLogIndex: 2 });
      return honest(m);
    };
    tickUntilRole(cluster, 'n3', 'Leader', 80);
    expect(safety.violations.some((v) => v.startsWith('leader completeness'))).toBe(true);
    expect(logTerms(cluster.state('n3'))).toEqual([1, 3]);
  });
});

describe('§5.2 candidates and terms', () => {
  it('a candidate that hears from a leader of its term steps down', () => {
    let s = initialState(configFor('n1', 3, { preVote: false }));
    while (s.role !== 'Candidate') s = step(s, { type: 'Tick' }).state;
    const r = stepSynced(s, receive({ type: 'AppendEntriesRequest', cluster: 'test', from: 'n2', to: 'n1', term: s.term, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0, round: 1 }));
    expect(r.state.role).toBe('Follower');
    expect(r.state.leaderId).toBe('n2');
  });

  it('a candidate refused by a majority returns to follower without waiting for its timeout', () => {
    let s = restartState(configFor('n1', 3, { preVote: false }), durableWithTerms(1, []), 0);
    while (s.role !== 'Candidate') s = stepSynced(s, { type: 'Tick' }).state;
    const refuse = (from: string): Message => ({ type: 'RequestVoteResponse', cluster: 'test', from, to: 'n1', term: s.term, granted: false });
    s = step(s, receive(refuse('n2'))).state;
    s = step(s, receive(refuse('n3'))).state;
    expect(s.role).toBe('Follower');
  });
});
