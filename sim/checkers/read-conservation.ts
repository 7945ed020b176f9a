// ReadAccounting, conservation: a leader answers each read it took exactly once.
//
// A leader holds the reads it has taken (waiting for its first commit, or for a heartbeat round)
// until it answers them. Over one step in which it stays leader of the same term, for every
// request id:
//
//   held after = held before + taken in the step − answered in the step
//
// where "held" counts the id's entries in readsAwaitingCommit and pendingReads, "taken" is 1 when
// the step's input is a client Read or a forwarded ReadIndexRequest of that id, and "answered"
// counts a ReadIndexResponse with an index sent for it, or its own client's read made ready
// (queued in readyReads or emitted). Counting, not set membership, because a client's retry
// reaches the leader under the same request id while the first copy is still held: both copies
// are held and both are answered. An answer that leaves its read held (answered again when a later
// round confirms) and a read dropped without an answer both break the count. Leaving office is
// judged by checkReadAccounting (every held read answered or failed).

import type { Input, RaftState, StepResult } from '../../core';
import { SafetyViolation } from '../../checkers/violation';
import { sameTermLeader, type LeaderRecords, type SameTermLeader } from './same-term-leader';
import { answersInStep, type ReadAnswers } from './read-answers';

export function checkReadConservation(node: string, before: RaftState, input: Input, result: StepResult, answers: ReadAnswers = answersInStep(node, before, result),
  leader: SameTermLeader | null = sameTermLeader(before, result.state)): void {
  const after = result.state;
  if (leader === null) return;
  const { was, is } = leader;
  const tookId = takenRequestId(input, node, before.term);
  const unchanged = was.pendingReads === is.pendingReads && was.readsAwaitingCommit === is.readsAwaitingCommit;
  if (unchanged && tookId === null && answers === null) return;

  const delta = new Map<string, number>(answers ?? []); // answered + held after − held before − taken, per id
  const add = (id: string, n: number): void => {
    delta.set(id, (delta.get(id) ?? 0) + n);
  };
  countHeld(is, 1, add);
  countHeld(was, -1, add);
  if (tookId !== null) add(tookId, -1);
  for (const [id, d] of delta) {
    if (d === 0) continue;
    throw new SafetyViolation(
      'ReadAccounting',
      d > 0
        ? `leading term ${after.term}, it answered read ${id} and still holds it (${d} more held or answered than it took)`
        : `leading term ${after.term}, it stopped holding read ${id} without answering it (${-d} fewer held or answered than it took)`,
      node,
    );
  }
}

function takenRequestId(input: Input, node: string, term: number): string | null {
  if (input.type === 'Read') return input.requestId;
  if (input.type !== 'Receive') return null;
  const m = input.message;
  return m.type === 'ReadIndexRequest' && m.to === node && m.term === term ? m.requestId : null;
}

function countHeld(l: LeaderRecords, sign: 1 | -1, add: (id: string, n: number) => void): void {
  for (const r of l.readsAwaitingCommit) add(r.requestId, sign);
  for (const r of l.pendingReads) add(r.requestId, sign);
}
