// What a step does not allocate, where that is visible from outside: a step that only performs
// actions returns a shared frozen output (action-lists.ts, quietOutput), and an answer that tells
// the leader nothing new leaves its records untouched, the very objects of the state it was given
// (replication.ts, isRepeatAnswer). The bench in bench/etcd/ measures the bytes; these pin the shapes.

import { step } from './step';
import { TestCluster, deepFreeze } from './testing/cluster';
import { stateJson } from './testing/fixtures';
import type { AppendEntriesResponse } from './types';

function steadyLeader(): { cluster: TestCluster; leader: string; follower: string } {
  const cluster = new TestCluster({ size: 3 });
  const leader = cluster.electLeader();
  cluster.propose(leader, 'a');
  cluster.deliverAll();
  const follower = cluster.ids.find((id) => id !== leader) as string;
  return { cluster, leader, follower };
}

function answer(cluster: TestCluster, leader: string, follower: string, round: number): AppendEntriesResponse {
  const s = cluster.state(leader);
  const match = s.leader?.progress[follower].match as number;
  return {
    type: 'AppendEntriesResponse', cluster: 'test', from: follower, to: leader, term: s.term,
    success: true, matchIndex: match, conflictIndex: 0, conflictTerm: 0, prevLogIndex: match, round,
  };
}

describe('outputs of steps that only perform actions', () => {
  it('are one frozen object per action list, shared by every such step', () => {
    const { cluster, follower } = steadyLeader();
    const state = deepFreeze(cluster.state(follower));
    // An acknowledgement of nothing new: no action, nothing to report.
    const first = step(state, { type: 'PersistAck', seq: 0 });
    const second = step(first.state, { type: 'PersistAck', seq: 0 });
    expect(second.output).toBe(first.output);
    expect(Object.isFrozen(first.output)).toBe(true);
    expect(first.output).toEqual({ messages: [], persist: null, apply: [], restore: null, reads: [], proposed: [], errors: [], actions: [] });
  });

  it('are not shared by a step that reports anything else', () => {
    const { cluster, leader } = steadyLeader();
    const state = deepFreeze(cluster.state(leader));
    const a = step(state, { type: 'Propose', requestId: 'x', data: ['b'] });
    const b = step(state, { type: 'Propose', requestId: 'x', data: ['b'] });
    expect(a.output).not.toBe(b.output);
    expect(Object.isFrozen(a.output)).toBe(false);
  });
});

describe('an answer that tells the leader nothing new', () => {
  it('changes nothing and copies none of its records', () => {
    const { cluster, leader, follower } = steadyLeader();
    const before = deepFreeze(cluster.state(leader));
    const pr = before.leader?.progress[follower];
    expect(pr).toMatchObject({ mode: 'Replicate', inflight: [], recentActive: true });
    const { state, output } = step(before, { type: 'Receive', message: answer(cluster, leader, follower, pr?.ackedRound as number) });
    expect(state.leader).toBe(before.leader);
    expect(stateJson(state)).toBe(stateJson(before));
    expect(output.messages).toEqual([]);
    expect(output.actions).toEqual(['HandleAppendEntriesResponse']);
  });

  it('is not one when it counts a newer heartbeat round: that is recorded', () => {
    const { cluster, leader, follower } = steadyLeader();
    cluster.tick(leader);
    const before = deepFreeze(cluster.state(leader));
    const round = before.leader?.round as number;
    expect(round).toBeGreaterThan(before.leader?.progress[follower].ackedRound as number);
    const { state } = step(before, { type: 'Receive', message: answer(cluster, leader, follower, round) });
    expect(state.leader).not.toBe(before.leader);
    expect(state.leader?.progress[follower].ackedRound).toBe(round);
  });
});

describe('persist records', () => {
  it('keep the field order of the writes that made them (it is the order JSON.stringify prints)', () => {
    const { cluster, leader, follower } = steadyLeader();
    const proposal = step(deepFreeze(cluster.state(leader)), { type: 'Propose', requestId: 'p', data: ['c', 'd'] });
    expect(Object.keys(proposal.output.persist ?? {})).toEqual(['seq', 'appendFrom', 'entries']);
    expect(proposal.output.persist?.entries).toEqual([
      { term: cluster.state(leader).term, type: 'Normal', data: 'c' },
      { term: cluster.state(leader).term, type: 'Normal', data: 'd' },
    ]);
    const s = cluster.state(follower);
    const vote = step(deepFreeze(s), {
      type: 'Receive',
      message: { type: 'RequestVoteRequest', cluster: 'test', from: leader, to: follower, term: s.term + 5, lastLogIndex: 1000, lastLogTerm: s.term, transfer: true },
    });
    expect(Object.keys(vote.output.persist ?? {})).toEqual(['seq', 'term', 'votedFor']);
  });

  it("copy a received message's entries: the sender's list stays the sender's", () => {
    const { cluster, leader, follower } = steadyLeader();
    const entries = [{ term: cluster.state(leader).term, type: 'Normal' as const, data: 'e' }];
    const s = cluster.state(follower);
    const last = s.log.snapshotIndex + s.log.entries.size;
    const { output } = step(deepFreeze(s), {
      type: 'Receive',
      message: { type: 'AppendEntriesRequest', cluster: 'test', from: leader, to: follower, term: s.term, prevLogIndex: last, prevLogTerm: s.term, entries, leaderCommit: 0, round: 0 },
    });
    expect(output.persist?.entries).toEqual(entries);
    expect(output.persist?.entries).not.toBe(entries);
  });
});

describe('in-flight lists emptied by an answer', () => {
  it('are one shared frozen empty list, not a fresh one per answer', () => {
    const cluster = new TestCluster({ size: 3 });
    const leader = cluster.electLeader();
    cluster.propose(leader, 'a');
    cluster.deliverAll();
    cluster.propose(leader, 'b');
    cluster.deliverAll();
    const [f1, f2] = cluster.ids.filter((id) => id !== leader);
    const progress = cluster.state(leader).leader?.progress ?? {};
    expect(progress[f1].inflight).toEqual([]);
    expect(progress[f1].inflight).toBe(progress[f2].inflight);
    expect(Object.isFrozen(progress[f1].inflight)).toBe(true);
  });
});
