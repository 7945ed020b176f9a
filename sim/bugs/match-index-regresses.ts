// A leader's matchIndex for a follower only ever grows within a term: a smaller value in a late
// (reordered, duplicated, or heartbeat) response says nothing new. This leader takes every
// success response's matchIndex as the truth, so matchIndex goes backwards, and it recomputes its
// commit index from the matchIndexes (as raft.tla's AdvanceCommitIndex does), so the commit index
// goes backwards with it. A follower read served at that lower index misses writes the leader has
// already acknowledged.

import { termAt, type AppendEntriesResponse } from '../../core';
import { applyCommitted } from '../../core/replication';
import { quorumMin } from '../../core/quorum';
import type { PlantedBug } from './types';
import { continueStep, received } from './step-helpers';

function isCurrentSuccess(m: AppendEntriesResponse | null, term: number): m is AppendEntriesResponse {
  return m !== null && m.success && m.term === term;
}

export const matchIndexRegresses: PlantedBug = {
  name: 'match-index-regresses',
  description: 'a leader sets matchIndex from any success response, even a smaller one, and recomputes commitIndex from it',
  caughtBy: ['CommitMonotonic', 'Linearizability'],
  config: { faults: 'lossy', durationMs: 3_000 },
  step: (core) => (state, input) => {
    const result = core(state, input);
    const m = received(input, 'AppendEntriesResponse');
    const s = result.state;
    if (s.role !== 'Leader' || s.leader === null || !isCurrentSuccess(m, s.term) || m.from === s.config.id) return result;
    const pr = s.leader.progress[m.from];
    if (pr === undefined || m.matchIndex >= pr.match) return result;
    return continueStep(result, (ctx) => {
      ctx.updateProgress(m.from, { match: m.matchIndex });
      const leader = ctx.leader();
      const id = ctx.id;
      const replicated = quorumMin(ctx.s.cluster, (v) => (v === id ? leader.durableMatch : leader.progress[v].match));
      if (termAt(ctx.s.log, replicated) === ctx.s.term && replicated !== ctx.s.commitIndex) {
        ctx.s.commitIndex = replicated;
        ctx.action('AdvanceCommitIndex');
        applyCommitted(ctx);
      }
      return true;
    });
  },
};
