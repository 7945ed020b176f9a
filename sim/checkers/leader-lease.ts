// LeaderLease and QuorumActivity: the rules that keep a healthy leader in office (§9.6, §4.2.3).
//
// CheckQuorum and the leader lease cost nothing in safety when they break, and little in the
// liveness bounds (some leader appears within a second): a node rejoining from a partition that
// deposes a healthy leader, or a leader that steps down because it forgot it heard from its
// majority, only costs an election. Mutation testing found bugs of both kinds surviving every sweep
// (docs/mutation.md, theme disruption-unchecked), so each step of a node is judged here on the rule
// itself, from the state before the step and what the step did:
//
//   LeaderLease     with CheckQuorum on, a node that leads, or heard from its leader less than the
//                   minimum election timeout ago, ignores a vote or pre-vote request that would
//                   depose that leader (one not sent on a TimeoutNow): its term and vote stay, and it
//                   grants nothing. Outside the lease a vote request of a higher term is heard: the
//                   node takes its term.
//   QuorumActivity  a leader that receives an answer of its term from a follower records that
//                   follower as heard from in this CheckQuorum period (recentActive) and its round as
//                   acknowledged (ReadIndex counts confirmations from it).
//
// Both read core's state, so the simulator applies them to its in-process core only
// (sim/cluster/implementation.ts), as it does LeaderBookkeeping.

import type { Input, RaftState, StepResult } from '../../core';
import { SafetyViolation } from '../../checkers/violation';

function inLease(s: RaftState): boolean {
  if (!s.config.checkQuorum) return false;
  return s.role === 'Leader' || (s.leaderId !== null && s.electionElapsed < s.config.electionTimeoutTicks);
}

/** Throws SafetyViolation('LeaderLease' | 'QuorumActivity') if one step of `node` breaks the rules. */
export function checkLeaderLease(node: string, before: RaftState, input: Input, result: StepResult): void {
  if (input.type !== 'Receive') return;
  const m = input.message;
  const after = result.state;
  if (m.to !== node || m.from === node) return;
  if ((m.type === 'RequestVoteRequest' && !m.transfer) || m.type === 'PreVoteRequest') {
    if (m.term <= before.term) return;
    if (inLease(before)) {
      const granted = result.output.messages.some((r) => r.to === m.from && (r.type === 'RequestVoteResponse' || r.type === 'PreVoteResponse') && r.granted);
      if (after.term !== before.term || after.votedFor !== before.votedFor || granted) {
        throw new SafetyViolation('LeaderLease', `${node}, in its leader's lease (role ${before.role}, ${before.electionElapsed} of ${before.config.electionTimeoutTicks} ticks since it heard from ${before.leaderId}), heard ${m.type} of term ${m.term} from ${m.from}: term ${before.term} → ${after.term}, vote ${before.votedFor} → ${after.votedFor}${granted ? ', granted' : ''}`, node);
      }
    } else if (m.type === 'RequestVoteRequest' && after.term < m.term) {
      throw new SafetyViolation('LeaderLease', `${node}, outside any lease, ignored ${m.from}'s RequestVote of term ${m.term} (stays at ${after.term})`, node);
    }
    return;
  }
  if (m.type !== 'AppendEntriesResponse' && m.type !== 'InstallSnapshotResponse') return;
  if (after.role !== 'Leader' || after.term !== m.term || before.term !== m.term) return;
  const pr = after.leader?.progress[m.from];
  if (pr === undefined) return;
  if (!pr.recentActive || pr.ackedRound < m.round) {
    throw new SafetyViolation('QuorumActivity', `leader ${node} got ${m.type} of round ${m.round} from ${m.from} in its term, but records it ${pr.recentActive ? 'active' : 'not heard from'} with round ${pr.ackedRound} acknowledged`, node);
  }
}
