// A majority of n voters is floor(n/2) + 1: any two majorities share a voter, which is what makes
// one leader per term and durable commits possible. This node takes floor(n/2) as its quorum, for
// votes, pre-votes and commits alike, so two disjoint halves can both decide.

import type { NodeId, RaftState } from '../../core';
import { termAt } from '../../core';
import { becomeLeader, startElection } from '../../core/election';
import { applyCommitted } from '../../core/replication';
import type { StepContext } from '../../core/context';
import type { PlantedBug } from './types';
import { continueStep } from './step-helpers';

function halfQuorum(state: RaftState): number {
  return Math.max(1, Math.floor(state.cluster.voters.length / 2));
}

function distinctVotes(state: RaftState, ids: readonly NodeId[]): number {
  return state.cluster.voters.filter((v) => ids.includes(v)).length;
}

/** The highest index that `halfQuorum` voters (the leader's durable copy included) hold. */
function halfReplicated(state: RaftState): number {
  const leader = state.leader;
  if (leader === null) return 0;
  const id = state.config.id;
  const matches = state.cluster.voters.map((v) => (v === id ? leader.durableMatch : leader.progress[v].match)).sort((a, b) => b - a);
  return matches[halfQuorum(state) - 1];
}

/** What the bug decides where core, with a true majority, did not. Returns false when it decides nothing. */
function decideWithHalf(ctx: StepContext): boolean {
  const s = ctx.s;
  const q = halfQuorum(s);
  switch (s.role) {
    case 'PreCandidate':
      if (distinctVotes(s, s.votesGranted) < q) return false;
      startElection(ctx, false);
      return true;
    case 'Candidate':
      if (distinctVotes(s, s.votesGranted) < q) return false;
      becomeLeader(ctx);
      return true;
    case 'Leader': {
      const index = halfReplicated(s);
      if (index <= s.commitIndex || termAt(s.log, index) !== s.term) return false;
      s.commitIndex = index;
      ctx.action('AdvanceCommitIndex');
      // Released as core releases them (advanceCommitIndex), so that only the quorum differs.
      let committedBytes = 0;
      for (const e of applyCommitted(ctx)) if (e.term === s.term) committedBytes += e.data.length;
      const leader = ctx.ownLeader();
      leader.uncommittedBytes = Math.max(0, leader.uncommittedBytes - committedBytes);
      return true;
    }
    default:
      return false;
  }
}

export const quorumHalf: PlantedBug = {
  name: 'quorum-half',
  description: 'quorums of floor(n/2) voters instead of floor(n/2)+1, for pre-votes, votes and commits',
  caughtBy: ['ElectionSafety', 'LeaderCompleteness', 'CommitSurvivesElections', 'StateMachineSafety'],
  // The safety properties and TLC are what this bug shows; ElectionTally (a white-box per-step
  // check) would stop the run at the miscounting step itself, before the trace holds it.
  viewsOnly: true,
  config: { nodes: 4, faults: 'partitions', durationMs: 4_000 },
  step: (core) => (state, input) => {
    const result = core(state, input);
    return continueStep(result, decideWithHalf);
  },
};
