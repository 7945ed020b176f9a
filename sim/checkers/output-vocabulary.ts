// OutputVocabulary: every action core names and every error it returns is one of its vocabulary.
//
// Trace validation reads an action name only where the trace spec dispatches on it, and the
// simulated clients read an error's type and reason only where they retry on it, so an action
// recorded under an empty name, or a ReadFailed that lost its reason (or became an empty object),
// passed every sweep: mutation testing found 30 such survivors (docs/mutation.md, themes
// action-labels-unchecked and client-errors-unchecked). The vocabulary is core's own types
// (docs/architecture.md has the table); the lists below are checked against them by the compiler.

import type { ActionName, ConfChangeRefusal, RaftError, StepResult } from '../../core';
import { SafetyViolation } from '../../checkers/violation';

const ACTIONS: Record<ActionName, true> = {
  Timeout: true, PreVoteTimeout: true, RequestVote: true, BecomeLeader: true, BecomeFollower: true, UpdateTerm: true,
  ClientRequest: true, AppendEntries: true, AdvanceCommitIndex: true, HandleRequestVoteRequest: true,
  HandleRequestVoteResponse: true, HandlePreVoteRequest: true, HandlePreVoteResponse: true,
  HandleAppendEntriesRequest: true, HandleAppendEntriesResponse: true, HandleInstallSnapshotRequest: true,
  HandleInstallSnapshotResponse: true, HandleTimeoutNowRequest: true, HandleReadIndexRequest: true,
  HandleReadIndexResponse: true, TruncateLog: true, CompactLog: true, InstallSnapshot: true, CheckQuorumStepDown: true,
  TransferLeadership: true, ReadIndex: true, PersistAck: true, ProposeConfChange: true, EnterJoint: true, LeaveJoint: true,
  StepDownRemoved: true,
};

type ReasonOf<T extends RaftError['type']> = Extract<RaftError, { type: T }> extends { reason: infer R } ? R & string : never;
const DROP_REASONS: Record<ReasonOf<'ProposalDropped'>, true> = { UncommittedBound: true, TransferInProgress: true };
const READ_REASONS: Record<ReasonOf<'ReadFailed'>, true> = { NotLeader: true, LeadershipLost: true };
const CONF_REASONS: Record<ConfChangeRefusal, true> = { ConfChangeInProgress: true, ConfChangeBeforeTermCommit: true, RemoveLastVoter: true, UnknownNode: true, NotJoint: true };

const text = (v: unknown): boolean => typeof v === 'string' && v !== '';
const hint = (v: unknown): boolean => v === null || text(v);
const oneOf = (set: Record<string, true>, v: unknown): boolean => typeof v === 'string' && Object.prototype.hasOwnProperty.call(set, v);

/** Whether an error is well formed: a known type, every field of it present, a known reason. */
function wellFormed(e: RaftError): boolean {
  const r = e as Record<string, unknown>;
  switch (e.type) {
    case 'NotLeader': return text(r.requestId) && hint(r.leaderHint);
    case 'ProposalDropped': return text(r.requestId) && oneOf(DROP_REASONS, r.reason);
    case 'ReadFailed': return text(r.requestId) && oneOf(READ_REASONS, r.reason) && hint(r.leaderHint);
    case 'TransferRejected': return text(r.to) && text(r.reason);
    case 'TransferAborted': return text(r.to);
    case 'ConfChangeRejected': return text(r.requestId) && oneOf(CONF_REASONS, r.reason);
    case 'InvalidMessage': return text(r.reason) && 'from' in r;
    case 'InvalidInput': return text(r.reason);
    default: return false;
  }
}

/** Throws SafetyViolation('OutputVocabulary') if a step names an unknown action or returns a malformed error. */
export function checkOutputVocabulary(node: string, result: StepResult): void {
  const { actions, errors } = result.output;
  for (let k = 0; k < actions.length; k++) {
    if (!Object.prototype.hasOwnProperty.call(ACTIONS, actions[k])) throw new SafetyViolation('OutputVocabulary', `action ${JSON.stringify(actions[k])} is not in core's vocabulary`, node);
  }
  for (let k = 0; k < errors.length; k++) {
    if (!wellFormed(errors[k])) throw new SafetyViolation('OutputVocabulary', `malformed error ${JSON.stringify(errors[k])}`, node);
  }
}
