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

export function checkReadAccounting(node: string, before: RaftState, input: Input, result: StepResult): void {
  const after = result.state;
  const out = result.output;
  const leader = before.leader;
  if (before.role === 'Leader' && leader !== null && leader !== undefined && (after.role !== 'Leader' || after.term !== before.term)) {
    for (const r of [...leader.readsAwaitingCommit, ...leader.pendingReads]) {
      const answered = r.requester === null
        ? out.errors.some((e) => e.type === 'ReadFailed' && e.requestId === r.requestId) || out.reads.some((x) => x.requestId === r.requestId)
        : out.messages.some((m) => m.type === 'ReadIndexResponse' && m.requestId === r.requestId && m.to === r.requester);
      if (!answered) fail(node, `stopped leading (term ${before.term} → ${after.term}, ${after.role}) without answering read ${r.requestId}${r.requester === null ? '' : ` forwarded by ${r.requester}`}`);
    }
  }
  if (input.type === 'Read') {
    const id = input.requestId;
    const l = after.leader;
    const taken = out.reads.some((r) => r.requestId === id) || out.errors.some((e) => 'requestId' in e && e.requestId === id)
      || after.readyReads.some((r) => r.requestId === id)
      || (l !== null && l !== undefined && (l.pendingReads.some((r) => r.requestId === id) || l.readsAwaitingCommit.some((r) => r.requestId === id)))
      || out.messages.some((x) => x.type === 'ReadIndexRequest' && x.requestId === id);
    if (!taken) fail(node, `client read ${id} was neither answered, failed, held nor forwarded (${before.role})`);
    return;
  }
  if (input.type !== 'Receive') return;
  const m = input.message;
  if (m.to !== node || m.term !== before.term) return;
  if (m.type === 'ReadIndexResponse') {
    const failed = out.errors.some((e) => e.type === 'ReadFailed' && e.requestId === m.requestId);
    if (m.readIndex < 0 && !failed) fail(node, `read ${m.requestId} refused by ${m.from} (readIndex ${m.readIndex}) was not failed`);
    if (m.readIndex >= 0) {
      if (failed) fail(node, `read ${m.requestId} confirmed by ${m.from} at index ${m.readIndex} was failed`);
      const kept = after.readyReads.some((r) => r.requestId === m.requestId) || out.reads.some((r) => r.requestId === m.requestId);
      if (!kept) fail(node, `read ${m.requestId} confirmed by ${m.from} at index ${m.readIndex} was dropped`);
    }
  } else if (m.type === 'ReadIndexRequest' && before.role === 'Leader' && after.role === 'Leader' && after.term === before.term) {
    const l = after.leader;
    const held = l !== null && l !== undefined && (l.pendingReads.some((r) => r.requestId === m.requestId) || l.readsAwaitingCommit.some((r) => r.requestId === m.requestId));
    const served = out.messages.some((r) => r.type === 'ReadIndexResponse' && r.requestId === m.requestId && r.to === m.from && r.readIndex >= 0);
    if (!held && !served) fail(node, `leading, it neither served nor held read ${m.requestId} forwarded by ${m.from}`);
  } else if (m.type === 'ReadIndexRequest' && before.role !== 'Leader' && after.role !== 'Leader') {
    const refused = out.messages.some((r) => r.type === 'ReadIndexResponse' && r.requestId === m.requestId && r.to === m.from && r.readIndex < 0);
    if (!refused) fail(node, `not leading, it did not refuse read ${m.requestId} forwarded by ${m.from}`);
  }
}
