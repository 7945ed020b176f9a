// TransferAnswers and TimeoutNowRules: what a node does with a leadership-transfer request, and
// with TimeoutNow, on each step (§3.10).
//
// TransferAccounting judges a transfer's life at a leader; nothing judged the answer a client gets
// to a request that cannot be a transfer (asked of a follower, to the leader itself, to a learner or
// a stranger), nor who may send or act on TimeoutNow. Mutation testing found a leader that accepted
// a transfer to itself, and one whose lease outlived its TimeoutNow, surviving every sweep
// (docs/mutation.md, themes client-errors-unchecked and stale-read-windows-narrow). Judged from the
// state before the step and what the step did:
//
//   TransferAnswers  a TransferLeadership request gets exactly its answer, by the first rule that
//                    applies: a node that is not leader rejects it ('not leader'); a leader rejects
//                    one to itself ('already leader') and one to a node that is not a voter of its
//                    configuration ('target is not a voter'), in each case changing nothing and
//                    sending nothing; a request repeating the pending transfer changes nothing; any
//                    other starts a transfer to that target now, reporting the pending one it
//                    replaces (TransferAborted), and no error else.
//   TimeoutNowRules  a leader sends TimeoutNow only to its transfer target once the target holds
//                    its whole log (judged on the state after the step if it still leads, else
//                    only the target), and from then on serves no read by lease (its lease is revoked):
//                    the target may win an election at once, inside the lease's election timeout.
//                    A node starts an election on TimeoutNow only if it is a voter, not leader, of
//                    the sender's term, and the sender is the leader it knows; otherwise it stays
//                    where it was (a stale or forged TimeoutNow must not depose anyone).
//
// Both read core's state, so the simulator applies them to its in-process core only.

import { lastIndex, type ClusterConfig, type Input, type RaftState, type StepResult } from '../../core';
import { SafetyViolation } from '../../checkers/violation';

/** Written here, not imported from core: a check that shares core's definition shares its bugs. */
function voterOf(cluster: ClusterConfig, id: string): boolean {
  return cluster.voters.includes(id) || (cluster.votersOutgoing?.includes(id) ?? false);
}

/** The rejection reason a TransferLeadership request to `to` must get from `before`, or null if it is valid. */
export function transferRejection(node: string, before: RaftState, to: string): string | null {
  if (before.role !== 'Leader') return 'not leader';
  if (to === node) return 'already leader';
  if (!voterOf(before.cluster, to)) return 'target is not a voter';
  return null;
}

const show = (x: unknown): string => JSON.stringify(x);

function checkTransferAnswer(node: string, before: RaftState, to: string, result: StepResult): void {
  const fail = (detail: string): never => {
    throw new SafetyViolation('TransferAnswers', `${node} asked to transfer to ${to}: ${detail}`, node);
  };
  const after = result.state;
  const errors = result.output.errors;
  const was = before.leader?.transfer ?? null;
  const now = after.leader?.transfer ?? null;
  const reason = transferRejection(node, before, to);
  if (reason !== null) {
    const expected = { type: 'TransferRejected', to, reason };
    if (errors.length !== 1 || show(errors[0]) !== show(expected)) fail(`expected only ${show(expected)} (role ${before.role}), got ${show(errors)}`);
    if (result.output.messages.length > 0) fail(`rejected, yet sent ${result.output.messages.length} message(s)`);
    if (after.role !== before.role || after.term !== before.term || show(now) !== show(was)) fail(`rejected, yet changed role/term/transfer: ${before.role}/${before.term}/${show(was)} → ${after.role}/${after.term}/${show(now)}`);
    return;
  }
  if (was !== null && was.to === to) {
    if (errors.length > 0 || show(now) !== show(was)) fail(`repeats the pending transfer ${show(was)}, yet got ${show(errors)} and transfer ${show(now)}`);
    return;
  }
  if (now === null || now.to !== to || now.startedAt !== before.tick) fail(`a valid request did not start a transfer at tick ${before.tick} (now ${show(now)})`);
  const expected = was === null ? [] : [{ type: 'TransferAborted', to: was.to }];
  if (show(errors) !== show(expected)) fail(`expected errors ${show(expected)} (pending before: ${show(was)}), got ${show(errors)}`);
}

/** Module-level, not a closure per call: checkTimeoutNow runs on every step of every node. */
function failTimeoutNow(node: string, detail: string): never {
  throw new SafetyViolation('TimeoutNowRules', detail, node);
}

function checkTimeoutNow(node: string, before: RaftState, input: Input, result: StepResult): void {
  const after = result.state;
  // Indexed, not for-of: this runs on every step, and V8 does not inline for-of over core's frozen lists.
  const messages = result.output.messages;
  for (let k = 0; k < messages.length; k++) {
    const m = messages[k];
    if (m.type !== 'TimeoutNowRequest' || m.from !== node) continue;
    // A leader may send TimeoutNow and then step down in the same step (the commit it learns from
    // the target's answer removes it): then its transfer is the one it had before the step.
    const leadsAfter = after.role === 'Leader' && after.term === m.term;
    const ledBefore = before.role === 'Leader' && before.term === m.term;
    const transfer = leadsAfter ? (after.leader?.transfer ?? null) : ledBefore ? (before.leader?.transfer ?? null) : null;
    if (transfer === null || transfer.to !== m.to) failTimeoutNow(node, `${node} (${before.role} → ${after.role}) sent TimeoutNow to ${m.to}, not its transfer target (${show(transfer)})`);
    if (!leadsAfter) continue;
    const match = after.leader?.progress[m.to]?.match;
    if (match !== lastIndex(after.log)) failTimeoutNow(node, `${node} sent TimeoutNow to ${m.to}, which matches ${match} of its ${lastIndex(after.log)} entries`);
    if (after.leader?.leaseRevoked !== true) failTimeoutNow(node, `${node} sent TimeoutNow to ${m.to} but keeps its read lease: ${m.to} may lead before the lease ends`);
  }
  if (input.type !== 'Receive' || input.message.type !== 'TimeoutNowRequest' || input.message.to !== node) return;
  const m = input.message;
  // A TimeoutNow of a newer term makes the node a follower of that term first; only an election
  // takes it past both terms (its vote requests may wait for the disk, so they are not looked for).
  const campaigned = after.term > Math.max(before.term, m.term);
  const may = before.role !== 'Leader' && m.term === before.term && before.leaderId === m.from && voterOf(before.cluster, node);
  if (campaigned && !may) failTimeoutNow(node, `${node} (${before.role}, term ${before.term}, leader ${before.leaderId}) started an election on TimeoutNow of term ${m.term} from ${m.from}`);
  if (!campaigned && may) failTimeoutNow(node, `${node}, a voter following ${m.from} in term ${m.term}, ignored its TimeoutNow`);
}

/** Throws SafetyViolation('TransferAnswers' | 'TimeoutNowRules') if one step of `node` breaks the rules. */
export function checkTransferRequests(node: string, before: RaftState, input: Input, result: StepResult): void {
  if (input.type === 'TransferLeadership') checkTransferAnswer(node, before, input.to, result);
  checkTimeoutNow(node, before, input, result);
}
