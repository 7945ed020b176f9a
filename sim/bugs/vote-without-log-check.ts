// §5.4.1: a voter grants its vote (and its pre-vote) only to a candidate whose log is at least as
// up to date as its own. This voter skips the check, so a candidate missing committed entries can
// win an election.

import { lastIndex, lastTerm, type Message, type RaftState } from '../../core';
import type { PlantedBug } from './types';
import { withMessage } from './step-helpers';

/** Makes the candidate's log summary equal to the voter's own, so the comparison always passes. */
function claimUpToDate(m: Message, state: RaftState): Message | null {
  if (m.type !== 'RequestVoteRequest' && m.type !== 'PreVoteRequest') return null;
  return { ...m, lastLogIndex: lastIndex(state.log), lastLogTerm: lastTerm(state.log) };
}

export const voteWithoutLogCheck: PlantedBug = {
  name: 'vote-without-log-check',
  description: 'a voter grants votes and pre-votes without comparing the candidate\'s log with its own (§5.4.1)',
  // CoreRejectedOwnMessage: a leader elected without an entry that an older-term leader commits a
  // moment later hears a follower report a commit index beyond its own last index, and core refuses it.
  caughtBy: ['LeaderCompleteness', 'CommitSurvivesElections', 'StateMachineSafety', 'CoreRejectedOwnMessage'],
  config: { nodes: 3, faults: 'all', durationMs: 4_000 },
  step: (core) => (state, input) => core(state, withMessage(input, claimUpToDate, state)),
};
