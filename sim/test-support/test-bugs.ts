// Harness-only faults for proving the simulator's checks can fail. They are not Raft bugs for the
// catalogue. The first ones break progress, not safety, so no safety property may fire.

import { lastIndex, lastTerm, type Input, type RaftState } from '../../core';
import type { PlantedBug } from '../bugs/types';
import { withMessage } from '../bugs/step-helpers';
import { readIndexWithoutHeartbeat } from '../bugs/read-index-without-heartbeat';
import { EMPTY_OUTPUT } from './outputs';

/** A step that ignores inputs of the given kinds, as if they never arrived. */
function ignoring(name: string, description: string, ignored: (input: Input) => boolean): PlantedBug {
  return {
    name,
    description,
    caughtBy: [],
    // They prove the liveness properties can fail, as they would for any implementation.
    viewsOnly: true,
    step: (core) => (state: RaftState, input: Input) => (ignored(input) ? { state, output: EMPTY_OUTPUT } : core(state, input)),
  };
}

/** Candidates never hear their votes: no election can ever succeed. */
export const deafCandidates = ignoring('test-deaf-candidates', 'every RequestVoteResponse is ignored', (input) => input.type === 'Receive' && input.message.type === 'RequestVoteResponse');

/** Every client request is swallowed without an answer or an error: no operation ever completes. */
export const swallowClientRequests = ignoring('test-swallow-client-requests', 'Propose and Read inputs are ignored', (input) => input.type === 'Propose' || input.type === 'Read');

// ---- Bugs that only the broader sweeps find (sim-breadth: divergence, swarm-drawn options) ----
// Test-only variants, kept out of the public catalogue: they show that a class of bug the classic
// profiles cannot reach is now found, and how many seeds it takes.

/**
 * §5.4.1 done by length alone: a voter grants (pre-)votes to any candidate whose log is at least
 * as long as its own, whatever the last terms. It differs from the real check only for a candidate
 * whose log is longer but ends in an older term: divergent logs that the divergence fault builds.
 */
export const voteByLengthOnly: PlantedBug = {
  name: 'test-vote-by-length-only',
  description: 'the up-to-date check of votes and pre-votes compares log lengths only, not last terms',
  caughtBy: ['LeaderCompleteness', 'StateMachineSafety', 'CoreRejectedOwnMessage', 'Linearizability'],
  // Core's own (correct) comparison is made to give the length-only answer: a long enough
  // candidate claims this voter's own last entry, a shorter one claims a log one entry shorter.
  step: (core) => (state, input) => core(state, withMessage(input, (m, s) => {
    if (m.type !== 'RequestVoteRequest' && m.type !== 'PreVoteRequest') return null;
    const ownIndex = lastIndex(s.log);
    const ownTerm = lastTerm(s.log);
    // A request from a term older than our last entry is refused for its term anyway.
    if (m.term < ownTerm) return null;
    if (m.lastLogIndex >= ownIndex) return { ...m, lastLogIndex: ownIndex, lastLogTerm: ownTerm };
    return { ...m, lastLogIndex: ownIndex - 1, lastLogTerm: ownTerm };
  }, state)),
};

/**
 * Without PreVote a node campaigns at once, and its candidate counts rejected votes as granted:
 * two leaders in one term. The direct-campaign path runs only with PreVote off, so the bug is
 * inert under the default options, which every sweep used before swarm drew them.
 */
export const campaignCountsRejections: PlantedBug = {
  name: 'test-campaign-counts-rejections',
  description: 'with PreVote off, a candidate counts rejected votes as granted',
  caughtBy: ['ElectionSafety', 'LeaderCompleteness', 'StateMachineSafety', 'LogMatching', 'ElectionTally'],
  step: (core) => (state, input) => {
    const m = input.type === 'Receive' ? input.message : null;
    if (state.config.preVote || state.role !== 'Candidate' || m?.type !== 'RequestVoteResponse' || m.granted) return core(state, input);
    return core(state, { type: 'Receive', message: { ...m, granted: true } });
  },
};

/**
 * With lease reads on, a leader takes its lease as valid without a quorum's acknowledgement of a
 * recent heartbeat round: it answers every read at once (after its first commit of the term). A
 * leader cut off from the others keeps answering until CheckQuorum deposes it, and a new leader
 * may have taken writes by then. Inert with lease reads off, the default.
 */
export const leaseWithoutQuorumAck: PlantedBug = {
  name: 'test-lease-without-quorum-ack',
  description: 'with lease reads on, a leader serves reads from its lease without a quorum acknowledging a recent round',
  caughtBy: ['Linearizability'],
  step: (core) => {
    const eager = readIndexWithoutHeartbeat.step!(core);
    return (state, input) => {
      if (!state.config.leaseRead || state.role !== 'Leader') return core(state, input);
      const result = core(state, input);
      const requestId = input.type === 'Read' ? input.requestId : input.type === 'Receive' && input.message.type === 'ReadIndexRequest' ? input.message.requestId : null;
      // Only reads that core queued for a heartbeat round: the lease is what the round would have confirmed.
      if (requestId === null || result.state.leader?.pendingReads.some((r) => r.requestId === requestId) !== true) return result;
      return eager(state, input);
    };
  },
};
