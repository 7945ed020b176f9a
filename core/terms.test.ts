// The term range (terms.ts): one message must not be able to push a cluster to a term it can
// never leave. Before the range existed, one AppendEntries with term 2^53 - 1 was adopted by
// every node, and the pre-vote that followed asked for 2^53, which every receiver refused.

import fc from 'fast-check';
import { TestCluster } from './testing/cluster';
import { appendRequest, configFor, receive, voteRequest } from './testing/fixtures';
import { step } from './step';
import { restartState } from './state';
import { validateMessage } from './validate';
import { MAX_TERM, MAX_TERM_STEP, isTerm } from './terms';
import type { Message, NodeId } from './types';

/** A hostile but well-formed message from a voter: the kinds a faulty peer could send. */
function hostile(kind: 'append' | 'vote' | 'prevote' | 'response', from: NodeId, to: NodeId, term: number): Message {
  switch (kind) {
    case 'append':
      return appendRequest({ from, to, term, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
    case 'vote':
      return voteRequest({ from, to, term, lastLogIndex: 1_000_000, lastLogTerm: term, transfer: true });
    case 'prevote':
      return { type: 'PreVoteRequest', cluster: 'test', from, to, term, lastLogIndex: 1_000_000, lastLogTerm: term };
    case 'response':
      return { type: 'AppendEntriesResponse', cluster: 'test', from, to, term, success: false, matchIndex: 0, conflictIndex: 0, conflictTerm: 0, prevLogIndex: 0, round: 0 };
  }
}

/** Elects a leader and commits one entry; returns the leader. */
function runningCluster(seed = 1): { cluster: TestCluster; leader: NodeId } {
  const cluster = new TestCluster({ size: 3, seed, config: { preVote: true, checkQuorum: true } });
  const leader = cluster.electLeader();
  cluster.propose(leader, 'before');
  cluster.deliverAll();
  return { cluster, leader };
}

/** The cluster's liveness after an attack: with the leader gone, the others elect and commit. */
function expectElectsAndCommitsWithoutLeader(cluster: TestCluster, oldLeader: NodeId): void {
  cluster.crash(oldLeader);
  const leader = cluster.electLeader(2000);
  expect(leader).not.toBe(oldLeader);
  cluster.propose(leader, 'after');
  cluster.runUntil(() => cluster.ids.filter((id) => id !== oldLeader).every((id) => cluster.node(id).applied.some((a) => a.entry.data === 'after')), 500);
}

describe('the term range', () => {
  it('isTerm accepts exactly the integers 0..MAX_TERM', () => {
    expect([0, 1, MAX_TERM].map(isTerm)).toEqual([true, true, true]);
    expect([-1, 0.5, MAX_TERM + 1, 2 ** 53 - 1, NaN, Infinity, '1', null].map(isTerm)).toEqual(Array(8).fill(false));
    expect(MAX_TERM).toBe(2 ** 31 - 1); // TLC's largest integer: the spec can represent every term
  });

  it.each<[string, (t: number) => Record<string, unknown>]>([
    ['term', (t) => ({ term: t })],
    ['prevLogTerm', (t) => ({ term: t, prevLogTerm: t, prevLogIndex: 1 })],
    ['an entry term', (t) => ({ term: t, entries: [{ term: t, type: 'Normal', data: '' }] })],
  ])('validateMessage refuses an AppendEntriesRequest whose %s is beyond MAX_TERM, and accepts MAX_TERM', (_what, patch) => {
    const base = appendRequest({ from: 'n1', to: 'n2', term: 1 });
    for (const bad of [MAX_TERM + 1, 2 ** 53 - 1, 2 ** 53, 1.5]) {
      const r = validateMessage({ ...base, ...patch(bad) });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/term/);
    }
    expect(validateMessage({ ...base, ...patch(MAX_TERM) }).ok).toBe(true);
  });

  it('validateMessage refuses out-of-range lastLogTerm, lastIncludedTerm and conflictTerm', () => {
    const bad = MAX_TERM + 1;
    const vote = { type: 'RequestVoteRequest', cluster: 'test', from: 'n1', to: 'n2', term: bad, lastLogIndex: 1, lastLogTerm: bad, transfer: false };
    const snap = { type: 'InstallSnapshotRequest', cluster: 'test', from: 'n1', to: 'n2', term: bad, lastIncludedIndex: 1, lastIncludedTerm: bad, lastIncludedConfig: { voters: ['n1'] }, offset: 0, data: '', done: true, round: 0 };
    const response = { ...hostile('response', 'n1', 'n2', 3), conflictTerm: bad };
    for (const raw of [vote, { ...vote, type: 'PreVoteRequest' }, snap, response]) expect(validateMessage(raw).ok).toBe(false);
  });
});

describe('one hostile message cannot wedge the cluster', () => {
  it.each(['append', 'vote', 'prevote', 'response'] as const)('a %s with term 2^53 - 1 is refused as InvalidMessage; the cluster elects and commits afterwards', (kind) => {
    const { cluster, leader } = runningCluster();
    const terms = cluster.ids.map((id) => cluster.state(id).term);
    const attacker = cluster.ids.find((id) => id !== leader) as NodeId;
    for (const to of cluster.ids.filter((id) => id !== attacker)) {
      const out = cluster.input(to, receive(hostile(kind, attacker, to, 2 ** 53 - 1)));
      expect(out.errors).toEqual([expect.objectContaining({ type: 'InvalidMessage', reason: expect.stringMatching(/term/) })]);
    }
    expect(cluster.ids.map((id) => cluster.state(id).term)).toEqual(terms);
    expectElectsAndCommitsWithoutLeader(cluster, leader);
    expect(Math.max(...cluster.ids.map((id) => cluster.state(id).term))).toBeLessThan(100);
  });

  it.each(['append', 'vote', 'prevote', 'response'] as const)('a %s with a term in range but far ahead (MAX_TERM - 1) is refused, and moves a term up by one step only', (kind) => {
    const { cluster, leader } = runningCluster(2);
    const attacker = cluster.ids.find((id) => id !== leader) as NodeId;
    const start = Math.max(...cluster.ids.map((id) => cluster.state(id).term));
    for (const to of cluster.ids.filter((id) => id !== attacker)) {
      const before = cluster.state(to).term;
      const out = cluster.input(to, receive(hostile(kind, attacker, to, MAX_TERM - 1)));
      expect(out.errors).toEqual([expect.objectContaining({ type: 'InvalidMessage', reason: expect.stringMatching(/more than \d+ above ours/) })]);
      // A leader's vote requests are ignored in its lease; anything else moves the term one step.
      expect(cluster.state(to).term - before).toBeLessThanOrEqual(MAX_TERM_STEP);
    }
    expectElectsAndCommitsWithoutLeader(cluster, leader);
    expect(Math.max(...cluster.ids.map((id) => cluster.state(id).term))).toBeLessThanOrEqual(start + MAX_TERM_STEP + 10);
  });

  it('a node pushed more than a step ahead of the others is not stranded: they catch up a step per refused message', () => {
    // Found by the property below: two in-step messages put one node 2^16 + 2 terms ahead of the
    // other survivor. Had far-ahead terms only been refused, neither could ever accept the other.
    const { cluster, leader } = runningCluster(5);
    const attacker = cluster.ids.find((id) => id !== leader) as NodeId;
    const victim = cluster.ids.find((id) => id !== leader && id !== attacker) as NodeId;
    const start = cluster.state(victim).term;
    cluster.input(victim, receive(hostile('response', attacker, victim, start + MAX_TERM_STEP)));
    cluster.input(victim, receive(hostile('append', attacker, victim, start + 2 * MAX_TERM_STEP)));
    expect(cluster.state(victim).term).toBe(start + 2 * MAX_TERM_STEP);
    expectElectsAndCommitsWithoutLeader(cluster, leader);
  });

  it('a correct peer more than a step behind catches up the same way', () => {
    const cluster = new TestCluster({ size: 3, seed: 3 });
    for (const id of cluster.ids) {
      const behind = id === 'n3' ? 1 : 3 * MAX_TERM_STEP + 5;
      cluster.node(id).durable.term = behind;
      cluster.restart(id);
    }
    const leader = cluster.electLeader(2000);
    cluster.propose(leader, 'x');
    cluster.runUntil(() => cluster.ids.every((id) => cluster.node(id).applied.some((a) => a.entry.data === 'x')), 500);
    expect(cluster.state('n3').term).toBe(cluster.state(leader).term);
  });

  it('property: any burst of hostile messages with any terms leaves a cluster that elects and commits', () => {
    const termArb = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: MAX_TERM_STEP - 2, max: MAX_TERM_STEP + 12 }), fc.integer({ min: MAX_TERM - 3, max: MAX_TERM + 3 }),
      fc.constantFrom(2 ** 53 - 1, 2 ** 53, -1, 0.5), fc.integer({ min: 0, max: 2 ** 40 }));
    const attack = fc.array(fc.record({ kind: fc.constantFrom('append', 'vote', 'prevote', 'response') as fc.Arbitrary<'append' | 'vote' | 'prevote' | 'response'>, term: termArb, to: fc.nat(2) }), { minLength: 1, maxLength: 6 });
    let cases = 0;
    fc.assert(fc.property(attack, fc.integer({ min: 1, max: 50 }), (messages, seed) => {
      cases++;
      const { cluster, leader } = runningCluster(seed);
      const startTerm = Math.max(...cluster.ids.map((id) => cluster.state(id).term));
      const attacker = cluster.ids.find((id) => id !== leader) as NodeId;
      for (const m of messages) {
        const to = cluster.ids.filter((id) => id !== attacker)[m.to % 2];
        cluster.input(to, receive(hostile(m.kind, attacker, to, m.term)));
        cluster.deliverAll();
      }
      // Each message raises a term by at most one step: a burst of k spends at most k steps of the range.
      for (const id of cluster.ids) expect(cluster.state(id).term).toBeLessThanOrEqual(startTerm + messages.length * MAX_TERM_STEP + 2);
      expectElectsAndCommitsWithoutLeader(cluster, leader);
    }), { seed: 2053, numRuns: 150 });
    expect(cases).toBe(150);
  });
});

describe('the step limit does not refuse correct peers', () => {
  it('a follower behind by exactly MAX_TERM_STEP adopts the leader\'s term; one more is refused, and the follower moves up one step', () => {
    const follower = restartState(configFor('n2', 3), { term: 5, votedFor: 'n2', snapshot: null, entries: [] }, 0);
    const reached = step(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 5 + MAX_TERM_STEP })));
    expect(reached.output.errors).toEqual([]);
    expect([reached.state.term, reached.state.leaderId]).toEqual([5 + MAX_TERM_STEP, 'n1']);
    const tooFar = step(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 6 + MAX_TERM_STEP })));
    expect(tooFar.output.errors).toEqual([expect.objectContaining({ type: 'InvalidMessage' })]);
    expect(tooFar.output.messages).toEqual([]);
    expect([tooFar.state.term, tooFar.state.votedFor, tooFar.state.leaderId, tooFar.state.role]).toEqual([5 + MAX_TERM_STEP, null, null, 'Follower']);
    expect(tooFar.output.persist).toEqual(expect.objectContaining({ term: 5 + MAX_TERM_STEP, votedFor: null }));
  });

  it('lower terms are untouched by the limit: a stale request far behind still gets our term back', () => {
    const ahead = restartState(configFor('n2', 3), { term: 3 * MAX_TERM_STEP, votedFor: null, snapshot: null, entries: [] }, 0);
    const r = step(ahead, receive(appendRequest({ from: 'n1', to: 'n2', term: 1 })));
    expect(r.output.errors).toEqual([]);
    expect(r.output.messages).toEqual([expect.objectContaining({ type: 'AppendEntriesResponse', term: 3 * MAX_TERM_STEP, success: false })]);
  });
});

describe('a node at MAX_TERM', () => {
  const atTerm = (term: number) => restartState(configFor('n1', 3, { preVote: false }), { term, votedFor: null, snapshot: null, entries: [] }, 0);

  function timeOut(state: ReturnType<typeof atTerm>) {
    let s = state;
    const messages: Message[] = [];
    for (let t = 0; t < 4 * s.config.electionTimeoutTicks; t++) {
      const r = step(s, { type: 'Tick' });
      s = r.state;
      messages.push(...r.output.messages);
    }
    return { state: s, messages };
  }

  it('does not campaign: it has no next term to ask for, and never holds or sends a term beyond MAX_TERM', () => {
    const { state, messages } = timeOut(atTerm(MAX_TERM));
    expect(state.term).toBe(MAX_TERM);
    expect(state.role).toBe('Follower');
    expect(messages).toEqual([]);
    const withPreVote = timeOut(restartState(configFor('n1', 3, { preVote: true }), { term: MAX_TERM, votedFor: null, snapshot: null, entries: [] }, 0));
    expect(withPreVote.messages).toEqual([]);
  });

  it('one below MAX_TERM still campaigns, and its vote requests are valid messages', () => {
    const { state, messages } = timeOut(atTerm(MAX_TERM - 1));
    expect(state.term).toBe(MAX_TERM);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(validateMessage(m).ok).toBe(true);
  });
});
