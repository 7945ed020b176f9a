// §5.3 (Figure 2, AppendEntries rule 5): a follower may commit only up to the last entry the
// current message proved to match the leader's log. This follower advances its commit index from
// leaderCommit on every AppendEntries of its leader's term, before (and whether or not) the
// consistency check passes, capped only by its own last index; so it commits, and applies, a
// stale suffix from an old term that the leader is about to overwrite.

import { lastIndex } from '../../core';
import { applyCommitted } from '../../core/replication';
import type { PlantedBug } from './types';
import { continueStep, received } from './step-helpers';

export const followerCommitBeyondMatch: PlantedBug = {
  name: 'follower-commit-beyond-match',
  description: 'a follower sets commitIndex = min(leaderCommit, its own last index) on any AppendEntries of the current term, even one it rejects',
  caughtBy: ['StateMachineSafety'],
  config: { nodes: 3, faults: 'all', durationMs: 10_000 },
  step: (core) => (state, input) => {
    const result = core(state, input);
    const m = received(input, 'AppendEntriesRequest');
    const s = result.state;
    if (m === null || s.role !== 'Follower' || s.term !== m.term) return result;
    const commit = Math.min(m.leaderCommit, lastIndex(s.log));
    if (commit <= s.commitIndex) return result;
    return continueStep(result, (ctx) => {
      ctx.s.commitIndex = commit;
      ctx.action('AdvanceCommitIndex');
      applyCommitted(ctx);
      return true;
    });
  },
};
