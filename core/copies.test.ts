// The step's drafts are written field by field (state.ts: copyState, copyLeaderState,
// copyProgress) rather than spread, for speed. A field added to RaftState, LeaderState or Progress
// but forgotten there would be silently dropped at the next step; these tests catch that, and a
// changed field order (which would change JSON.stringify of a state).

import { TestCluster } from './testing/cluster';
import { tickUntilRole } from './testing/fixtures';
import { copyLeaderState, copyProgress, copyState, type LeaderState, type RaftState } from './state';

function expectSameFields(copy: object, original: object): void {
  expect(Object.keys(copy)).toEqual(Object.keys(original));
  for (const key of Object.keys(original)) {
    expect({ key, same: (copy as Record<string, unknown>)[key] === (original as Record<string, unknown>)[key] }).toEqual({ key, same: true });
  }
}

function leaderOfRunningCluster(): RaftState {
  const cluster = new TestCluster({ size: 3 });
  tickUntilRole(cluster, 'n1', 'Leader');
  cluster.input('n1', { type: 'Propose', requestId: 'r1', data: ['x'] });
  return cluster.state('n1');
}

describe('explicit copies of the step draft', () => {
  const leader = leaderOfRunningCluster();

  it('copyState keeps every field, in order, by reference', () => {
    const copy = copyState(leader);
    expect(copy).not.toBe(leader);
    expectSameFields(copy, leader);
  });

  it('copyLeaderState keeps every field, in order, by reference (progress is copied on first write)', () => {
    const original = leader.leader as LeaderState;
    const copy = copyLeaderState(original);
    expect(copy).not.toBe(original);
    expectSameFields(copy, original);
  });

  it('copyProgress keeps every field, in order', () => {
    const original = (leader.leader as LeaderState).progress.n2;
    expectSameFields(copyProgress(original), original);
  });

  it('would notice a forgotten field (the check can fail)', () => {
    const withExtra = { ...leader, extra: 1 } as RaftState;
    expect(() => expectSameFields(copyState(withExtra), withExtra)).toThrow();
  });
});
