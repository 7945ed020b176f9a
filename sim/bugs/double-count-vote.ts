// A candidate needs votes from a majority of distinct voters. This candidate counts granted
// responses instead of voters, so a duplicated response (the network may deliver a message twice)
// counts twice and a minority can elect it.

import { quorumSize } from '../../core';
import { becomeLeader } from '../../core/election';
import type { PlantedBug } from './types';
import { continueStep, received } from './step-helpers';

export const doubleCountVote: PlantedBug = {
  name: 'double-count-vote',
  description: 'a candidate counts granted vote responses rather than distinct voters, so a duplicated vote counts twice',
  caughtBy: ['ElectionSafety', 'LeaderCompleteness', 'CommitSurvivesElections', 'StateMachineSafety'],
  // The safety properties and TLC are what this bug shows; ElectionTally (a white-box per-step
  // check) would stop the run at the miscounting step itself, before the trace holds it.
  viewsOnly: true,
  // Without PreVote, candidates climb terms directly, so split elections (and duplicated votes in
  // them) are common; short election timeouts (3 to 6 ticks) make elections, and so duplicated
  // votes, far more frequent. Measured: caught on 12 of seeds 1-80 (first at seed 1), the unmodified
  // core clean on all 80; with the default timeout, since faults stop at the quiet point (3 s of a
  // 6 s run), it was first caught at seed 33, once in 40 seeds.
  config: { faults: 'all', durationMs: 6_000, raft: { preVote: false, electionTimeoutTicks: 3 } },
  step: (core) => (state, input) => {
    const result = core(state, input);
    const m = received(input, 'RequestVoteResponse');
    const s = result.state;
    if (m === null || !m.granted || s.role !== 'Candidate' || m.term !== s.term) return result;
    const duplicate = state.votesGranted.includes(m.from);
    const votes = duplicate ? [...s.votesGranted, m.from] : s.votesGranted;
    if (!duplicate && votes.length < quorumSize(s.cluster)) return result;
    return continueStep(result, (ctx) => {
      ctx.s.votesGranted = votes;
      if (votes.length >= quorumSize(ctx.s.cluster)) becomeLeader(ctx);
      return true;
    });
  },
};
