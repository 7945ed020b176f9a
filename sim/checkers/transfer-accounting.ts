// TransferAccounting: a leadership transfer starts when asked, ends only for a reason, and every
// ending that is not a hand-over is reported to the operator.
//
// The workload asks for transfers, but nothing judged what a leader did with the request: a second
// request ignored, a transfer replaced without a TransferAborted, or one abandoned at the next tick
// instead of after an election timeout all passed every sweep (docs/mutation.md, theme
// no-transfers-in-sweeps). Judged on each step of a node that leads before and after it (§3.10):
//
//   a TransferLeadership request to a leader is rejected (TransferRejected), or leaves a transfer
//   to that target pending;
//   a pending transfer that is replaced or dropped is reported as TransferAborted to its target,
//   and is dropped without a new one only once an election timeout has passed since it started;
//   a transfer is pending less than two election timeouts (a leader looks at its age once per
//   election timeout, at the CheckQuorum instant, so one that has not ended by then is abandoned:
//   proposals, refused while it lasts, must resume);
//   a leader refuses a proposal as TransferInProgress exactly while a transfer is pending.
//
// It reads core's state, so the simulator applies it to its in-process core only.

import type { Input, RaftState, StepResult } from '../../core';
import { SafetyViolation } from '../../checkers/violation';

function fail(node: string, detail: string): never {
  throw new SafetyViolation('TransferAccounting', detail, node);
}

type StepError = StepResult['output']['errors'][number];

/**
 * Whether `errors` holds one of `type` (and, given, addressed `to`). Indexed, without a closure per
 * call: this runs on every step of a leader, whose errors are nearly always none.
 */
function hasError(errors: readonly StepError[], type: StepError['type'], to?: string): boolean {
  for (let k = 0; k < errors.length; k++) {
    const e = errors[k];
    if (e.type === type && (to === undefined || ('to' in e && e.to === to))) return true;
  }
  return false;
}

function refusedForTransfer(errors: readonly StepError[]): boolean {
  for (let k = 0; k < errors.length; k++) {
    const e = errors[k];
    if (e.type === 'ProposalDropped' && e.reason === 'TransferInProgress') return true;
  }
  return false;
}

export function checkTransferAccounting(node: string, before: RaftState, input: Input, result: StepResult): void {
  const after = result.state;
  if (before.role !== 'Leader' || after.role !== 'Leader' || before.term !== after.term) return;
  const was = before.leader?.transfer ?? null;
  const now = after.leader?.transfer ?? null;
  const errors = result.output.errors;
  const refused = refusedForTransfer(errors);
  if (refused && was === null) fail(node, `refused a proposal as TransferInProgress with no transfer pending`);
  const proposal = input.type === 'Propose' || input.type === 'ProposeConfChange';
  if (proposal && was !== null && !refused && !hasError(errors, 'InvalidInput')) {
    fail(node, `did not refuse a ${input.type} while its transfer to ${was.to} was pending (proposals wait until it ends)`);
  }
  if (input.type === 'TransferLeadership') {
    const rejected = hasError(errors, 'TransferRejected', input.to);
    if (!rejected && now?.to !== input.to) fail(node, `asked to transfer to ${input.to}, neither rejected it nor started (pending: ${now === null ? 'none' : now.to})`);
  }
  if (now !== null && after.tick - now.startedAt >= 2 * after.config.electionTimeoutTicks) {
    fail(node, `its transfer to ${now.to} (started at tick ${now.startedAt}) is still pending at tick ${after.tick}, two election timeouts (${after.config.electionTimeoutTicks} ticks each) later`);
  }
  if (was === null || (now !== null && now.to === was.to && now.startedAt === was.startedAt)) return;
  if (!hasError(errors, 'TransferAborted', was.to)) {
    fail(node, `its transfer to ${was.to} (started at tick ${was.startedAt}) ended without a TransferAborted (now: ${now === null ? 'none' : now.to})`);
  }
  if (now === null && after.tick - was.startedAt < after.config.electionTimeoutTicks) {
    fail(node, `abandoned its transfer to ${was.to} at tick ${after.tick}, ${after.tick - was.startedAt} ticks after it started (an election timeout is ${after.config.electionTimeoutTicks})`);
  }
}
