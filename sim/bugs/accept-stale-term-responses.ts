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
  caughtBy: ['ElectionSafety', 'LogMatching', 'StateMachineSafety', 'LeaderCompleteness', 'CommitSurvivesElections', 'CoreRejectedOwnMessage'],
  // The safety properties and TLC are what this bug shows; ElectionTally (a white-box per-step
  // check) would stop the run at the miscounting step itself, before the trace holds it.
  viewsOnly: true,
  // Stale answers need slow deliveries (pauses, clogs, tail delays) and elections that climb terms
  // quickly: three nodes, no PreVote, no CheckQuorum lease to hold elections back, and short election
  // timeouts (3 to 6 ticks) so that a delayed answer often lands after its term is over. 6 s runs
  // leave 3 s of faults before the quiet point (a 3 s run has only 600 ms). Measured: caught on 16
  // of seeds 1-150 (first at seed 9) by ElectionSafety or LeaderCompleteness, the unmodified core
  // clean on all 150; the previous settings (default timeouts, 3 s) first caught it at seed 50, and
  // only by LivenessLeader (not a catch: see README, Known problems).
  config: { nodes: 3, faults: 'all', durationMs: 6_000, raft: { preVote: false, checkQuorum: false, electionTimeoutTicks: 3 } },
  step: (core) => (state, input) => core(state, withMessage(input, relabelAsCurrent, state)),
};
