// Dissertation §9.6: preventing disruptions when a server rejoins the cluster (PreVote), and
// leaders stepping down without a quorum (CheckQuorum), with the leader lease it enables.

import { TestCluster } from './testing/cluster';
import { configFor, receive, stepSynced, voteRequest } from './testing/fixtures';
import { DEFAULT_CONFIG } from './config';
import { initialState } from './state';
import { step } from './step';
import type { Message, RaftConfig } from './types';

function stable(config: Partial<RaftConfig> = {}, size = 3): { cluster: TestCluster; leader: string } {
  const cluster = new TestCluster({ size, config });
  const leader = cluster.electLeader();
  for (let t = 0; t < 3; t++) {
    cluster.tickAll();
    cluster.deliverAll();
  }
  return { cluster, leader };
}

function runTicks(cluster: TestCluster, ticks: number): void {
  for (let t = 0; t < ticks; t++) {
    cluster.tickAll();
    cluster.deliverAll();
  }
}

const terms = (cluster: TestCluster) => cluster.ids.map((id) => cluster.state(id).term);

describe('§9.6 PreVote and CheckQuorum are on by default and each can be switched off', () => {
  it('defaults', () => {
    expect(DEFAULT_CONFIG.preVote).toBe(true);
    expect(DEFAULT_CONFIG.checkQuorum).toBe(true);
  });

  it('with PreVote off, a timed-out follower sends RequestVote (a new term) at once', () => {
    let s = initialState(configFor('n1', 3, { preVote: false }));
    let out = step(s, { type: 'Tick' });
    while (out.state.role === 'Follower') out = step(out.state, { type: 'Tick' });
    s = out.state;
    expect(s.role).toBe('Candidate');
    expect(s.term).toBe(1);
    expect(out.output.messages.every((m) => m.type === 'RequestVoteRequest')).toBe(true);
  });

  it('with PreVote on, it first sends PreVoteRequest for term + 1 and keeps its own term', () => {
    let out = step(initialState(configFor('n1', 3)), { type: 'Tick' });
    while (out.state.role === 'Follower') out = step(out.state, { type: 'Tick' });
    expect(out.state.role).toBe('PreCandidate');
    expect(out.state.term).toBe(0);
    expect(out.output.persist).toBeNull();
    expect(out.output.messages.map((m) => [m.type, m.term])).toEqual([['PreVoteRequest', 1], ['PreVoteRequest', 1]]);
  });
});

describe('§9.6 a PreVote never changes anyone\'s term', () => {
  it('a voter grants a pre-vote without adopting its term or recording a vote', () => {
    const voter = initialState(configFor('n2', 3));
    const r = step(voter, receive({ type: 'PreVoteRequest', cluster: 'test', from: 'n1', to: 'n2', term: 5, lastLogIndex: 0, lastLogTerm: 0 }));
    expect(r.output.messages).toEqual([expect.objectContaining({ type: 'PreVoteResponse', granted: true, term: 5 })]);
    expect(r.state.term).toBe(0);
    expect(r.state.votedFor).toBeNull();
    expect(r.output.persist).toBeNull();
  });

  it('a partitioned node pre-campaigns forever at its old term; on rejoining it disrupts nobody', () => {
    const { cluster, leader } = stable();
    const lone = cluster.ids.find((id) => id !== leader) as string;
    const before = terms(cluster);
    cluster.isolate(lone);
    runTicks(cluster, 100);
    expect(cluster.state(lone).term).toBe(before[0]);
    cluster.healAll();
    runTicks(cluster, 50);
    expect(terms(cluster)).toEqual(before);
    expect(cluster.leaders()).toEqual([leader]);
  });

  it('the same scenario with PreVote off does disrupt: the cluster\'s term rises (the check can fail)', () => {
    const { cluster, leader } = stable({ preVote: false });
    const lone = cluster.ids.find((id) => id !== leader) as string;
    const before = cluster.state(leader).term;
    cluster.isolate(lone);
    runTicks(cluster, 100);
    expect(cluster.state(lone).term).toBeGreaterThan(before);
    cluster.healAll();
    runTicks(cluster, 50);
    expect(cluster.state(leader).term).toBeGreaterThan(before);
  });
});

describe('§9.6 CheckQuorum: a leader that loses its quorum steps down after an election timeout', () => {
  it('steps down within two election timeouts of losing contact', () => {
    const { cluster, leader } = stable();
    cluster.isolate(leader);
    let ticks = 0;
    while (cluster.state(leader).role === 'Leader' && ticks < 100) {
      cluster.tick(leader);
      cluster.deliverAll();
      ticks++;
    }
    expect(cluster.state(leader).role).toBe('Follower');
    const timeout = cluster.state(leader).config.electionTimeoutTicks;
    expect(ticks).toBeGreaterThanOrEqual(timeout - 3);
    expect(ticks).toBeLessThanOrEqual(2 * timeout);
  });

  it('with CheckQuorum off, an isolated leader stays leader (the check can fail)', () => {
    const { cluster, leader } = stable({ checkQuorum: false });
    cluster.isolate(leader);
    for (let t = 0; t < 100; t++) cluster.tick(leader);
    expect(cluster.state(leader).role).toBe('Leader');
  });

  it('a leader hearing from a majority stays leader indefinitely', () => {
    const { cluster, leader } = stable({}, 5);
    const others = cluster.ids.filter((id) => id !== leader);
    cluster.isolate(others[0]);
    cluster.isolate(others[1]);
    runTicks(cluster, 80);
    expect(cluster.state(leader).role).toBe('Leader');
  });
});

describe('§9.6 leader lease: disruptive vote requests are ignored, except for a leadership transfer', () => {
  function followerWithLeader(): ReturnType<typeof stepSynced>['state'] {
    const f = initialState(configFor('n2', 3));
    return stepSynced(f, receive({ type: 'AppendEntriesRequest', cluster: 'test', from: 'n1', to: 'n2', term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0, round: 1 })).state;
  }

  it('a follower that heard from its leader recently ignores a RequestVote for a higher term', () => {
    const f = followerWithLeader();
    const r = stepSynced(f, receive(voteRequest({ from: 'n3', to: 'n2', term: 2, lastLogIndex: 5, lastLogTerm: 1 })));
    expect(r.state.term).toBe(1);
    expect(r.messages).toEqual([]);
  });

  it('but grants it when the request comes from a TimeoutNow (transfer: true)', () => {
    const f = followerWithLeader();
    const r = stepSynced(f, receive(voteRequest({ from: 'n3', to: 'n2', term: 2, lastLogIndex: 5, lastLogTerm: 1, transfer: true })));
    expect(r.state.term).toBe(2);
    expect(r.messages).toEqual([expect.objectContaining({ type: 'RequestVoteResponse', granted: true })]);
  });

  it('after an election timeout without hearing from the leader, the lease is over', () => {
    let f = followerWithLeader();
    for (let t = 0; t < f.config.electionTimeoutTicks; t++) f = step(f, { type: 'Tick' }).state;
    const r = stepSynced(f, receive(voteRequest({ from: 'n3', to: 'n2', term: 5, lastLogIndex: 5, lastLogTerm: 1 })));
    expect(r.state.term).toBe(5);
  });

  it('a leader ignores a higher-term RequestVote and stays leader', () => {
    const { cluster, leader } = stable();
    const other = cluster.ids.find((id) => id !== leader) as string;
    const term = cluster.state(leader).term;
    const out = cluster.input(leader, receive(voteRequest({ from: other, to: leader, term: term + 1, lastLogIndex: 99, lastLogTerm: term })));
    expect(out.messages.filter((m: Message) => m.type === 'RequestVoteResponse')).toEqual([]);
    expect(cluster.state(leader)).toMatchObject({ role: 'Leader', term });
  });
});
