// §9.6: a PreVote request carries the term its sender would use, and nobody adopts it; that is the
// whole point of PreVote (a node that cannot win never disturbs the cluster). Here a voter treats
// a pre-vote as a real vote request and moves to the proposed term, deposing a healthy leader.

import { StepContext } from '../../core/context';
import { updateTerm } from '../../core/election';
import type { PlantedBug } from './types';
import { received } from './step-helpers';

export const prevoteBumpsTerm: PlantedBug = {
  name: 'prevote-bumps-term',
  description: 'a node that receives a PreVote request adopts the proposed term, as if it were a RequestVote',
  caughtBy: ['PreVoteKeepsTerm'],
  config: { faults: 'partitions', durationMs: 3_000 },
  step: (core) => (state, input) => {
    const m = received(input, 'PreVoteRequest');
    if (m === null || m.term <= state.term) return core(state, input);
    const ctx = new StepContext(state);
    updateTerm(ctx, m.term, null);
    const bumped = ctx.finish();
    return [bumped, core(bumped.state, input)];
  },
};
