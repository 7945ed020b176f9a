// Linearizable reads without writing to the log (§6.4).
//
// ReadIndex: the leader records its commit index, confirms it is still leader with a heartbeat
// round answered by a majority, and answers once the state machine has applied that index. A new
// leader first waits until it has committed an entry of its own term, because only then does it
// know the true commit index.
//
// Lease reads (§6.4.1, optional): with CheckQuorum on, followers ignore vote requests for an
// election timeout after hearing from the leader, so a leader whose heartbeat round sent at tick T
// was answered by a majority remains the only leader until T + electionTimeout, *as long as no
// clock runs faster than another by more than leaseClockDriftBoundTicks over that span*. The
// leader serves reads without a round while inside T + electionTimeout - leaseClockDriftBoundTicks.

import type { LogIndex, NodeId, ReadIndexRequest, ReadIndexResponse } from './types';
import { StepContext } from './context';
import { termAt } from './log';
import { quorumMin } from './quorum';
import { broadcastHeartbeat } from './replication';

function committedInCurrentTerm(ctx: StepContext): boolean {
  return termAt(ctx.s.log, ctx.s.commitIndex) === ctx.s.term;
}

/** Read: a client read arriving at this node. Followers forward it to the leader. */
export function read(ctx: StepContext, requestId: string): void {
  const s = ctx.s;
  if (s.role === 'Leader') {
    leaderRead(ctx, requestId, null);
    return;
  }
  if (s.leaderId === null) {
    ctx.errors.push({ type: 'ReadFailed', requestId, reason: 'NotLeader', leaderHint: null });
    return;
  }
  ctx.send({ type: 'ReadIndexRequest', cluster: s.config.clusterId, from: ctx.id, to: s.leaderId, term: s.term, requestId });
}

function leaderRead(ctx: StepContext, requestId: string, requester: NodeId | null): void {
  ctx.action('ReadIndex');
  if (!committedInCurrentTerm(ctx)) {
    const leader = ctx.leader();
    ctx.updateLeader({ readsAwaitingCommit: [...leader.readsAwaitingCommit, { requestId, requester }] });
    return;
  }
  const index = ctx.s.commitIndex;
  if (leaseValid(ctx)) {
    answer(ctx, requestId, requester, index);
    return;
  }
  const leader = ctx.leader();
  const round = leader.round + 1;
  ctx.updateLeader({ pendingReads: [...leader.pendingReads, { requestId, index, round, requester }] });
  broadcastHeartbeat(ctx);
}

function answer(ctx: StepContext, requestId: string, requester: NodeId | null, index: LogIndex): void {
  const s = ctx.s;
  if (requester === null) {
    s.readyReads = [...s.readyReads, { requestId, index }];
    releaseReadyReads(ctx);
  } else {
    ctx.send({ type: 'ReadIndexResponse', cluster: s.config.clusterId, from: ctx.id, to: requester, term: s.term, requestId, readIndex: index });
  }
}

/** The newest round that a majority (this leader included) has answered. */
function quorumAckedRound(ctx: StepContext): number {
  const leader = ctx.leader();
  return quorumMin(ctx.s.cluster, (id) => (id === ctx.id ? leader.round : leader.progress[id].ackedRound));
}

function leaseValid(ctx: StepContext): boolean {
  const s = ctx.s;
  if (!s.config.leaseRead || ctx.leader().leaseRevoked) return false;
  const confirmed = quorumAckedRound(ctx);
  const sent = ctx.leader().roundSentAt.find((r) => r.round === confirmed);
  if (sent === undefined) return false;
  return s.tick - sent.tick < s.config.electionTimeoutTicks - s.config.leaseClockDriftBoundTicks;
}

/** Answers every pending read whose heartbeat round a majority has confirmed. */
export function confirmReads(ctx: StepContext): void {
  if (ctx.s.role !== 'Leader') return;
  const leader = ctx.leader();
  if (leader.pendingReads.length === 0) return;
  const confirmed = quorumAckedRound(ctx);
  if (leader.pendingReads[0].round > confirmed) return;
  const remaining = leader.pendingReads.filter((r) => r.round > confirmed);
  const done = leader.pendingReads.filter((r) => r.round <= confirmed);
  ctx.updateLeader({ pendingReads: remaining });
  for (const r of done) answer(ctx, r.requestId, r.requester, r.index);
}

/** Called when the leader commits its first entry of the term: queued reads can now start. */
export function startReadsAwaitingCommit(ctx: StepContext): void {
  const waiting = ctx.leader().readsAwaitingCommit;
  if (waiting.length === 0) return;
  ctx.updateLeader({ readsAwaitingCommit: [] });
  for (const r of waiting) leaderRead(ctx, r.requestId, r.requester);
}

/** Emits read results whose index the application has now applied. */
export function releaseReadyReads(ctx: StepContext): void {
  const s = ctx.s;
  if (s.readyReads.length === 0) return;
  const ready = s.readyReads.filter((r) => r.index <= s.appliedIndex);
  if (ready.length === 0) return;
  s.readyReads = s.readyReads.filter((r) => r.index > s.appliedIndex);
  for (const r of ready) ctx.reads.push(r);
}

/** A leader stepping down can no longer vouch for any read it had accepted. */
export function failAllReads(ctx: StepContext): void {
  const s = ctx.s;
  const leader = s.leader;
  if (leader === null) return;
  for (const r of [...leader.readsAwaitingCommit, ...leader.pendingReads]) {
    if (r.requester === null) ctx.errors.push({ type: 'ReadFailed', requestId: r.requestId, reason: 'LeadershipLost', leaderHint: null });
    else ctx.send({ type: 'ReadIndexResponse', cluster: s.config.clusterId, from: ctx.id, to: r.requester, term: s.term, requestId: r.requestId, readIndex: -1 });
  }
}

export function handleReadIndexRequest(ctx: StepContext, m: ReadIndexRequest): void {
  const s = ctx.s;
  ctx.action('HandleReadIndexRequest');
  if (s.role !== 'Leader') {
    ctx.send({ type: 'ReadIndexResponse', cluster: s.config.clusterId, from: ctx.id, to: m.from, term: s.term, requestId: m.requestId, readIndex: -1 });
    return;
  }
  leaderRead(ctx, m.requestId, m.from);
}

export function handleReadIndexResponse(ctx: StepContext, m: ReadIndexResponse): void {
  const s = ctx.s;
  ctx.action('HandleReadIndexResponse');
  if (m.readIndex < 0) {
    ctx.errors.push({ type: 'ReadFailed', requestId: m.requestId, reason: 'NotLeader', leaderHint: s.leaderId });
    return;
  }
  s.readyReads = [...s.readyReads, { requestId: m.requestId, index: m.readIndex }];
  releaseReadyReads(ctx);
}
