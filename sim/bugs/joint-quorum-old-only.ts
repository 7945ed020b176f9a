// In a joint configuration (§4.3) every decision needs a majority of the new voters AND of the old
// ones. This node counts only the old configuration while joint, for votes and commits. Old voters
// that never received the entry leaving the joint configuration can then elect one of themselves
// without it, after the new voters committed it (and so without whatever the new configuration
// committed since).

import type { RaftState } from '../../core';
import { becomeLeader, startElection } from '../../core/election';
import { advanceCommitIndex, tellCommitAtStepEnd } from '../../core/replication';
import { hasQuorum } from '../../core/quorum';
import type { StepContext } from '../../core/context';
import type { PlantedBug } from './types';
import { continueStep } from './step-helpers';
import { jointOldOnlyTrap } from '../scenarios/membership-traps';

function oldOnly(s: RaftState): { voters: readonly string[] } | null {
  return s.cluster.votersOutgoing === undefined ? null : { voters: s.cluster.votersOutgoing };
}

function decideWithOldOnly(ctx: StepContext): boolean {
  const s = ctx.s;
  const old = oldOnly(s);
  if (old === null) return false;
  switch (s.role) {
    case 'PreCandidate':
      if (!hasQuorum(old, s.votesGranted)) return false;
      startElection(ctx, false);
      return true;
    case 'Candidate':
      if (!hasQuorum(old, s.votesGranted)) return false;
      becomeLeader(ctx);
      return true;
    case 'Leader': {
      // Core's own commit rule (and its bookkeeping), judged against the old voters alone.
      const joint = s.cluster;
      s.cluster = old;
      const commitBefore = s.commitIndex;
      try {
        advanceCommitIndex(ctx);
      } finally {
        s.cluster = joint;
      }
      // As core's step ends: idle followers are told the commit index (FlowControl's told-idle).
      tellCommitAtStepEnd(ctx);
      return s.commitIndex > commitBefore;
    }
    default:
      return false;
  }
}

export const jointQuorumOldOnly: PlantedBug = {
  name: 'joint-quorum-old-only',
  description: 'during joint consensus, quorums (votes and commits) are counted in the old configuration only',
  caughtBy: ['LeaderCompleteness', 'CommitSurvivesElections', 'ElectionSafety', 'StateMachineSafety', 'LivenessLeader'],
  config: { faults: 'membership', nodes: 6, initialVoters: 3 },
  trap: (seed, bug) => jointOldOnlyTrap(seed, bug).violation,
  step: (core) => (state, input) => continueStep(core(state, input), decideWithOldOnly),
};
