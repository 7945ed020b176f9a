// A response belongs to the term of its request: core drops responses from an older term. This
// node treats them as answers in its current term, so a vote granted in an earlier election (or
// a log match from an earlier leader) counts in the present one.

import type { Message, RaftState } from '../../core';
import type { PlantedBug } from './types';
import { withMessage } from './step-helpers';

const RESPONSES: ReadonlySet<Message['type']> = new Set([
  'RequestVoteResponse', 'AppendEntriesResponse', 'InstallSnapshotResponse', 'ReadIndexResponse',
]);

function relabelAsCurrent(m: Message, state: RaftState): Message | null {
  if (!RESPONSES.has(m.type) || m.term >= state.term) return null;
  return { ...m, term: state.term };
}

export const acceptStaleTermResponses: PlantedBug = {
  name: 'accept-stale-term-responses',
  description: 'responses from an older term are handled as if they were of the current term (stale votes and matches count)',
  // LogMatching: the second leader of a term writes its no-op in the very step it is elected, and the
  // checker judges the write before the election, so two entries of one term meet first.
  caughtBy: ['ElectionSafety', 'LogMatching', 'StateMachineSafety', 'LeaderCompleteness', 'CoreRejectedOwnMessage'],
  // Stale answers need slow deliveries (pauses, clogs) and elections that climb terms quickly:
  // three nodes, no PreVote, no CheckQuorum lease to hold elections back.
  config: { nodes: 3, faults: 'all', durationMs: 3_000, raft: { preVote: false, checkQuorum: false } },
  step: (core) => (state, input) => core(state, withMessage(input, relabelAsCurrent, state)),
};
