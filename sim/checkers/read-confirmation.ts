// ReadAccounting, confirmation: a ReadIndex read is answered only once a majority has answered a
// heartbeat round started after the leader took it (§6.4, step 2).
//
// The leader numbers its heartbeat rounds; a read taken in round r waits in pendingReads until
// every voting group's majority has acknowledged round r (progress[f].ackedRound, the leader
// counting itself at its own round). Answering it earlier vouches for leadership with answers
// sent before the read arrived, so a leader deposed in between serves a stale value: a window the
// linearizability checker sees only when a deposition lands in it. Judged on each step of a leader
// that stays leader of its term, with lease reads off. A valid lease answers without a round, and
// no rule judges a lease's timing yet (docs/mutation.md, theme stale-read-windows-narrow). For every
// request id:
//
//   answers in the step ≤ its pending entries whose round the step's end confirms
//                         (+ the reads taken or started in the step, when every round is confirmed)
//
// The confirmed round is computed here from the progress records, not with core's quorum code,
// so a wrong quorum in core is not copied into the check.

import type { ClusterConfig, Input, RaftState, StepResult } from '../../core';
import { SafetyViolation } from '../../checkers/violation';
import { sameTermLeader, type LeaderRecords, type SameTermLeader } from './same-term-leader';
import { answersInStep, type ReadAnswers } from './read-answers';

export function checkReadConfirmation(node: string, before: RaftState, input: Input, result: StepResult, answers: ReadAnswers = answersInStep(node, before, result),
  leader: SameTermLeader | null = sameTermLeader(before, result.state)): void {
  const after = result.state;
  if (leader === null) return;
  const { was, is } = leader;
  if (after.config.leaseRead) return;
  if (answers === null) return;

  const confirmed = confirmedRound(node, after.cluster, is);
  const allowed = new Map<string, number>();
  const allow = (id: string): void => {
    allowed.set(id, (allowed.get(id) ?? 0) + 1);
  };
  for (const r of was.pendingReads) if (r.round <= confirmed) allow(r.requestId);
  if (confirmed >= is.round) {
    // Every round the leader has started is confirmed (one voter: its own round), so a read taken
    // or started in this step may be answered in it.
    if (input.type === 'Read') allow(input.requestId);
    if (input.type === 'Receive' && input.message.type === 'ReadIndexRequest') allow(input.message.requestId);
    for (const r of was.readsAwaitingCommit) allow(r.requestId);
  }
  for (const [id, n] of answers) {
    const ok = allowed.get(id) ?? 0;
    if (n > ok) {
      throw new SafetyViolation(
        'ReadAccounting',
        `leading term ${after.term}, it answered read ${id} ${n} time(s) with ${ok} confirmed: a majority has answered heartbeat rounds only up to ${confirmed} (its round is ${is.round})`,
        node,
      );
    }
  }
}

/** The newest heartbeat round that a majority of every voting group has answered. */
function confirmedRound(node: string, cluster: ClusterConfig, leader: LeaderRecords): number {
  const ackedBy = (id: string): number => (id === node ? leader.round : (leader.progress[id]?.ackedRound ?? 0));
  const majorityRound = (voters: readonly string[]): number => {
    const rounds = voters.map(ackedBy).sort((a, b) => b - a);
    return rounds[Math.floor(voters.length / 2)];
  };
  const incoming = majorityRound(cluster.voters);
  return cluster.votersOutgoing === undefined ? incoming : Math.min(incoming, majorityRound(cluster.votersOutgoing));
}
