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
  caughtBy: ['ElectionSafety', 'StateMachineSafety', 'LeaderCompleteness', 'CoreRejectedOwnMessage'],
  config: { faults: 'all', durationMs: 6_000 },
  step: (core) => (state, input) => core(state, withMessage(input, relabelAsCurrent, state)),
};
