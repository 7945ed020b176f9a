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
