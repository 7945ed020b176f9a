// ReadAccounting: no read a node accepted is dropped in silence.
//
// A simulated client whose read is lost times out and retries at another node, and the retry
// succeeds, so a node that forgets to fail its pending reads when it stops leading, refuses every
// forwarded read, or takes a successful ReadIndex answer for a failure passed every sweep
// (docs/mutation.md, theme lost-or-late-responses-masked: 26 survivors). Judged on each step:
//
//   a leader that leaves office in the step answers each read it held: its own client's with a
//   result or a ReadFailed, a follower's forwarded one with a ReadIndexResponse (readIndex -1);
//   a follower given a failed ReadIndex answer (readIndex < 0) fails that read; given a successful
//   one it does not fail it, and holds it until applied (or answers it at once);
//   a node that is not the leader answers a forwarded read of its term with readIndex -1;
//   a leader serves a forwarded read of its term (answers it with an index, or holds it);
//   a client's read is answered, failed, held or forwarded to the leader in the step that takes it.
//
// It reads core's state, so the simulator applies it to its in-process core only.

import type { Input, RaftState, StepResult } from '../../core';
import { SafetyViolation } from '../../checkers/violation';

function fail(node: string, detail: string): never {
  throw new SafetyViolation('ReadAccounting', detail, node);
}

// Indexed scans without a closure per call: a client's read and a forwarded one are judged in
// the step that takes them, and the simulator sends many.

/** Some entry of `list` is for request `id`. */
function holds(list: readonly { readonly requestId: string }[], id: string): boolean {
  for (let k = 0; k < list.length; k++) if (list[k].requestId === id) return true;
  return false;
}

type StepOutput = StepResult['output'];

/** The output carries an error naming request `id` (of `type`, when given: ReadFailed fails a read). */
function errsOn(out: StepOutput, id: string, type?: 'ReadFailed'): boolean {
  const errors = out.errors;
  for (let k = 0; k < errors.length; k++) {
    const e = errors[k];
    if ((type === undefined || e.type === type) && 'requestId' in e && e.requestId === id) return true;
  }
  return false;
}

/** The output forwards read `id` to a leader (ReadIndexRequest). */
function forwards(out: StepOutput, id: string): boolean {
  const messages = out.messages;
  for (let k = 0; k < messages.length; k++) {
    const x = messages[k];
    if (x.type === 'ReadIndexRequest' && x.requestId === id) return true;
  }
  return false;
}

/** The output answers read `id` of `to` with a ReadIndexResponse: 'any' index, a 'served' one (>= 0) or a 'refused' one (< 0). */
function answers(out: StepOutput, id: string, to: string, kind: 'any' | 'served' | 'refused'): boolean {
  const messages = out.messages;
  for (let k = 0; k < messages.length; k++) {
    const r = messages[k];
    if (r.type !== 'ReadIndexResponse' || r.requestId !== id || r.to !== to) continue;
    if (kind === 'any' || (kind === 'served' ? r.readIndex >= 0 : r.readIndex < 0)) return true;
  }
  return false;
}

export function checkReadAccounting(node: string, before: RaftState, input: Input, result: StepResult): void {
  const after = result.state;
  const out = result.output;
  const leader = before.leader;
  if (before.role === 'Leader' && leader !== null && leader !== undefined && (after.role !== 'Leader' || after.term !== before.term)) {
    for (const r of [...leader.readsAwaitingCommit, ...leader.pendingReads]) {
      const answered = r.requester === null
        ? errsOn(out, r.requestId, 'ReadFailed') || holds(out.reads, r.requestId)
        : answers(out, r.requestId, r.requester, 'any');
      if (!answered) fail(node, `stopped leading (term ${before.term} → ${after.term}, ${after.role}) without answering read ${r.requestId}${r.requester === null ? '' : ` forwarded by ${r.requester}`}`);
    }
  }
  if (input.type === 'Read') {
    const id = input.requestId;
    const l = after.leader;
    const taken = holds(out.reads, id) || errsOn(out, id)
      || holds(after.readyReads, id)
      || (l !== null && l !== undefined && (holds(l.pendingReads, id) || holds(l.readsAwaitingCommit, id)))
      || forwards(out, id);
    if (!taken) fail(node, `client read ${id} was neither answered, failed, held nor forwarded (${before.role})`);
    return;
  }
  if (input.type !== 'Receive') return;
  const m = input.message;
  if (m.to !== node || m.term !== before.term) return;
  if (m.type === 'ReadIndexResponse') {
    const failed = errsOn(out, m.requestId, 'ReadFailed');
    if (m.readIndex < 0 && !failed) fail(node, `read ${m.requestId} refused by ${m.from} (readIndex ${m.readIndex}) was not failed`);
    if (m.readIndex >= 0) {
      if (failed) fail(node, `read ${m.requestId} confirmed by ${m.from} at index ${m.readIndex} was failed`);
      const kept = holds(after.readyReads, m.requestId) || holds(out.reads, m.requestId);
      if (!kept) fail(node, `read ${m.requestId} confirmed by ${m.from} at index ${m.readIndex} was dropped`);
    }
  } else if (m.type === 'ReadIndexRequest' && before.role === 'Leader' && after.role === 'Leader' && after.term === before.term) {
    const l = after.leader;
    const held = l !== null && l !== undefined && (holds(l.pendingReads, m.requestId) || holds(l.readsAwaitingCommit, m.requestId));
    const served = answers(out, m.requestId, m.from, 'served');
    if (!held && !served) fail(node, `leading, it neither served nor held read ${m.requestId} forwarded by ${m.from}`);
  } else if (m.type === 'ReadIndexRequest' && before.role !== 'Leader' && after.role !== 'Leader') {
    const refused = answers(out, m.requestId, m.from, 'refused');
    if (!refused) fail(node, `not leading, it did not refuse read ${m.requestId} forwarded by ${m.from}`);
  }
}
