// Votes count only from voters of the configuration in effect (ch. 4). This candidate still asks
// the nodes that were removed from its initial configuration, and counts every granted vote toward
// a majority of the current one: removed servers, whose logs stopped growing when they left, can
// elect a leader that lacks committed entries.

import type { Message, NodeId, RaftState } from '../../core';
import { lastIndex, lastTerm, quorumSize } from '../../core';
import { becomeLeader, startElection } from '../../core/election';
import type { StepContext } from '../../core/context';
import type { PlantedBug } from './types';
import { continueStep, received } from './step-helpers';
import { removedVotesTrap } from '../scenarios/membership-traps';

/** Nodes of the initial configuration that are not voters of the configuration in effect. */
function removed(s: RaftState): NodeId[] {
  const c = s.cluster;
  return s.config.cluster.voters.filter((id) => id !== s.config.id && !c.voters.includes(id) && !(c.votersOutgoing ?? []).includes(id));
}

/** Sends the campaign's requests to the removed nodes too. */
function askRemoved(ctx: StepContext, campaign: 'RequestVoteRequest' | 'PreVoteRequest'): void {
  const s = ctx.s;
  const base = { cluster: s.config.clusterId, from: s.config.id, lastLogIndex: lastIndex(s.log), lastLogTerm: lastTerm(s.log) };
  for (const to of removed(s)) {
    const m: Message = campaign === 'RequestVoteRequest'
      ? { ...base, type: 'RequestVoteRequest', to, term: s.term, transfer: false }
      : { ...base, type: 'PreVoteRequest', to, term: s.term + 1 };
    ctx.send(m);
  }
}

export const removedNodeVotesCounted: PlantedBug = {
  name: 'removed-node-votes-counted',
  description: 'a candidate asks removed nodes for votes and counts their grants toward a majority of the current configuration',
  caughtBy: ['LeaderCompleteness', 'CommitSurvivesElections', 'ElectionSafety', 'StateMachineSafety'],
  // The safety properties and TLC are what this bug shows; ElectionTally (a white-box per-step
  // check) would stop the run at the miscounting step itself, before the trace holds it.
  viewsOnly: true,
  config: { faults: 'membership', nodes: 5 },
  trap: (seed, bug) => removedVotesTrap(seed, bug).violation,
  step: (core) => (state, input) => {
    const result = core(state, input);
    const s = result.state;
    if (removed(s).length === 0) return result;
    const actions = result.output.actions;
    const campaign = actions.includes('RequestVote') ? 'RequestVoteRequest' : actions.includes('PreVoteTimeout') && s.role === 'PreCandidate' ? 'PreVoteRequest' : null;
    if (campaign !== null) return continueStep(result, (ctx) => (askRemoved(ctx, campaign), true));
    const m = received(input, 'RequestVoteResponse') ?? received(input, 'PreVoteResponse');
    if (m === null || !m.granted) return result;
    // Every distinct grant counts, whoever sent it.
    if (s.votesGranted.length < quorumSize(s.cluster)) return result;
    if (s.role === 'Candidate' && m.type === 'RequestVoteResponse' && m.term === s.term) return continueStep(result, (ctx) => (becomeLeader(ctx), true));
    if (s.role === 'PreCandidate' && m.type === 'PreVoteResponse' && m.term === s.term + 1) {
      return continueStep(result, (ctx) => {
        startElection(ctx, false);
        askRemoved(ctx, 'RequestVoteRequest');
        return true;
      });
    }
    return result;
  },
};
