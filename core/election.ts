// Leader election (§5.2, §5.4.1) with PreVote (dissertation §9.6). Each exported function is
// one action of the spec and is named after it.

import type { NodeId, PreVoteRequest, PreVoteResponse, RequestVoteRequest, RequestVoteResponse, Term } from './types';
import { StepContext } from './context';
import { lastIndex, lastTerm } from './log';
import { hasQuorum } from './quorum';
import { randomElectionTimeout } from './state';
import { appendAsLeader, broadcastAppend, newLeaderState } from './replication';
import { failAllReads } from './reads';
import { canCampaign } from './terms';
import { syncPeers } from './membership';

function resetElectionTimer(ctx: StepContext): void {
  const s = ctx.s;
  const [timeout, rng] = randomElectionTimeout(s.config, s.rng);
  s.electionElapsed = 0;
  s.randomizedElectionTimeout = timeout;
  s.rng = rng;
}

/** Every voter of the configuration in effect but this node (both sides of a joint configuration). */
function otherVoters(ctx: StepContext): NodeId[] {
  const c = ctx.s.cluster;
  const voters = c.voters.filter((id) => id !== ctx.id);
  for (const id of c.votersOutgoing ?? []) if (id !== ctx.id && !voters.includes(id)) voters.push(id);
  return voters;
}

/** Leaves any role for Follower in `term`. Clears the vote only when the term changes. */
export function becomeFollower(ctx: StepContext, term: Term, leaderId: NodeId | null): void {
  const s = ctx.s;
  if (s.role === 'Leader') failAllReads(ctx);
  if (term !== s.term) {
    s.term = term;
    s.votedFor = null;
    ctx.persistHardState();
  }
  s.role = 'Follower';
  s.leaderId = leaderId;
  s.leader = null;
  s.votesGranted = [];
  s.votesRejected = [];
  s.heartbeatElapsed = 0;
  resetElectionTimer(ctx);
  ctx.action('BecomeFollower');
}

/** UpdateTerm: any message from a newer term makes this node a follower of that term. */
export function updateTerm(ctx: StepContext, term: Term, leaderId: NodeId | null): void {
  ctx.action('UpdateTerm');
  becomeFollower(ctx, term, leaderId);
}

/** Timeout: the election timer fired; start a pre-election, or an election if PreVote is off. */
export function timeout(ctx: StepContext): void {
  // At MAX_TERM there is no next term to ask for: stay a follower of whoever leads this one.
  if (!canCampaign(ctx.s.term)) return;
  if (ctx.s.config.preVote) startPreVote(ctx);
  else startElection(ctx, false);
}

function logSummary(ctx: StepContext): { lastLogIndex: number; lastLogTerm: Term } {
  return { lastLogIndex: lastIndex(ctx.s.log), lastLogTerm: lastTerm(ctx.s.log) };
}

function startPreVote(ctx: StepContext): void {
  const s = ctx.s;
  ctx.action('PreVoteTimeout');
  s.role = 'PreCandidate';
  s.leaderId = null;
  s.votesGranted = [ctx.id];
  s.votesRejected = [];
  resetElectionTimer(ctx);
  if (hasQuorum(s.cluster, s.votesGranted)) {
    startElection(ctx, false);
    return;
  }
  const summary = logSummary(ctx);
  for (const to of otherVoters(ctx)) {
    ctx.send({ type: 'PreVoteRequest', cluster: s.config.clusterId, from: ctx.id, to, term: s.term + 1, ...summary });
  }
}

/** Timeout + RequestVote: a new term, a durable vote for itself, and requests to every voter. */
export function startElection(ctx: StepContext, transfer: boolean): void {
  const s = ctx.s;
  if (!canCampaign(s.term)) return;
  ctx.action('Timeout');
  s.role = 'Candidate';
  s.term += 1;
  s.votedFor = ctx.id;
  s.leaderId = null;
  s.votesGranted = [];
  s.votesRejected = [];
  resetElectionTimer(ctx);
  ctx.persistHardState();
  // The candidate's own vote counts only once its vote is durable: it is a held response to itself.
  ctx.respond({ type: 'RequestVoteResponse', cluster: s.config.clusterId, from: ctx.id, to: ctx.id, term: s.term, granted: true });
  ctx.action('RequestVote');
  const summary = logSummary(ctx);
  for (const to of otherVoters(ctx)) {
    ctx.send({ type: 'RequestVoteRequest', cluster: s.config.clusterId, from: ctx.id, to, term: s.term, ...summary, transfer });
  }
}

/** §5.4.1: the candidate's log is at least as up to date as ours (last term, then last index). */
function candidateLogIsUpToDate(ctx: StepContext, m: { lastLogIndex: number; lastLogTerm: Term }): boolean {
  const myLastTerm = lastTerm(ctx.s.log);
  return m.lastLogTerm > myLastTerm || (m.lastLogTerm === myLastTerm && m.lastLogIndex >= lastIndex(ctx.s.log));
}

/**
 * §9.6: a node that heard from a leader within the minimum election timeout ignores requests that
 * would depose it. Without this a partitioned node that rejoins disrupts a healthy cluster.
 */
export function inLeaderLease(ctx: StepContext): boolean {
  const s = ctx.s;
  if (!s.config.checkQuorum) return false;
  if (s.role === 'Leader') return true;
  return s.leaderId !== null && s.electionElapsed < s.config.electionTimeoutTicks;
}

export function handleRequestVoteRequest(ctx: StepContext, m: RequestVoteRequest): void {
  const s = ctx.s;
  ctx.action('HandleRequestVoteRequest');
  // Granted whether or not the candidate is a voter in our configuration: we may lag the change
  // that made it one (only its own configuration decides whether our vote counts).
  const grant =
    m.term === s.term && (s.votedFor === null || s.votedFor === m.from) && candidateLogIsUpToDate(ctx, m);
  if (grant) {
    s.votedFor = m.from;
    ctx.persistHardState();
    resetElectionTimer(ctx);
  }
  ctx.respond({ type: 'RequestVoteResponse', cluster: s.config.clusterId, from: ctx.id, to: m.from, term: s.term, granted: grant });
}

export function handleRequestVoteResponse(ctx: StepContext, m: RequestVoteResponse): void {
  const s = ctx.s;
  ctx.action('HandleRequestVoteResponse');
  if (s.role !== 'Candidate' || m.term !== s.term) return;
  if (m.granted) {
    if (!s.votesGranted.includes(m.from)) s.votesGranted = [...s.votesGranted, m.from];
  } else if (!s.votesRejected.includes(m.from)) {
    s.votesRejected = [...s.votesRejected, m.from];
  }
  if (hasQuorum(s.cluster, s.votesGranted)) becomeLeader(ctx);
  else if (hasQuorum(s.cluster, s.votesRejected)) becomeFollower(ctx, s.term, null);
}

/** A pre-vote is granted on the same log rule, for a term above ours, without changing any state. */
export function handlePreVoteRequest(ctx: StepContext, m: PreVoteRequest): void {
  const s = ctx.s;
  ctx.action('HandlePreVoteRequest');
  const grant = m.term > s.term && candidateLogIsUpToDate(ctx, m);
  // A grant echoes the proposed term so the pre-candidate can match it; a refusal tells our own.
  ctx.respond({ type: 'PreVoteResponse', cluster: s.config.clusterId, from: ctx.id, to: m.from, term: grant ? m.term : s.term, granted: grant });
}

export function handlePreVoteResponse(ctx: StepContext, m: PreVoteResponse): void {
  const s = ctx.s;
  ctx.action('HandlePreVoteResponse');
  // A grant carries the proposed term; a refusal carries the voter's own (our current) term.
  if (s.role !== 'PreCandidate' || m.term !== (m.granted ? s.term + 1 : s.term)) return;
  if (m.granted) {
    if (!s.votesGranted.includes(m.from)) s.votesGranted = [...s.votesGranted, m.from];
  } else if (!s.votesRejected.includes(m.from)) {
    s.votesRejected = [...s.votesRejected, m.from];
  }
  if (hasQuorum(s.cluster, s.votesGranted)) startElection(ctx, false);
  else if (hasQuorum(s.cluster, s.votesRejected)) becomeFollower(ctx, s.term, null);
}

/** BecomeLeader, then a no-op entry of the new term so that earlier entries can commit (§5.4.2). */
export function becomeLeader(ctx: StepContext): void {
  const s = ctx.s;
  ctx.action('BecomeLeader');
  s.role = 'Leader';
  s.leaderId = ctx.id;
  s.votesGranted = [];
  s.votesRejected = [];
  s.heartbeatElapsed = 0;
  s.electionElapsed = 0;
  s.leader = newLeaderState(ctx);
  // An uncommitted configuration change in its log: keep replicating to the previous members too.
  if (s.configIndex > s.commitIndex) syncPeers(ctx);
  appendAsLeader(ctx, [{ term: s.term, type: 'Noop', data: '' }]);
  broadcastAppend(ctx, true);
}
