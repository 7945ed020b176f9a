// Planted step wrappers for ElectionTally and LeaderNoop tests (sim/checkers/election-tally.test.ts):
// each doctors core's step the way mutation testing found election code surviving.

import type { Input, RaftState } from '../../core';
import { appendEntries, entryAt, lastIndex, truncateFrom } from '../../core/log';
import type { PlantedBug } from '../bugs/types';

const isAnswer = (input: Input, granted: boolean): boolean =>
  input.type === 'Receive' && (input.message.type === 'PreVoteResponse' || input.message.type === 'RequestVoteResponse') && input.message.granted === granted;

/** A (pre-)candidate never records a refusal: it waits for its timeout however many refuse. */
export const refusalsForgotten: PlantedBug = {
  name: 'refusals-forgotten', description: 'a (pre-)candidate never records a refusal', caughtBy: ['ElectionTally'],
  config: { faults: 'partitions', nodes: 5, durationMs: 10_000 },
  step: (core) => (state, input) => {
    if (!isAnswer(input, false)) return core(state, input);
    const r = core({ ...state, votesRejected: [] }, input);
    return { ...r, state: { ...r.state, votesRejected: [] } };
  },
};

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
