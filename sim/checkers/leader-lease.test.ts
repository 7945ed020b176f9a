// LeaderLease and QuorumActivity must be able to fail: genuine steps of a follower in its leader's
// lease, of one outside it, and of a leader hearing an answer pass; the same steps doctored the way
// mutation testing found surviving (a lease ignored, a lease held too long, an answer not counted
// for CheckQuorum) fail; planted step wrappers show the simulator reports each under its name.

import { step, type Input, type LeaderState, type RaftState, type RequestVoteRequest, type StepResult } from '../../core';
import type { TestCluster } from '../../core/testing/cluster';
import { settledCluster } from './test-support/settled-cluster';
import { SafetyViolation } from '../../checkers/violation';
import { thrownViolation } from '../../checkers/test-support/thrown-violation';
import { bugSimConfig, runJudged } from '../bugs/run';
import type { PlantedBug } from '../bugs/types';
import { checkLeaderLease } from './leader-lease';

function cluster(): { c: TestCluster; leader: string; follower: string; other: string } {
  const { c, leader } = settledCluster('a');
  const [follower, other] = c.ids.filter((id) => id !== leader);
  return { c, leader, follower, other };
}

function voteRequest(s: RaftState, from: string, to: string): Input {
  const m: RequestVoteRequest = {
    type: 'RequestVoteRequest', cluster: s.config.clusterId, from, to, term: s.term + 1,
    lastLogIndex: 99, lastLogTerm: s.term, transfer: false,
  };
  return { type: 'Receive', message: m };
}

const violationOf = (node: string, before: RaftState, input: Input, r: StepResult): SafetyViolation => thrownViolation(() => checkLeaderLease(node, before, input, r));

describe('LeaderLease: a node in its leader\'s lease is not deposed by a vote request; outside it, it is', () => {
  it('accepts the genuine follower, in the lease and out of it', () => {
    const { c, follower, other } = cluster();
    const inLease = c.state(follower);
    expect(inLease.electionElapsed).toBeLessThan(inLease.config.electionTimeoutTicks);
    const input = voteRequest(inLease, other, follower);
    const r = step(inLease, input);
    expect(r.state.term).toBe(inLease.term);
    expect(() => checkLeaderLease(follower, inLease, input, r)).not.toThrow();
    const expired = { ...inLease, electionElapsed: inLease.config.electionTimeoutTicks };
    const heard = step(expired, input);
    expect(heard.state.term).toBe(inLease.term + 1);
    expect(() => checkLeaderLease(follower, expired, input, heard)).not.toThrow();
  });

  it('fails a follower that takes a higher term inside the lease, and one that ignores it outside', () => {
    const { c, follower, other } = cluster();
    const inLease = c.state(follower);
    const input = voteRequest(inLease, other, follower);
    const expired = { ...inLease, electionElapsed: inLease.config.electionTimeoutTicks };
    const deposed = step(expired, input);
    const v = violationOf(follower, inLease, input, { ...deposed, state: { ...deposed.state, electionElapsed: inLease.electionElapsed } });
    expect(v.property).toBe('LeaderLease');
    expect(v.detail).toMatch(/in its leader's lease .* term \d+ → \d+, vote n\d → n\d/);
    const ignored = step(inLease, input);
    expect(violationOf(follower, expired, input, ignored).detail).toMatch(/outside any lease, ignored/);
  });

  it('fails a leader that does not count an answer of its term for CheckQuorum or ReadIndex (QuorumActivity)', () => {
    const { c, leader, follower } = cluster();
    const s = c.state(leader);
    const beat = step({ ...s, leader: { ...(s.leader as LeaderState), progress: Object.fromEntries(Object.entries((s.leader as LeaderState).progress).map(([id, p]) => [id, { ...p, recentActive: false }])) } }, { type: 'Tick' });
    const request = beat.output.messages.find((m) => m.to === follower && m.type === 'AppendEntriesRequest');
    expect(request).toBeDefined();
    const answer = step(c.state(follower), { type: 'Receive', message: request! }).output.messages.find((m) => m.type === 'AppendEntriesResponse');
    expect(answer).toBeDefined();
    const input: Input = { type: 'Receive', message: answer! };
    const r = step(beat.state, input);
    expect(() => checkLeaderLease(leader, beat.state, input, r)).not.toThrow();
    const l = r.state.leader as LeaderState;
    const forgot = { ...r, state: { ...r.state, leader: { ...l, progress: { ...l.progress, [follower]: { ...l.progress[follower], recentActive: false } } } } };
    const v = violationOf(leader, beat.state, input, forgot);
    expect(v.property).toBe('QuorumActivity');
    expect(v.detail).toMatch(/records it not heard from/);
  });

  it('is reported by the simulator when core ignores the lease, and when it forgets an answer', () => {
    const noLease: PlantedBug = {
      name: 'no-leader-lease', description: 'vote requests are judged as if CheckQuorum were off', caughtBy: ['LeaderLease'],
      config: { faults: 'all', nodes: 3, durationMs: 5_000 },
      step: (core) => (state, input) => {
        if (input.type !== 'Receive' || (input.message.type !== 'PreVoteRequest' && input.message.type !== 'RequestVoteRequest')) return core(state, input);
        const r = core({ ...state, config: { ...state.config, checkQuorum: false } }, input);
        return { ...r, state: { ...r.state, config: state.config } };
      },
    };
    // Vote requests inside a lease are rare in sweeps (seeds 1 and 2 of this profile have none
    // that the lost lease changes the answer to): seed 3 has one.
    expect(runJudged(bugSimConfig(noLease, 3), noLease).violation?.property).toBe('LeaderLease');
    expect(runJudged(bugSimConfig(noLease, 3), null).violation).toBeNull();
    const forgetful: PlantedBug = {
      name: 'answer-not-counted', description: 'a leader does not record a follower as active on its answers', caughtBy: ['QuorumActivity'],
      config: { faults: 'crashes', nodes: 3, durationMs: 2_000 },
      step: (core) => (state, input) => {
        const r = core(state, input);
        const l = r.state.leader;
        if (input.type !== 'Receive' || input.message.type !== 'AppendEntriesResponse' || l === null || l === undefined || l.progress[input.message.from] === undefined) return r;
        const from = input.message.from;
        return { ...r, state: { ...r.state, leader: { ...l, progress: { ...l.progress, [from]: { ...l.progress[from], recentActive: false } } } } };
      },
    };
    expect(runJudged(bugSimConfig(forgetful, 1), forgetful).violation?.property).toBe('QuorumActivity');
  });
});
