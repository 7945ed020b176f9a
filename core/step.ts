// step(state, input) -> { state, output }: the only entry point to Raft.
//
// Pure and deterministic: it reads nothing but its arguments, never mutates them, and the same
// arguments always give the same result. The caller owns all IO and must honour one rule
// (persist-before-send, see context.ts): write `output.persist` durably, then feed PersistAck
// back; core itself holds back every message that promises durable state until that ack.

import type { Entry, Input, Message, Output } from './types';
import { StepContext, releaseStepContext, takeStepContext } from './context';
import type { RaftState } from './state';
import { checkMessage } from './validate';
import { MAX_TERM_STEP, termStepRefusal } from './terms';
import { lastIndex } from './log';
import { heldAt, heldDrop, heldOldest, heldReleasable } from './held-queue';
import { hasQuorum } from './quorum';
import { ticksUntilNextTimer } from './timers';
import {
  becomeFollower,
  handlePreVoteRequest,
  handlePreVoteResponse,
  handleRequestVoteRequest,
  handleRequestVoteResponse,
  inLeaderLease,
  timeout,
  updateTerm,
} from './election';
import {
  appendAsLeader,
  broadcastAppend,
  broadcastHeartbeat,
  handleAppendEntriesRequest,
  handleAppendEntriesResponse,
  tellCommitAtStepEnd,
} from './replication';
import { compactLog, handleInstallSnapshotRequest, handleInstallSnapshotResponse } from './snapshot';
import { handleReadIndexRequest, handleReadIndexResponse, read } from './reads';
import { expireTransfer, handleTimeoutNowRequest, transferLeadership } from './transfer';
import { afterConfigCommitted, mayCampaign, proposeConfChange } from './membership';

export interface StepResult {
  readonly state: RaftState;
  readonly output: Output;
}

export function step(state: RaftState, input: Input): StepResult {
  const ctx = takeStepContext(state);
  run(ctx, input);
  const result = ctx.finish();
  releaseStepContext(ctx);
  return result;
}

function run(ctx: StepContext, input: Input): void {
  if (typeof input !== 'object' || input === null) {
    ctx.errors.push({ type: 'InvalidInput', reason: 'input must be an object' });
    return;
  }
  switch (input.type) {
    case 'Tick':
      if (input.count === undefined || input.count === 1) tick(ctx);
      else ticks(ctx, input.count);
      break;
    case 'Receive':
      receiveUntrusted(ctx, input.message);
      break;
    case 'Propose':
      propose(ctx, input.requestId, input.data);
      break;
    case 'Read':
      if (typeof input.requestId !== 'string') ctx.errors.push({ type: 'InvalidInput', reason: 'Read.requestId must be a string' });
      else read(ctx, input.requestId);
      break;
    case 'PersistAck':
      persistAck(ctx, input.seq);
      break;
    case 'Snapshot':
      compactLog(ctx, input.index, input.data);
      break;
    case 'TransferLeadership':
      transferLeadership(ctx, input.to);
      break;
    case 'ProposeConfChange':
      proposeConfChange(ctx, input.requestId, input.changes, input.leaveJoint);
      break;
    default:
      ctx.errors.push({ type: 'InvalidInput', reason: `unknown input type ${JSON.stringify((input as { type: unknown }).type)}` });
  }
  drainSelfInbox(ctx);
  // A configuration that committed in this step may call for LeaveJoint (whose own durable ack
  // may come back at once) or for the leader to step down.
  while (afterConfigCommitted(ctx)) drainSelfInbox(ctx);
  tellCommitAtStepEnd(ctx);
}

// ---------------------------------------------------------------------------------------------
// Tick
// ---------------------------------------------------------------------------------------------

function tick(ctx: StepContext): void {
  const s = ctx.s;
  s.tick += 1;
  s.electionElapsed += 1;
  if (s.role === 'Leader') {
    tickLeader(ctx);
    return;
  }
  if (s.electionElapsed >= s.randomizedElectionTimeout && mayCampaign(ctx)) timeout(ctx);
}

/**
 * `count` Tick inputs at once: the first count - 1 only count (the driver asked for no more than
 * ticksUntilNextTimer allows), the last is an ordinary tick. Anything else is refused unchanged.
 */
function ticks(ctx: StepContext, count: unknown): void {
  const s = ctx.s;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) {
    ctx.errors.push({ type: 'InvalidInput', reason: `Tick.count must be a positive integer, got ${JSON.stringify(count)}` });
    return;
  }
  const allowed = ticksUntilNextTimer(s);
  if (count > allowed) {
    ctx.errors.push({ type: 'InvalidInput', reason: `Tick.count ${count} passes a timer: at most ${allowed} ticks can be batched from this state (ticksUntilNextTimer)` });
    return;
  }
  const idle = count - 1;
  s.tick += idle;
  s.electionElapsed += idle;
  if (s.role === 'Leader') s.heartbeatElapsed += idle;
  tick(ctx);
}

function tickLeader(ctx: StepContext): void {
  const s = ctx.s;
  if (s.electionElapsed >= s.config.electionTimeoutTicks) {
    s.electionElapsed = 0;
    if (s.config.checkQuorum && !checkQuorum(ctx)) return;
    expireTransfer(ctx);
  }
  s.heartbeatElapsed += 1;
  if (s.heartbeatElapsed >= s.config.heartbeatIntervalTicks) {
    s.heartbeatElapsed = 0;
    broadcastHeartbeat(ctx);
  }
}

/** CheckQuorum (§9.6): a leader that has not heard from a majority in an election timeout steps down. */
function checkQuorum(ctx: StepContext): boolean {
  const s = ctx.s;
  const leader = ctx.leader();
  const active = [ctx.id, ...Object.keys(leader.progress).filter((id) => leader.progress[id].recentActive)];
  if (!hasQuorum(s.cluster, active)) {
    ctx.action('CheckQuorumStepDown');
    becomeFollower(ctx, s.term, null);
    return false;
  }
  const progress = { ...leader.progress };
  for (const id of Object.keys(progress)) progress[id] = { ...progress[id], recentActive: false };
  ctx.updateLeader({ progress });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Proposals and persistence
// ---------------------------------------------------------------------------------------------

function propose(ctx: StepContext, requestId: string, data: readonly string[]): void {
  const s = ctx.s;
  if (typeof requestId !== 'string' || !Array.isArray(data) || data.length === 0 || !data.every((d) => typeof d === 'string')) {
    ctx.errors.push({ type: 'InvalidInput', reason: 'Propose needs a string requestId and a non-empty array of string data' });
    return;
  }
  if (s.role !== 'Leader') {
    ctx.errors.push({ type: 'NotLeader', requestId, leaderHint: s.leaderId });
    return;
  }
  const leader = ctx.leader();
  if (leader.transfer !== null) {
    ctx.errors.push({ type: 'ProposalDropped', requestId, reason: 'TransferInProgress' });
    return;
  }
  let bytes = 0;
  for (let k = 0; k < data.length; k++) bytes += data[k].length;
  // An empty pipeline always accepts one batch, however large, so that progress is possible.
  if (leader.uncommittedBytes > 0 && leader.uncommittedBytes + bytes > s.config.maxUncommittedBytes) {
    ctx.errors.push({ type: 'ProposalDropped', requestId, reason: 'UncommittedBound' });
    return;
  }
  ctx.action('ClientRequest');
  const firstIndex = lastIndex(s.log) + 1;
  // A list of the final size, filled by a loop: map's callback and its closure cost more per proposal.
  const entries = new Array<Entry>(data.length);
  for (let k = 0; k < data.length; k++) entries[k] = { term: s.term, type: 'Normal', data: data[k] };
  ctx.ownEntries(entries);
  appendAsLeader(ctx, entries);
  ctx.addProposed({ requestId, firstIndex, count: data.length, term: s.term });
  broadcastAppend(ctx, false);
}

function persistAck(ctx: StepContext, seq: number): void {
  const s = ctx.s;
  if (!Number.isSafeInteger(seq) || seq < 0 || seq > s.persistSeq) {
    ctx.errors.push({ type: 'InvalidInput', reason: `PersistAck.seq ${seq} must be an integer in [0, ${s.persistSeq}]` });
    return;
  }
  if (seq <= s.durableSeq) return;
  ctx.action('PersistAck');
  s.durableSeq = seq;
  const count = heldReleasable(s.held, seq);
  if (count === 0) return;
  const held = s.held;
  s.held = heldDrop(held, count);
  // One message (the usual release) is read in place; many are copied out leaf by leaf, which is
  // cheaper per message than looking each one up.
  if (count === 1) {
    release(ctx, heldAt(held, 0).message);
    return;
  }
  const released = heldOldest(held, count);
  for (let k = 0; k < released.length; k++) release(ctx, released[k].message);
}

function release(ctx: StepContext, message: Message): void {
  if (message.to !== ctx.id) ctx.send(message);
  else if (supersedesOwnAck(ctx.selfInbox, message)) ctx.replaceNewestSelf(message);
  else ctx.pushSelf(message);
}

/**
 * The leader's acknowledgements of its own log, released together, say one thing: how far its log
 * is durable. A later one (same term: a leader's log only grows) replaces the one before it, so a
 * sync that covers K proposals costs one commit calculation, not K.
 */
function supersedesOwnAck(inbox: readonly Message[], message: Message): boolean {
  const previous = inbox.length > 0 ? inbox[inbox.length - 1] : null;
  if (message.type !== 'AppendEntriesResponse' || previous?.type !== 'AppendEntriesResponse' || previous.term !== message.term) return false;
  return message.matchIndex >= previous.matchIndex;
}

/** Handles the self-addressed messages, including any that handling them adds. */
function drainSelfInbox(ctx: StepContext): void {
  if (!ctx.hasSelfMessages()) return;
  // Read through ctx each time: handling one may add more, and adding may replace the list.
  for (let k = 0; k < ctx.selfInbox.length; k++) receive(ctx, ctx.selfInbox[k]);
  ctx.clearSelfInbox();
}

// ---------------------------------------------------------------------------------------------
// Receiving messages
// ---------------------------------------------------------------------------------------------

function receiveUntrusted(ctx: StepContext, raw: unknown): void {
  const s = ctx.s;
  const m = checkMessage(raw);
  if (typeof m === 'string') {
    ctx.errors.push({ type: 'InvalidMessage', reason: m, from: (raw as { from?: unknown } | null)?.from });
    return;
  }
  if (m.cluster !== s.config.clusterId) return reject(ctx, m, `wrong cluster id ${JSON.stringify(m.cluster)}`);
  if (m.to !== ctx.id) return reject(ctx, m, `addressed to ${m.to}, not ${ctx.id}`);
  // Senders outside the configuration are normal during membership changes (a node added to a
  // configuration we have not seen yet, a removed node's late messages): they are heard, but only
  // voters of the configuration in effect are counted toward a quorum.
  if (m.from === ctx.id) return reject(ctx, m, `unknown sender ${JSON.stringify(m.from)}`);
  const tooFarAhead = termStepRefusal(s.term, m.term);
  if (tooFarAhead !== null) return refuseAndCatchUp(ctx, m, tooFarAhead);
  if (m.term === s.term && s.role === 'Leader') {
    // Things a follower cannot know: it cannot match beyond what we have.
    if (m.type === 'AppendEntriesResponse' && m.matchIndex > lastIndex(s.log)) {
      return reject(ctx, m, `matchIndex ${m.matchIndex} beyond the leader's last index ${lastIndex(s.log)}`);
    }

    if (m.type === 'AppendEntriesRequest') return reject(ctx, m, `a second leader in term ${m.term}`);
  }
  receive(ctx, m);
}

function reject(ctx: StepContext, m: Message, reason: string): void {
  ctx.errors.push({ type: 'InvalidMessage', reason, from: m.from });
}

/**
 * A message from a voter whose term is more than MAX_TERM_STEP above ours (see terms.ts): it is
 * refused, and our term moves up by MAX_TERM_STEP only. Refusing alone would strand us for good
 * if the sender is a correct node that a faulty one pushed ahead; adopting would let one message
 * spend the whole term range. Each such message moves us one step closer, so a stranded peer
 * is caught up after a few of its retries, and a faulty one needs thousands to exhaust the range.
 * Vote requests during a leader lease are ignored as usual (§9.6).
 */
function refuseAndCatchUp(ctx: StepContext, m: Message, reason: string): void {
  reject(ctx, m, reason);
  if (!ignoresHigherTerm(ctx, m)) updateTerm(ctx, ctx.s.term + MAX_TERM_STEP, null);
}

function receive(ctx: StepContext, m: Message): void {
  const s = ctx.s;
  if (m.term > s.term) {
    if (ignoresHigherTerm(ctx, m)) return;
    if (!(m.type === 'PreVoteRequest' || (m.type === 'PreVoteResponse' && m.granted))) {
      const leader = m.type === 'AppendEntriesRequest' || m.type === 'InstallSnapshotRequest' ? m.from : null;
      updateTerm(ctx, m.term, leader);
    }
  } else if (m.term < s.term) {
    answerStale(ctx, m);
    return;
  }
  switch (s.role) {
    case 'Leader':
      stepLeader(ctx, m);
      break;
    case 'Candidate':
    case 'PreCandidate':
      stepCandidate(ctx, m);
      break;
    case 'Follower':
      stepFollower(ctx, m);
      break;
  }
}

/** A vote request from a higher term is ignored while we believe a leader is alive (§9.6). */
function ignoresHigherTerm(ctx: StepContext, m: Message): boolean {
  // Not by membership: a voter this node does not know of yet (its log lags the change that added
  // it) must be heard, or a lagging majority could never elect anyone. A removed server that does
  // not know it was removed is kept from disrupting by this lease (§4.2.3) and by PreVote.
  if (m.type === 'PreVoteRequest') return inLeaderLease(ctx);
  if (m.type === 'RequestVoteRequest') return !m.transfer && inLeaderLease(ctx);
  return false;
}

/** Requests from an older term are answered with our term, so the stale sender steps down. */
function answerStale(ctx: StepContext, m: Message): void {
  const s = ctx.s;
  const base = { cluster: s.config.clusterId, from: ctx.id, to: m.from, term: s.term };
  switch (m.type) {
    case 'AppendEntriesRequest':
      ctx.send({ ...base, type: 'AppendEntriesResponse', success: false, matchIndex: 0, conflictIndex: 0, conflictTerm: 0, prevLogIndex: m.prevLogIndex, round: m.round });
      break;
    case 'InstallSnapshotRequest':
      ctx.send({ ...base, type: 'InstallSnapshotResponse', lastIncludedIndex: m.lastIncludedIndex, bytesReceived: 0, installed: false, round: m.round });
      break;
    case 'RequestVoteRequest':
      ctx.send({ ...base, type: 'RequestVoteResponse', granted: false });
      break;
    case 'PreVoteRequest':
      ctx.send({ ...base, type: 'PreVoteResponse', granted: false });
      break;
    default:
      // Stale responses carry no information we may act on.
      break;
  }
}

function stepVoteRequests(ctx: StepContext, m: Message): boolean {
  switch (m.type) {
    case 'RequestVoteRequest':
      handleRequestVoteRequest(ctx, m);
      return true;
    case 'PreVoteRequest':
      handlePreVoteRequest(ctx, m);
      return true;
    case 'ReadIndexResponse':
      handleReadIndexResponse(ctx, m);
      return true;
    default:
      return false;
  }
}

function stepLeader(ctx: StepContext, m: Message): void {
  if (stepVoteRequests(ctx, m)) return;
  switch (m.type) {
    case 'AppendEntriesResponse':
      handleAppendEntriesResponse(ctx, m);
      break;
    case 'InstallSnapshotResponse':
      handleInstallSnapshotResponse(ctx, m);
      break;
    case 'ReadIndexRequest':
      handleReadIndexRequest(ctx, m);
      break;
    default:
      break;
  }
}

function stepCandidate(ctx: StepContext, m: Message): void {
  if (stepVoteRequests(ctx, m)) return;
  switch (m.type) {
    case 'RequestVoteResponse':
      handleRequestVoteResponse(ctx, m);
      break;
    case 'PreVoteResponse':
      handlePreVoteResponse(ctx, m);
      break;
    case 'AppendEntriesRequest':
    case 'InstallSnapshotRequest':
      // Someone won this term: step down, then handle it as a follower.
      becomeFollower(ctx, m.term, m.from);
      stepFollower(ctx, m);
      break;
    case 'ReadIndexRequest':
      handleReadIndexRequest(ctx, m);
      break;
    default:
      break;
  }
}

function stepFollower(ctx: StepContext, m: Message): void {
  if (stepVoteRequests(ctx, m)) return;
  switch (m.type) {
    case 'AppendEntriesRequest':
      handleAppendEntriesRequest(ctx, m);
      break;
    case 'InstallSnapshotRequest':
      handleInstallSnapshotRequest(ctx, m);
      break;
    case 'TimeoutNowRequest':
      handleTimeoutNowRequest(ctx, m);
      break;
    case 'ReadIndexRequest':
      handleReadIndexRequest(ctx, m);
      break;
    default:
      break;
  }
}

