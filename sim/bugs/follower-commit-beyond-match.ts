// §5.3 (Figure 2, AppendEntries rule 5): a follower sets commitIndex = min(leaderCommit, index of
// the last new entry), because only entries up to there are known to match the leader. This
// follower uses its own last index instead, so it commits (and applies) a stale suffix left over
// from an old term that the message never vouched for.

import { lastIndex, type AppendEntriesResponse, type Message } from '../../core';
import { applyCommitted } from '../../core/replication';
import type { PlantedBug } from './types';
import { continueStep, producedMessage, received } from './step-helpers';

export const followerCommitBeyondMatch: PlantedBug = {
  name: 'follower-commit-beyond-match',
  description: 'a follower commits up to min(leaderCommit, its own last index) instead of the last entry the message matched',
  caughtBy: ['StateMachineSafety'],
  // Small batches make a follower catch up in several messages while an old suffix still sits past the last one.
  config: { nodes: 3, faults: 'all', durationMs: 6_000, raft: { maxEntriesPerAppend: 1 } },
  step: (core) => (state, input) => {
    const result = core(state, input);
    const m = received(input, 'AppendEntriesRequest');
    if (m === null) return result;
    const isSuccess = (r: Message): r is AppendEntriesResponse => r.type === 'AppendEntriesResponse' && r.success && r.to === m.from;
    if (producedMessage(state, result, isSuccess) === null) return result;
    const commit = Math.min(m.leaderCommit, lastIndex(result.state.log));
    if (commit <= result.state.commitIndex) return result;
    return continueStep(result, (ctx) => {
      ctx.s.commitIndex = commit;
      ctx.action('AdvanceCommitIndex');
      applyCommitted(ctx);
      return true;
    });
  },
};
