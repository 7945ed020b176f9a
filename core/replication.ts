// Log replication (§5.3) and the commit rule (§5.4.2), with etcd-style flow control: each
// follower is probed one message at a time until its match is known, then replicated to with up
// to `maxInflightAppends` pipelined messages.

import type { AppendEntriesRequest, AppendEntriesResponse, Entry, LogIndex, NodeId } from './types';
import { StepContext, invariant, type Mutable } from './context';
import { withAppended, withoutFirst } from './arrays';
import { appendEntries, entriesBetween, firstIndexOfTerm, lastIndex, lastIndexOfTerm, termAt, truncateFrom } from './log';
import { quorumMatch } from './quorum';
import type { LeaderState, Progress } from './state';
import { pinnedIndex, releasePinnedSnapshot, sendSnapshotChunk, snapshotNeeded } from './snapshot';
import { confirmReads, releaseReadyReads, startReadsAwaitingCommit } from './reads';
import { maybeSendTimeoutNow } from './transfer';
import { adoptAppendedConfig, members, revertConfigAfterTruncate } from './membership';

const INITIAL_PROGRESS: Omit<Progress, 'next'> = {
  match: 0,
  mode: 'Probe',
  probeSent: false,
  inflight: [],
  inflightBytes: 0,
  recentActive: false,
  ackedRound: 0,
  pinnedSnapshot: null,
  snapshotAckedBytes: 0,
  snapshotAckedRound: 0,
  sentCommit: 0,
};

export function newProgress(next: LogIndex): Progress {
  return { ...INITIAL_PROGRESS, next };
}

export function newLeaderState(ctx: StepContext): LeaderState {
  const next = lastIndex(ctx.s.log) + 1;
  const progress: Record<NodeId, Progress> = {};
  const peers = members(ctx.s.cluster).filter((id) => id !== ctx.id);
  for (const id of peers) progress[id] = newProgress(next);
  return {
    progress,
    round: 0,
    roundSentAt: [],
    readsAwaitingCommit: [],
    pendingReads: [],
    transfer: null,
    leaseRevoked: false,
    uncommittedBytes: 0,
    durableMatch: 0,
    peers,
    retiring: 0,
  };
}

export function entryBytes(entry: Entry): number {
  return entry.data.length;
}

/** ClientRequest: the leader appends to its own log; its own copy counts once durable. */
export function appendAsLeader(ctx: StepContext, entries: readonly Entry[]): void {
  const s = ctx.s;
  const from = lastIndex(s.log) + 1;
  s.log = appendEntries(s.log, entries);
  ctx.persistAppend(from, entries);
  adoptAppendedConfig(ctx, from, entries);
  let bytes = 0;
  for (const e of entries) bytes += entryBytes(e);
  ctx.ownLeader().uncommittedBytes += bytes;
  ctx.respond(selfAppendResponse(ctx, lastIndex(s.log)));
}

function selfAppendResponse(ctx: StepContext, matchIndex: LogIndex): AppendEntriesResponse {
  const s = ctx.s;
  return {
    type: 'AppendEntriesResponse', cluster: s.config.clusterId, from: ctx.id, to: ctx.id, term: s.term,
    success: true, matchIndex, conflictIndex: 0, conflictTerm: 0, prevLogIndex: matchIndex, round: 0,
  };
}

function isPaused(ctx: StepContext, pr: Progress): boolean {
  const c = ctx.s.config;
  switch (pr.mode) {
    case 'Probe':
      return pr.probeSent;
    case 'Replicate':
      return pr.inflight.length >= c.maxInflightAppends || pr.inflightBytes >= c.maxInflightBytes;
    case 'Snapshot':
      return true;
  }
}

/**
 * AppendEntries: sends the follower what it lacks, if flow control allows. With `sendIfEmpty`
 * an empty message still goes out (to carry the commit index or probe the follower).
 */
export function sendAppend(ctx: StepContext, to: NodeId, sendIfEmpty: boolean): void {
  const s = ctx.s;
  const pr = ctx.progress(to);
  if (isPaused(ctx, pr)) return;
  // Nothing to send to a follower that is caught up (the usual answer to a heartbeat): the same
  // outcome as below, without looking up terms or building an empty batch.
  if (!sendIfEmpty && pr.next === lastIndex(s.log) + 1) return;
  const prevLogIndex = pr.next - 1;
  const prevLogTerm = termAt(s.log, prevLogIndex);
  if (prevLogTerm === undefined || snapshotNeeded(ctx, pr)) {
    sendSnapshotChunk(ctx, to, true);
    return;
  }
  const last = lastIndex(s.log);
  const entries = pr.next <= last ? boundedEntries(ctx, pr.next, last) : [];
  if (entries.length === 0 && !sendIfEmpty) return;
  let bytes = 0;
  for (const e of entries) bytes += entryBytes(e);
  const message: AppendEntriesRequest = {
    type: 'AppendEntriesRequest', cluster: s.config.clusterId, from: ctx.id, to, term: s.term,
    prevLogIndex, prevLogTerm, entries, leaderCommit: s.commitIndex, round: ctx.leader().round,
  };
  ctx.action('AppendEntries');
  ctx.send(message);
  const sentLast = prevLogIndex + entries.length;
  if (pr.mode === 'Replicate') {
    // Only entries go out here in Replicate mode: an empty append goes to a Probe follower (a new
    // leader's first, a retry after a rejection, after a snapshot), and a Replicate follower's
    // heartbeats and commit-only messages are sendAnchoredHeartbeat's. (An empty one recorded in
    // flight would be a LeaderBookkeeping violation.) A follower in Replicate mode is expected to
    // accept it (a loss is noticed and repaired, see answersPastLostAppend), so it will know the
    // commit index up to sentLast.
    const owned = ctx.ownProgress(to);
    const told = Math.min(message.leaderCommit, sentLast);
    if (told > pr.sentCommit) owned.sentCommit = told;
    owned.next = sentLast + 1;
    owned.inflight = withAppended(pr.inflight, { lastIndex: sentLast, bytes, round: message.round });
    owned.inflightBytes = pr.inflightBytes + bytes;
  } else {
    ctx.ownProgress(to).probeSent = true;
  }
}

function boundedEntries(ctx: StepContext, from: LogIndex, last: LogIndex): Entry[] {
  const c = ctx.s.config;
  const to = Math.min(last, from + c.maxEntriesPerAppend - 1);
  const entries = entriesBetween(ctx.s.log, from, to);
  let bytes = 0;
  for (let k = 0; k < entries.length; k++) {
    bytes += entryBytes(entries[k]);
    if (bytes > c.maxBytesPerAppend && k > 0) return entries.slice(0, k);
  }
  return entries;
}

export function broadcastAppend(ctx: StepContext, sendIfEmpty: boolean): void {
  const peers = ctx.leader().peers;
  for (let k = 0; k < peers.length; k++) sendAppend(ctx, peers[k], sendIfEmpty);
}

/**
 * A heartbeat is an AppendEntries anchored at the follower's known match, so it never makes a
 * follower reject (and so never disturbs a pipeline), and carries the commit index up to that match.
 * Each broadcast opens a new round for ReadIndex confirmation.
 */
export function broadcastHeartbeat(ctx: StepContext): void {
  const s = ctx.s;
  const leader = ctx.leader();
  const round = leader.round + 1;
  // The last 16 rounds' send ticks (lease reads look a confirmed round up here).
  const previous = leader.roundSentAt;
  const roundSentAt: { round: number; tick: number }[] = [];
  for (let k = Math.max(0, previous.length - 15); k < previous.length; k++) roundSentAt.push(previous[k]);
  roundSentAt.push({ round, tick: s.tick });
  const owned = ctx.ownLeader();
  owned.round = round;
  owned.roundSentAt = roundSentAt;
  for (const to of leader.peers) {
    const pr = ctx.progress(to);
    if (pr.mode === 'Snapshot') {
      sendSnapshotChunk(ctx, to, false);
      continue;
    }
    if (pr.mode === 'Probe') {
      // Its match is unknown, so an anchored heartbeat proves nothing: the heartbeat is the probe
      // itself, at next - 1 (or the snapshot, if next was compacted away). It carries the round.
      ctx.ownProgress(to).probeSent = false;
      sendAppend(ctx, to, true);
      continue;
    }
    sendAnchoredHeartbeat(ctx, to, pr);
  }
  // A single-node cluster confirms its rounds by itself.
  confirmReads(ctx);
}

export function sendAnchoredHeartbeat(ctx: StepContext, to: NodeId, pr: Progress): void {
  const s = ctx.s;
  const anchor = heartbeatAnchor(ctx, pr);
  const leaderCommit = Math.min(s.commitIndex, anchor);
  ctx.action('AppendEntries');
  ctx.send({
    type: 'AppendEntriesRequest', cluster: s.config.clusterId, from: ctx.id, to, term: s.term,
    prevLogIndex: anchor, prevLogTerm: termAt(s.log, anchor) as number, entries: [],
    leaderCommit, round: ctx.leader().round,
  });
  if (leaderCommit > pr.sentCommit) ctx.ownProgress(to).sentCommit = leaderCommit;
}

function heartbeatAnchor(ctx: StepContext, pr: Progress): LogIndex {
  return Math.max(pr.match, ctx.s.log.snapshotIndex);
}

/**
 * Tells a follower a commit index it has not been sent, with an empty AppendEntries anchored at
 * its match (so it cannot be rejected), once it has acknowledged everything sent to it. Never a
 * message that teaches it nothing: not when it was already sent this commit index (or more), and
 * not while appends to it are unacknowledged, because their answers are on the way and the first
 * moment it has acknowledged them all tells it the commit index then reached, in one message
 * rather than one per intermediate commit. Heartbeats still carry the commit index every interval.
 *
 * Decided once, at the end of a leader's step (step.ts), over every follower: a commit index that
 * moves before the leader appends in the same step (a joint configuration that commits and is left
 * at once) then reaches a follower with the entries, not in a commit-only message beside them. So
 * after every step of a leader, each Replicate follower with nothing in flight or unsent has been
 * told the commit index up to its match (FlowControl's told-idle rule).
 */
export function tellCommitAtStepEnd(ctx: StepContext): void {
  if (ctx.s.role !== 'Leader') return;
  const peers = ctx.leader().peers;
  for (let k = 0; k < peers.length; k++) tellCommit(ctx, peers[k], ctx.progress(peers[k]));
}

function tellCommit(ctx: StepContext, to: NodeId, pr: Progress): void {
  const s = ctx.s;
  if (pr.mode !== 'Replicate' || pr.match === 0 || pr.inflight.length > 0 || pr.next <= lastIndex(s.log)) return;
  if (Math.min(s.commitIndex, heartbeatAnchor(ctx, pr)) <= pr.sentCommit) return;
  sendAnchoredHeartbeat(ctx, to, pr);
}

// ---------------------------------------------------------------------------------------------
// Follower side
// ---------------------------------------------------------------------------------------------

// Positional rather than a fields object spread into the message: this answers every
// AppendEntries a follower gets.
function reply(ctx: StepContext, m: AppendEntriesRequest, success: boolean, matchIndex: LogIndex, conflictIndex: LogIndex, conflictTerm: number): void {
  const s = ctx.s;
  ctx.respond({
    type: 'AppendEntriesResponse', cluster: s.config.clusterId, from: ctx.id, to: m.from, term: s.term,
    success, matchIndex, conflictIndex, conflictTerm, prevLogIndex: m.prevLogIndex, round: m.round,
  });
}

export function handleAppendEntriesRequest(ctx: StepContext, m: AppendEntriesRequest): void {
  const s = ctx.s;
  ctx.action('HandleAppendEntriesRequest');
  s.leaderId = m.from;
  s.electionElapsed = 0;
  // Everything up to our commit index (or snapshot) is committed and so matches the leader.
  const known = Math.max(s.commitIndex, s.log.snapshotIndex);
  if (m.prevLogIndex < known) {
    const skip = known - m.prevLogIndex;
    if (skip >= m.entries.length) {
      reply(ctx, m, true, known, 0, 0);
      return;
    }
    acceptEntries(ctx, m, known, m.entries.slice(skip));
    return;
  }
  const localPrevTerm = termAt(s.log, m.prevLogIndex);
  if (localPrevTerm !== m.prevLogTerm) {
    rejectWithHint(ctx, m, localPrevTerm);
    return;
  }
  acceptEntries(ctx, m, m.prevLogIndex, m.entries);
}

/** §5.3 fast backtracking: tell the leader where our log could diverge, at most one probe a term. */
function rejectWithHint(ctx: StepContext, m: AppendEntriesRequest, localPrevTerm: number | undefined): void {
  const s = ctx.s;
  if (localPrevTerm === undefined) {
    reply(ctx, m, false, 0, lastIndex(s.log) + 1, 0);
    return;
  }
  const conflictIndex = firstIndexOfTerm(s.log, localPrevTerm, m.prevLogIndex);
  reply(ctx, m, false, 0, conflictIndex, localPrevTerm);
}

function acceptEntries(ctx: StepContext, m: AppendEntriesRequest, prevIndex: LogIndex, entries: readonly Entry[]): void {
  const s = ctx.s;
  // Skip the matching prefix; truncate only at a real conflict, never because a stale or
  // duplicated message is shorter than our log.
  let k = 0;
  for (; k < entries.length; k++) {
    const term = termAt(s.log, prevIndex + 1 + k);
    if (term === undefined) break;
    if (term !== entries[k].term) {
      const conflictAt = prevIndex + 1 + k;
      invariant(conflictAt > s.commitIndex, `leader ${m.from} conflicts with committed entry ${conflictAt}`);
      s.log = truncateFrom(s.log, conflictAt);
      ctx.persistTruncate(conflictAt);
      revertConfigAfterTruncate(ctx, conflictAt);
      ctx.action('TruncateLog');
      break;
    }
  }
  if (k < entries.length) {
    const fresh = k === 0 ? entries : entries.slice(k);
    const from = prevIndex + 1 + k;
    s.log = appendEntries(s.log, fresh);
    ctx.persistAppend(from, fresh);
    adoptAppendedConfig(ctx, from, fresh);
  }
  const lastNew = prevIndex + entries.length;
  // §5.3: never commit past what this message proved we match.
  const newCommit = Math.min(m.leaderCommit, lastNew);
  if (newCommit > s.commitIndex) {
    s.commitIndex = newCommit;
    ctx.action('AdvanceCommitIndex');
    applyCommitted(ctx);
  }
  reply(ctx, m, true, lastNew, 0, 0);
}

// ---------------------------------------------------------------------------------------------
// Leader side
// ---------------------------------------------------------------------------------------------

/**
 * A successful answer that would change none of the leader's records for its sender: in Replicate
 * mode, nothing in flight, a match it already knows, from a round it already counted, from a
 * follower already marked active (the answer to a commit-only append or a heartbeat of a quiet
 * pipeline). handleAppendEntriesResponse then copies no record; what it does is otherwise the same.
 */
function isRepeatAnswer(pr: Progress, m: AppendEntriesResponse): boolean {
  return m.success && pr.mode === 'Replicate' && pr.inflight.length === 0 && pr.recentActive && m.matchIndex <= pr.match && m.round <= pr.ackedRound;
}

export function handleAppendEntriesResponse(ctx: StepContext, m: AppendEntriesResponse): void {
  const s = ctx.s;
  ctx.action('HandleAppendEntriesResponse');
  if (s.role !== 'Leader' || m.term !== s.term) return;
  if (m.from === ctx.id) {
    if (m.matchIndex > ctx.leader().durableMatch) {
      ctx.ownLeader().durableMatch = m.matchIndex;
      advanceCommitIndex(ctx);
    }
    return;
  }
  // A node removed from the configuration (or not yet added) has no progress: its answers are late news.
  if (ctx.leader().progress[m.from] === undefined) return;
  if (isRepeatAnswer(ctx.progress(m.from), m)) {
    // As below with nothing to record: no copy of the leader's records.
    confirmReads(ctx);
    if (s.role === 'Leader') sendAppend(ctx, m.from, false);
    return;
  }
  const pr = ctx.ownProgress(m.from);
  pr.recentActive = true;
  pr.ackedRound = Math.max(pr.ackedRound, m.round);
  if (m.success) {
    if (m.matchIndex > pr.match) {
      const match = m.matchIndex;
      // Acknowledged messages leave the front of the in-flight list: one slice, not one per message.
      const inflight = pr.inflight;
      let acked = 0;
      let inflightBytes = pr.inflightBytes;
      while (acked < inflight.length && inflight[acked].lastIndex <= match) inflightBytes -= inflight[acked++].bytes;
      // This answer proves the follower's match, so it pipelines from here (Replicate), unless it
      // is still short of the snapshot it is being sent; one it has passed is released.
      if (!(pr.mode === 'Snapshot' && match < pinnedIndex(pr))) {
        pr.mode = 'Replicate';
        releasePinnedSnapshot(pr);
      }
      pr.next = Math.max(pr.next, match + 1);
      pr.match = match;
      pr.probeSent = false;
      if (acked > 0) pr.inflight = withoutFirst(inflight, acked);
      pr.inflightBytes = inflightBytes;
      // If the commit was reached without this answer, this follower may still lack it; the
      // step's end tells it (tellCommitAtStepEnd), unless entries sent it in this step carry it.
      advanceCommitIndex(ctx);
      maybeSendTimeoutNow(ctx, m.from);
    } else if (pr.mode === 'Probe' && m.prevLogIndex === pr.next - 1) {
      // The answer to the outstanding probe (a caught-up follower's empty probe at its match):
      // the next append may go. An older message's answer (a heartbeat sent before the follower
      // dropped to Probe) is not: acting on it would send the outstanding probe again.
      pr.probeSent = false;
    }
    if (pr.mode === 'Replicate' && answersPastLostAppend(pr, m)) resendFromMatch(ctx, m.from, pr);
    confirmReads(ctx);
    if (s.role === 'Leader') sendAppend(ctx, m.from, false);
    return;
  }
  confirmReads(ctx);
  backtrack(ctx, m, pr);
}

/**
 * In Replicate mode the leader sends each entry once, so a lost append must be noticed. Rounds
 * order the leader's sends: every message carries the round current when it left, so a message of
 * a later round than the oldest unacknowledged append left after it. A successful answer to such
 * a message (typically a heartbeat's, whatever round is newest by the time it arrives) that still
 * does not cover that append means the append, or its answer, was lost on the way (or overtaken,
 * on a network that reorders; resending is then merely redundant). This holds however long the
 * round trip is: waiting for an answer to the newest round instead never fires once the round
 * trip exceeds the heartbeat interval, because every answer then belongs to an older round.
 */
function answersPastLostAppend(pr: Progress, m: AppendEntriesResponse): boolean {
  return pr.inflight.length > 0 && m.round > pr.inflight[0].round && pr.match < pr.inflight[0].lastIndex;
}

/**
 * Replicates again from the follower's known match: what it lacks goes out again at once (not an
 * empty probe that must be rejected first), and the in-flight record starts over at this round,
 * so answers to messages sent before this resend do not trigger another one.
 */
function resendFromMatch(ctx: StepContext, to: NodeId, pr: Mutable<Progress>): void {
  pr.next = pr.match + 1;
  pr.inflight = [];
  pr.inflightBytes = 0;
  sendAppend(ctx, to, false);
}

/** A rejection moves `next` back using the follower's hint; stale rejections are ignored. */
function backtrack(ctx: StepContext, m: AppendEntriesResponse, pr: Progress): void {
  const s = ctx.s;
  if (pr.mode === 'Snapshot') return;
  // A rejection of an index beyond our log answers a message of an earlier life of this node
  // (entries it sent then were lost in a crash before they were durable): stale, not a guide.
  if (m.prevLogIndex > lastIndex(s.log)) return;
  if (pr.mode === 'Replicate' && m.prevLogIndex <= pr.match) return;
  if (pr.mode === 'Probe' && m.prevLogIndex !== pr.next - 1) return;
  let next = m.conflictIndex;
  if (m.conflictTerm > 0) {
    const ours = lastIndexOfTerm(s.log, m.conflictTerm);
    if (ours !== undefined) next = ours + 1;
  }
  next = Math.max(pr.match + 1, Math.min(next, m.prevLogIndex));
  ctx.updateProgress(m.from, { next, mode: 'Probe', probeSent: false, inflight: [], inflightBytes: 0 });
  sendAppend(ctx, m.from, true);
}

/**
 * AdvanceCommitIndex: the highest index a majority holds durably, but only if it is from the
 * current term (§5.4.2, Figure 8). Older entries commit indirectly, with it.
 */
export function advanceCommitIndex(ctx: StepContext): void {
  const s = ctx.s;
  const leader = ctx.leader();
  const candidate = quorumMatch(s.cluster, ctx.id, leader.durableMatch, leader.progress);
  if (candidate <= s.commitIndex || termAt(s.log, candidate) !== s.term) return;
  const firstCommitOfTerm = termAt(s.log, s.commitIndex) !== s.term;
  s.commitIndex = candidate;
  ctx.action('AdvanceCommitIndex');
  const applied = applyCommitted(ctx);
  // Only this term's proposals were counted as uncommitted bytes (appendAsLeader).
  let committedBytes = 0;
  for (const e of applied) if (e.term === s.term) committedBytes += entryBytes(e);
  ctx.ownLeader().uncommittedBytes = Math.max(0, leader.uncommittedBytes - committedBytes);
  if (firstCommitOfTerm) startReadsAwaitingCommit(ctx);
  // Followers learn the new commit index with the next AppendEntries; a follower with nothing
  // more to receive gets an empty one at the end of this step (tellCommitAtStepEnd).
}

/** Hands newly committed entries to the application, then any reads they unblock. Returns them. */
export function applyCommitted(ctx: StepContext): readonly Entry[] {
  const s = ctx.s;
  if (s.commitIndex <= s.appliedIndex) return [];
  const from = Math.max(s.appliedIndex + 1, s.log.snapshotIndex + 1);
  const entries = entriesBetween(s.log, from, s.commitIndex);
  // One list of the final size, not pushes (the first reserves room for 17): see StepContext.
  ctx.addApplied(from, entries);
  s.appliedIndex = s.commitIndex;
  releaseReadyReads(ctx);
  return entries;
}
