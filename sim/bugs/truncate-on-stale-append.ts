// §5.3: a follower truncates its log only at the first entry that conflicts with the leader's.
// This follower cuts everything after the last entry of any AppendEntries it accepts, so a
// delayed, reordered or heartbeat message that is shorter than its log throws away entries it has
// already acknowledged, and the leader counts replicas that no longer exist.

import { lastIndex, type AppendEntriesResponse, type Message } from '../../core';
import { truncateFrom } from '../../core/log';
import type { PlantedBug } from './types';
import { continueStep, producedMessage, received } from './step-helpers';

export const truncateOnStaleAppend: PlantedBug = {
  name: 'truncate-on-stale-append',
  description: 'a follower drops every entry after the last one an accepted AppendEntries carries, even when they match the leader\'s',
  // LivenessOperations is an honest catch too: the leader holds the follower's acknowledged match,
  // which core trusts never to shrink, so it backs up no further than match + 1; the follower, having
  // cut those entries, rejects every AppendEntries there, forever. Once a majority is in that state
  // nothing commits after the cluster heals (seed 3: n3 and three followers trade the same rejected
  // AppendEntries until the operations time out). About half the seeds of 1-40 end that way; the
  // unmodified core was clean on every one of them.
  caughtBy: ['LeaderCompleteness', 'CommitSurvivesElections', 'StateMachineSafety', 'LivenessOperations'],
  config: { faults: 'all', durationMs: 6_000 },
  step: (core) => (state, input) => {
    const result = core(state, input);
    const m = received(input, 'AppendEntriesRequest');
    if (m === null) return result;
    const isSuccess = (r: Message): r is AppendEntriesResponse => r.type === 'AppendEntriesResponse' && r.success && r.to === m.from;
    const answer = producedMessage(state, result, isSuccess);
    if (answer === null) return result;
    const cutFrom = answer.matchIndex + 1;
    // Core would stop on a committed entry (an internal invariant); the bug cuts only what is past it.
    if (cutFrom <= result.state.commitIndex || cutFrom > lastIndex(result.state.log)) return result;
    return continueStep(result, (ctx) => {
      ctx.s.log = truncateFrom(ctx.s.log, cutFrom);
      ctx.persistTruncate(cutFrom);
      ctx.action('TruncateLog');
      return true;
    });
  },
};
