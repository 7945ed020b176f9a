// LeaderBookkeeping must be able to fail: each rule gets a real leader step doctored to break it
// (the shape of bug mutation testing found surviving: a pin kept after its transfer, an empty
// message recorded in flight, uncommitted bytes miscounted, a malformed round or read record),
// replayed into a fresh SafetyChecker beside the genuine step, which it must accept. Sweeps of
// every fault profile show it raises nothing on correct code.

import type { LeaderState, Progress, RaftState, Snapshot } from '../../core';
import { lastIndex } from '../../core';
import { makeSimConfig } from '../config';
import { runSeed } from '../run-seed';
import { CheckedCluster, plant, type StepEvent } from '../test-support/checked-cluster';

/** Three nodes, a leader, three proposals applied everywhere; the last leader step that applied. */
function leaderStep() {
  const c = new CheckedCluster({ size: 3, seed: 4 });
  const leader = c.electLeader();
  c.propose(leader, 'a', 'bb', 'ccc');
  c.runUntil(() => c.ids.every((id) => c.state(id).appliedIndex >= 4), 200);
  let k = -1;
  for (let j = 0; j < c.events.length; j++) {
    const e = c.events[j];
    if (e.kind === 'step' && e.node === leader && e.after.role === 'Leader' && e.after.commitIndex === lastIndex(e.after.log)) k = j;
  }
  expect(k).toBeGreaterThan(0);
  const s = c.step(k);
  const follower = Object.keys((s.after.leader as LeaderState).progress)[0];
  return { c, k, s, follower };
}

function withLeader(s: StepEvent, change: (l: LeaderState) => Partial<LeaderState>): StepEvent {
  const l = s.after.leader as LeaderState;
  return { ...s, after: { ...s.after, leader: { ...l, ...change(l) } } as RaftState };
}

function withProgress(s: StepEvent, id: string, change: (p: Progress) => Partial<Progress>): StepEvent {
  return withLeader(s, (l) => ({ progress: { ...l.progress, [id]: { ...l.progress[id], ...change(l.progress[id]) } } }));
}

const snapshot: Snapshot = { index: 2, term: 1, config: { voters: ['n1', 'n2', 'n3'] }, data: 'abcdef' };

describe('LeaderBookkeeping catches a leader whose own records contradict each other', () => {
  const cases: [string, (x: ReturnType<typeof leaderStep>) => StepEvent, RegExp][] = [
    ['a snapshot still pinned after its transfer ended', ({ s, follower }) => withProgress(s, follower, () => ({ mode: 'Replicate', pinnedSnapshot: snapshot })), /still pinned in Replicate mode/],
    ['acknowledged snapshot bytes with nothing pinned', ({ s, follower }) => withProgress(s, follower, () => ({ snapshotAckedBytes: 3 })), /no snapshot pinned/],
    ['an empty message recorded in flight', ({ s, follower }) => withProgress(s, follower, (p) => ({ mode: 'Replicate', inflight: [{ lastIndex: p.match, bytes: 0, round: 0 }] })), /in-flight append ending at/],
    ['in-flight bytes that are not the sum of the appends', ({ s, follower }) => withProgress(s, follower, () => ({ inflightBytes: 5 })), /bytes in flight, but its appends hold 0/],
    ['appends in flight in Probe mode', ({ s, follower }) => withProgress(s, follower, (p) => ({ mode: 'Probe', match: p.match - 1, inflight: [{ lastIndex: p.match, bytes: 0, round: 0 }] })), /in Probe mode/],
    ['a commit index sent beyond the leader\'s', ({ s, follower }) => withProgress(s, follower, () => ({ sentCommit: s.after.commitIndex + 1 })), /sent commit/],
    ['next beyond the log', ({ s, follower }) => withProgress(s, follower, () => ({ next: lastIndex(s.after.log) + 2 })), /match .* next/],
    ['uncommitted bytes counted when everything is committed', ({ s }) => withLeader(s, () => ({ uncommittedBytes: 6 })), /everything is committed, yet 6 bytes/],
    ['negative uncommitted bytes', ({ s }) => withLeader(s, () => ({ uncommittedBytes: -6 })), /-6 uncommitted bytes/],
    ['a malformed heartbeat-round record', ({ s }) => withLeader(s, (l) => ({ roundSentAt: ['junk' as never, ...l.roundSentAt] })), /heartbeat round record 0/],
    ['a newest round that is not the current one', ({ s }) => withLeader(s, (l) => ({ round: l.round + 1 })), /newest remembered round/],
    ['a malformed pending read', ({ s }) => withLeader(s, () => ({ pendingReads: ['junk' as never] })), /a pending read is "junk"/],
  ];
  it.each(cases)('%s', (_name, doctor, detail) => {
    const x = leaderStep();
    const v = plant(x.c.events, x.k, { ...doctor(x), kind: 'step' });
    expect(v.property).toBe('LeaderBookkeeping');
    expect(v.detail).toMatch(detail);
  });

  it('raises nothing on correct code under every fault profile', () => {
    for (const faults of ['all', 'swarm', 'partitions', 'crashes'] as const) {
      for (const nodes of [3, 5]) {
        for (const seed of [1, 2]) expect(runSeed(makeSimConfig({ seed, faults, nodes, durationMs: 10_000 })).violation).toBeNull();
      }
    }
  });
});
