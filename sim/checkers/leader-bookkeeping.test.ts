// LeaderBookkeeping must be able to fail: each rule gets a real leader's state doctored to break it
// (the shapes of bug mutation testing found surviving: a pin kept after its transfer, an empty
// message recorded in flight, uncommitted bytes miscounted, a malformed round or read record),
// while the genuine state passes. A step wrapper that corrupts a leader's records shows the
// simulator reports it under the property's name, and sweeps of every fault profile show it raises
// nothing on correct code.

import { lastIndex, type LeaderState, type Progress, type RaftState, type Snapshot } from '../../core';
import { EMPTY_LOG } from '../../core/log';
import { settledCluster } from './test-support/settled-cluster';
import { SafetyViolation } from '../../checkers/violation';
import { thrownViolation } from '../../checkers/test-support/thrown-violation';
import { makeSimConfig } from '../config';
import { runSeed } from '../run-seed';
import { bugSimConfig, runJudged } from '../bugs/run';
import type { PlantedBug } from '../bugs/types';
import { checkLeaderBookkeeping } from './leader-bookkeeping';

/** Three nodes, a leader, three proposals applied everywhere: the leader's state. */
function leaderState(): { s: RaftState; follower: string } {
  const { c, leader } = settledCluster('a', 'bb', 'ccc');
  const s = c.state(leader);
  expect(s.role).toBe('Leader');
  expect(s.commitIndex).toBe(lastIndex(s.log));
  return { s, follower: Object.keys((s.leader as LeaderState).progress)[0] };
}

function withLeader(s: RaftState, change: (l: LeaderState) => Partial<LeaderState>): RaftState {
  const l = s.leader as LeaderState;
  return { ...s, leader: { ...l, ...change(l) } };
}

function withProgress(s: RaftState, id: string, change: (p: Progress) => Partial<Progress>): RaftState {
  return withLeader(s, (l) => ({ progress: { ...l.progress, [id]: { ...l.progress[id], ...change(l.progress[id]) } } }));
}

const violationOf = (s: RaftState): SafetyViolation => thrownViolation(() => checkLeaderBookkeeping('n1', s));

const snapshot: Snapshot = { index: 2, term: 1, config: { voters: ['n1', 'n2', 'n3'] }, data: 'abcdef' };

describe('LeaderBookkeeping catches a leader whose own records contradict each other', () => {
  it('accepts the genuine leader', () => {
    expect(() => checkLeaderBookkeeping('n1', leaderState().s)).not.toThrow();
  });

  const cases: [string, (s: RaftState, follower: string) => RaftState, RegExp][] = [
    ['a follower in a mode that is none of the three', (s, f) => withProgress(s, f, () => ({ mode: '' as Progress['mode'] })), /mode "" is none of Probe, Replicate, Snapshot/],
    ['a snapshot still pinned after its transfer ended', (s, f) => withProgress(s, f, () => ({ mode: 'Replicate', pinnedSnapshot: snapshot })), /still pinned in Replicate mode/],
    ['acknowledged snapshot bytes with nothing pinned', (s, f) => withProgress(s, f, () => ({ snapshotAckedBytes: 3 })), /no snapshot pinned/],
    ['an empty message recorded in flight', (s, f) => withProgress(s, f, (p) => ({ mode: 'Replicate', inflight: [{ lastIndex: p.match, bytes: 0, round: 0 }] })), /in-flight append ending at/],
    ['in-flight bytes that are not the sum of the appends', (s, f) => withProgress(s, f, () => ({ inflightBytes: 5 })), /bytes in flight, but its appends hold 0/],
    ['appends in flight in Probe mode', (s, f) => withProgress(s, f, (p) => ({ mode: 'Probe', match: p.match - 1, inflight: [{ lastIndex: p.match, bytes: 0, round: 0 }] })), /in Probe mode/],
    ['next beyond the log', (s, f) => withProgress(s, f, () => ({ next: lastIndex(s.log) + 2 })), /match .* next/],
    ['uncommitted bytes counted when everything is committed', (s) => withLeader(s, () => ({ uncommittedBytes: 6 })), /everything is committed, yet 6 bytes/],
    ['negative uncommitted bytes', (s) => withLeader(s, () => ({ uncommittedBytes: -6 })), /-6 uncommitted bytes/],
    ['a malformed heartbeat-round record', (s) => withLeader(s, (l) => ({ roundSentAt: ['junk' as never, ...l.roundSentAt] })), /heartbeat round record 0/],
    ['a newest round that is not the current one', (s) => withLeader(s, (l) => ({ round: l.round + 1 })), /newest remembered round/],
    ['a malformed pending read', (s) => withLeader(s, () => ({ pendingReads: ['junk' as never] })), /a pending read is "junk"/],
  ];
  it.each(cases)('%s', (_name, doctor, detail) => {
    const { s, follower } = leaderState();
    const v = violationOf(doctor(s, follower));
    expect(v.property).toBe('LeaderBookkeeping');
    expect(v.detail).toMatch(detail);
  });

  // The checker skips records that passed and have not changed: a record that changed, or one
  // judged against a shorter log, an older round or an earlier tick, is judged again.
  it.each(cases)('%s, after the genuine leader passed', (_name, doctor, detail) => {
    const { s, follower } = leaderState();
    checkLeaderBookkeeping('n1', s);
    const v = violationOf(doctor(s, follower));
    expect(v.detail).toMatch(detail);
  });

  it('judges unchanged records again against a shorter log or an earlier tick', () => {
    const { s } = leaderState();
    checkLeaderBookkeeping('n1', s);
    expect(violationOf({ ...s, log: EMPTY_LOG }).detail).toMatch(/match \d+, next \d+, last index 0/);
    checkLeaderBookkeeping('n1', s);
    const rounds = (s.leader as LeaderState).roundSentAt;
    expect(rounds.length).toBeGreaterThan(0);
    expect(violationOf({ ...s, tick: rounds[0].tick - 1 }).detail).toMatch(/heartbeat round record 0/);
  });

  it('is reported by the simulator under its name when core\'s step corrupts a leader\'s records', () => {
    const miscount: PlantedBug = {
      name: 'miscount-uncommitted-bytes', description: 'a leader counts its proposals as negative uncommitted bytes', caughtBy: ['LeaderBookkeeping'],
      config: { faults: 'crashes', nodes: 3, durationMs: 2_000 },
      step: (core) => (state, input) => {
        const r = core(state, input);
        const l = r.state.leader;
        if (l === null || l.uncommittedBytes === 0) return r;
        return { ...r, state: { ...r.state, leader: { ...l, uncommittedBytes: -l.uncommittedBytes } } };
      },
    };
    const run = runJudged(bugSimConfig(miscount, 1), miscount);
    expect(run.violation?.property).toBe('LeaderBookkeeping');
    expect(runJudged(bugSimConfig(miscount, 1), null).violation).toBeNull();
  });

  it('raises nothing on correct code under every fault profile', () => {
    for (const faults of ['all', 'swarm', 'partitions', 'crashes'] as const) {
      for (const nodes of [3, 5]) {
        for (const seed of [1, 2]) expect(runSeed(makeSimConfig({ seed, faults, nodes, durationMs: 10_000 })).violation).toBeNull();
      }
    }
  });
});
