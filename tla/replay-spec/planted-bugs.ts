/**
 * Deliberately wrong variants of core's step, for the tests that prove replay-spec catches bugs.
 * Each wraps the real step and differs from it only where its name says.
 */
import { step } from '../../core/step';
import { lastIndex } from '../../core/log';
import type { StepFunction } from './core-harness';

/** The vote check ignores an earlier vote in the same term (only the log is checked). */
export const forgetsVote: StepFunction = (state, input) => {
  const correct = step(state, input);
  if (input.type !== 'Receive' || input.message.type !== 'RequestVoteRequest' || input.message.term !== state.term) return correct;
  const forgetful = step({ ...state, votedFor: null }, input);
  return forgetful.state.votedFor === null ? correct : forgetful;
};

/** A leader marks its proposals committed at once, without a quorum. */
export const commitsAlone: StepFunction = (state, input) => {
  const result = step(state, input);
  return input.type === 'Propose' && result.state.role === 'Leader'
    ? { ...result, state: { ...result.state, commitIndex: lastIndex(result.state.log) } }
    : result;
};

/** A follower reports one entry more than it matched. */
export const overstatesMatch: StepFunction = (state, input) => {
  const result = step(state, input);
  const messages = result.output.messages.map((m) =>
    m.type === 'AppendEntriesResponse' && m.success ? { ...m, matchIndex: m.matchIndex + 1 } : m,
  );
  return { ...result, output: { ...result.output, messages } };
};

/** A leader tells the transfer target to campaign at once, before the target has caught up. */
export const sendsTimeoutNowEarly: StepFunction = (state, input) => {
  const result = step(state, input);
  if (input.type !== 'TransferLeadership' || result.state.role !== 'Leader') return result;
  if (result.output.messages.some((m) => m.type === 'TimeoutNowRequest')) return result;
  const early = { type: 'TimeoutNowRequest' as const, cluster: state.config.clusterId, from: state.config.id, to: input.to, term: state.term };
  return { ...result, output: { ...result.output, messages: [...result.output.messages, early] } };
};

/** Persist records leave the vote out: the vote is lost on disk, and with it the vote after a restart. */
export const forgetsVoteOnDisk: StepFunction = (state, input) => {
  const result = step(state, input);
  const persist = result.output.persist;
  if (persist === null || !('votedFor' in persist)) return result;
  const { votedFor: _dropped, ...withoutVote } = persist;
  return { ...result, output: { ...result.output, persist: withoutVote } };
};
