// Planted step wrappers for ElectionTally and LeaderNoop tests (sim/checkers/election-tally.test.ts):
// each doctors core's step the way mutation testing found election code surviving.

import type { Input, RaftState } from '../../core';
import { appendEntries, entryAt, lastIndex, truncateFrom } from '../../core/log';
import type { PlantedBug } from '../bugs/types';

const isAnswer = (input: Input, granted: boolean): boolean =>
  input.type === 'Receive' && (input.message.type === 'PreVoteResponse' || input.message.type === 'RequestVoteResponse') && input.message.granted === granted;

/** A candidate (or, for 'PreVoteResponse', a pre-candidate) never records a refusal: it waits for its timeout however many refuse. */
export function refusalsForgotten(answer: 'PreVoteResponse' | 'RequestVoteResponse', config: PlantedBug['config']): PlantedBug {
  return {
    name: `${answer === 'PreVoteResponse' ? 'pre-vote-' : ''}refusals-forgotten`, description: `a ${answer === 'PreVoteResponse' ? 'pre-' : ''}candidate never records a refusal`, caughtBy: ['ElectionTally'],
    config,
    step: (core) => (state, input) => {
      const campaigning = state.role === (answer === 'PreVoteResponse' ? 'PreCandidate' : 'Candidate');
      if (!campaigning || !isAnswer(input, false) || input.type !== 'Receive' || input.message.type !== answer) return core(state, input);
      const r = core({ ...state, votesRejected: [] }, input);
      return { ...r, state: { ...r.state, votesRejected: [] } };
    },
  };
}

/** A (pre-)candidate gives up on the first refusal, as if every other voter had refused. */
export const givesUpEarly: PlantedBug = {
  name: 'gives-up-early', description: 'a (pre-)candidate gives up on one refusal', caughtBy: ['ElectionTally'],
  config: { faults: 'crashes', nodes: 5, durationMs: 10_000 },
  step: (core) => (state, input) => {
    if (!isAnswer(input, false)) return core(state, input);
    return core({ ...state, votesRejected: [...state.cluster.voters] }, input);
  },
};

/** A candidate counts one grant as a quorum (a voter counted several times). */
export const oneGrantWins: PlantedBug = {
  name: 'one-grant-wins', description: 'a (pre-)candidate wins on one grant', caughtBy: ['ElectionTally'],
  config: { faults: 'crashes', nodes: 5, durationMs: 5_000 },
  step: (core) => (state: RaftState, input: Input) => {
    if (!isAnswer(input, true)) return core(state, input);
    return core({ ...state, votesGranted: [...state.cluster.voters] }, input);
  },
};

/** A new leader's no-op carries data. */
export const noopWithData: PlantedBug = {
  name: 'noop-with-data', description: 'the no-op of a new leader carries data', caughtBy: ['LeaderNoop'],
  config: { faults: 'crashes', nodes: 3, durationMs: 2_000 },
  step: (core) => (state, input) => {
    const r = core(state, input);
    if (state.role === 'Leader' || r.state.role !== 'Leader') return r;
    const last = lastIndex(r.state.log);
    const entry = entryAt(r.state.log, last);
    if (entry === undefined) return r;
    return { ...r, state: { ...r.state, log: appendEntries(truncateFrom(r.state.log, last), [{ ...entry, data: 'x' }]) } };
  },
};

/** A late pre-vote grant to a node no longer pre-campaigning starts an election (no role check). */
export const lateGrantStartsElection: PlantedBug = {
  name: 'late-grant-starts-election', description: 'a follower or leader acts on a late pre-vote grant', caughtBy: ['ElectionTally'],
  config: { faults: 'all', nodes: 5, durationMs: 10_000 },
  step: (core) => (state, input) => {
    if (!isAnswer(input, true) || input.type !== 'Receive' || input.message.type !== 'PreVoteResponse' || state.role === 'PreCandidate') return core(state, input);
    if (input.message.term !== state.term + 1) return core(state, input);
    return core({ ...state, role: 'PreCandidate', votesGranted: [...state.cluster.voters] }, input);
  },
};
