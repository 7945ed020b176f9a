// FlowControl: a leader's messages must each teach the follower something, and the leader's record
// of what it taught must cover what it sent.
//
// Raft's safety and the liveness bounds say nothing about messages that are late, repeated or
// empty: a leader that sends the same append twice at one instant, streams an empty snapshot chunk
// after the follower holds every byte, or forgets which commit index it already told a follower
// (and so tells it again) stays safe and live. Mutation testing found such bugs surviving every
// sweep as a class (docs/mutation.md, theme flow-control-unchecked), and the redundant-append bug
// of issue 8 item 2 was one of them. Each rule here is judged on one step of a leader:
//
//   duplicate      one step's output holds two identical requests to one follower (the same
//                  AppendEntries prevLogIndex/prevLogTerm/entries/leaderCommit, or the same
//                  InstallSnapshot chunk): the second teaches nothing the first did not.
//   told-record    a leader sending AppendEntries to a follower in Replicate mode expects it to be
//                  accepted, so its record of the commit index that follower was told (sentCommit)
//                  covers min(leaderCommit, last index sent); a record below it makes the leader
//                  send the same commit index again.
//   repeat-commit  outside a heartbeat broadcast, an empty append to a follower in Replicate mode
//                  tells it a commit index it was not told before (a TransferLeadership step
//                  too: core used to send the target an empty append there even when everything
//                  was in flight to it).
//   empty-chunk    an InstallSnapshot chunk carries bytes the follower lacks: an empty chunk is sent
//                  only for an empty snapshot (offset 0).
//   limits         an append holds at most maxEntriesPerAppend entries, and more than one only
//                  within maxBytesPerAppend bytes of entry data (one entry may exceed it alone).
//   entries-first  outside a heartbeat broadcast, no empty append goes to a follower in Replicate
//                  mode with nothing in flight while entries it lacks are unsent: the entries
//                  themselves (which carry the commit index) are what it should be sent.
//   beside-entries outside a heartbeat (an empty append of a round opened before the step), a step
//                  sends a follower in Replicate mode no empty append that teaches nothing beyond
//                  an append of entries to it in the same step and round: the entries carry a
//                  commit index at least as high (min(leaderCommit, last index sent)), and their
//                  answer confirms the same round. (Core did this when its commit index moved
//                  before it appended in one step, as when a joint configuration commits and is
//                  left at once. A heartbeat of a round opened in the step beside entries of that
//                  round is also needless, but is not judged: docs/status.md.)
//   probe-pacing   a follower in Probe mode has one probe outstanding at a time. Outside a heartbeat
//                  (which re-probes by design), a step sends a follower whose probe was outstanding
//                  before it a new append only if the step handled an answer from it that answers
//                  that probe (prevLogIndex = next - 1) or raises its match: acting on a stale
//                  rejection repeats a probe that is still in flight. And a step that handled the
//                  successful answer to the outstanding probe leaves it in Replicate mode, or not
//                  paused, or sends it the next append: otherwise the next probe waits for a
//                  heartbeat (a wasted round).
//   told-idle      after every step of a leader, each follower in Replicate mode with nothing in
//                  flight has nothing unsent (its window is open, so entries it lacks go at once),
//                  and has been told the commit index up to its match (sentCommit >=
//                  min(commitIndex, max(match, snapshotIndex))): with no append to carry them,
//                  it would get the entries, or learn the commit index, only at the next heartbeat.
//   window         an append of entries to a follower in Replicate mode leaves only while fewer
//                  than maxInflightAppends appends and fewer than maxInflightBytes entry bytes are
//                  in flight to it (etcd's inflights: full at the count, or at or past the bytes),
//                  so the bytes in flight pass the window by one append at most, and a single
//                  append larger than the window still goes when nothing is in flight.
//
// It reads core's private leader state, as LeaderBookkeeping does, so the simulator applies it to
// its in-process core only (sim/cluster/implementation.ts). O(messages of the step).

import { lastIndex, type Input, type Message, type Progress, type RaftState, type StepResult } from '../../core';
import { SafetyViolation } from '../../checkers/violation';

function fail(node: string, detail: string): never {
  throw new SafetyViolation('FlowControl', detail, node);
}

/**
 * What makes two requests to one follower the same message. The round is part of it: heartbeats of
 * two rounds held behind one fsync go out together, and each confirms its own round for ReadIndex.
 */
function requestKey(m: Message): string | null {
  if (m.type === 'AppendEntriesRequest') {
    const last = m.entries.length === 0 ? '' : `${m.entries[m.entries.length - 1].term}`;
    return `AE ${m.to} ${m.term} ${m.prevLogIndex}/${m.prevLogTerm} +${m.entries.length}@${last} c${m.leaderCommit} r${m.round}`;
  }
  if (m.type === 'InstallSnapshotRequest') return `IS ${m.to} ${m.term} ${m.lastIncludedIndex} ${m.offset}+${m.data.length} r${m.round}`;
  return null;
}

/**
 * requestKey(a) === requestKey(b), for two requests (neither key null), compared field by field:
 * building a key string per message and a Set per step was most of this check's cost.
 */
function sameRequest(a: Message, b: Message): boolean {
  if (a.type === 'AppendEntriesRequest') {
    if (b.type !== 'AppendEntriesRequest') return false;
    const n = a.entries.length;
    return a.to === b.to && a.term === b.term && a.prevLogIndex === b.prevLogIndex && a.prevLogTerm === b.prevLogTerm && n === b.entries.length
      && (n === 0 || a.entries[n - 1].term === b.entries[n - 1].term) && a.leaderCommit === b.leaderCommit && a.round === b.round;
  }
  if (a.type === 'InstallSnapshotRequest') {
    return b.type === 'InstallSnapshotRequest' && a.to === b.to && a.term === b.term && a.lastIncludedIndex === b.lastIncludedIndex
      && a.offset === b.offset && a.data.length === b.data.length && a.round === b.round;
  }
  return false;
}

/** Above this many messages in one step, duplicates are found by key rather than pairwise. */
const PAIRWISE_MAX = 16;

/** The keys of the requests from `node` before position `k` of `messages`. */
function requestKeys(messages: readonly Message[], k: number, node: string): Set<string> {
  const keys = new Set<string>();
  for (let j = 0; j < k; j++) {
    const key = messages[j].from === node ? requestKey(messages[j]) : null;
    if (key !== null) keys.add(key);
  }
  return keys;
}

/** Indexed, not Array.includes: this runs on every step that sends, over core's frozen action lists. */
function hasAction(actions: readonly string[], name: string): boolean {
  for (let k = 0; k < actions.length; k++) if (actions[k] === name) return true;
  return false;
}

const isRequest = (m: Message): boolean => m.type === 'AppendEntriesRequest' || m.type === 'InstallSnapshotRequest';

/** The first request before position `k` of `messages`, from `node`, that is the same as messages[k]; -1 if none. */
function earlierSame(messages: readonly Message[], k: number, node: string): number {
  const m = messages[k];
  for (let j = 0; j < k; j++) {
    const o = messages[j];
    if (o.from === node && sameRequest(o, m)) return j;
  }
  return -1;
}

/** Throws SafetyViolation('FlowControl') if a leader's step sends a message that teaches nothing. */
export function checkFlowControl(node: string, after: RaftState, result: StepResult, before?: RaftState, input?: Input): void {
  const messages = result.output.messages;
  checkProbeAnswered(node, messages, before, after, input);
  if (messages.length === 0) {
    checkToldIdle(node, after);
    return;
  }
  const removal = hasAction(result.output.actions, 'StepDownRemoved');
  let keys: Set<string> | null = null;
  for (let k = 0; k < messages.length; k++) {
    const m = messages[k];
    if (m.from !== node) continue;
    if (m.type === 'InstallSnapshotRequest' && m.data.length === 0 && m.offset > 0) {
      fail(node, `an empty InstallSnapshot chunk at offset ${m.offset} of snapshot ${m.lastIncludedIndex} to ${m.to}: the follower holds every byte`);
    }
    if (m.type === 'AppendEntriesRequest' && m.entries.length > 0) checkAppendLimits(node, m, after);
    if (!isRequest(m)) continue;
    // A follower removed by a committed change is no longer in the leader's progress: only the
    // duplicate rule applies to the leader's last word to it.
    const removedPeer = removal || (after.role === 'Leader' && after.leader?.progress[m.to] === undefined);
    if (k > 0) {
      // Few messages (nearly every step): compared pairwise. Many (a burst released by one fsync):
      // by key, so that the check stays linear.
      if (keys === null && messages.length > PAIRWISE_MAX) keys = requestKeys(messages, k, node);
      const key = keys === null ? null : requestKey(m) as string;
      const duplicate = keys === null ? earlierSame(messages, k, node) >= 0 : keys.has(key as string);
      if (duplicate) fail(node, `two identical requests to ${m.to} at one instant (${requestKey(m)})`);
      if (keys !== null) keys.add(key as string);
    }
    if (removedPeer) continue;
    if (m.type === 'AppendEntriesRequest') checkProbeRepeat(node, m, before, after, input);
    if (m.type !== 'AppendEntriesRequest' || after.role !== 'Leader' || after.term !== m.term) continue;
    const pr = after.leader?.progress[m.to];
    if (pr === undefined || pr.mode !== 'Replicate') continue;
    const told = Math.min(m.leaderCommit, m.prevLogIndex + m.entries.length);
    const was = before?.role === 'Leader' && before.term === after.term ? before.leader?.progress[m.to] : undefined;
    if (m.entries.length === 0 && was !== undefined && was.mode === 'Replicate' && before?.leader?.round === after.leader?.round && told <= was.sentCommit) {
      fail(node, `an empty append to ${m.to} outside a heartbeat that tells it commit index ${told}, which it was already told (${was.sentCommit})`);
    }
    if (m.entries.length === 0 && was !== undefined && was.mode === 'Replicate' && before?.leader?.round === after.leader?.round
      && pr.inflight.length === 0 && pr.next <= lastIndex(after.log)) {
      fail(node, `an empty append to ${m.to} outside a heartbeat while entries ${pr.next}..${lastIndex(after.log)} are unsent to it and nothing is in flight`);
    }
    if (m.entries.length > 0) checkWindow(node, m, pr, after);
    else if (was !== undefined && m.round <= (before?.leader?.round ?? 0)) checkBesideEntries(node, m, messages);
    if (pr.sentCommit < told) fail(node, `sent ${m.to} commit index ${told} in Replicate mode, but records it told ${pr.sentCommit}: it will tell it again`);
  }
  checkToldIdle(node, after);
}

function checkAppendLimits(node: string, m: Extract<Message, { type: 'AppendEntriesRequest' }>, state: RaftState): void {
  const { maxEntriesPerAppend, maxBytesPerAppend } = state.config;
  if (m.entries.length > maxEntriesPerAppend) fail(node, `an append of ${m.entries.length} entries to ${m.to}, above maxEntriesPerAppend ${maxEntriesPerAppend}`);
  if (m.entries.length < 2) return;
  let bytes = 0;
  const entries = m.entries;
  for (let k = 0; k < entries.length; k++) bytes += entries[k].data.length;
  if (bytes > maxBytesPerAppend) fail(node, `an append of ${m.entries.length} entries, ${bytes} bytes, to ${m.to}, above maxBytesPerAppend ${maxBytesPerAppend}`);
}

/**
 * The leader records each append of entries it pipelines (core/replication.ts), oldest first, and
 * acknowledgements only take records off the front; so the records before this message's own are
 * what was in flight when it left.
 */
function checkWindow(node: string, m: Extract<Message, { type: 'AppendEntriesRequest' }>, pr: Progress, state: RaftState): void {
  const sentLast = m.prevLogIndex + m.entries.length;
  const at = pr.inflight.findIndex((r) => r.lastIndex === sentLast && r.round === m.round);
  if (at < 0) return;
  const { maxInflightAppends, maxInflightBytes } = state.config;
  if (at >= maxInflightAppends) fail(node, `an append to ${m.to} ending at ${sentLast} sent with ${at} appends in flight, at or above maxInflightAppends ${maxInflightAppends}`);
  let bytes = 0;
  for (let k = 0; k < at; k++) bytes += pr.inflight[k].bytes;
  if (bytes >= maxInflightBytes) fail(node, `an append to ${m.to} ending at ${sentLast} sent with ${bytes} bytes in flight, at or above maxInflightBytes ${maxInflightBytes}`);
}

/** An empty append whose commit index an append of entries to the same follower, in the same step and round, carries too. */
function checkBesideEntries(node: string, empty: Extract<Message, { type: 'AppendEntriesRequest' }>, messages: readonly Message[]): void {
  const taught = Math.min(empty.leaderCommit, empty.prevLogIndex);
  for (let k = 0; k < messages.length; k++) {
    const m = messages[k];
    if (m.type !== 'AppendEntriesRequest' || m.to !== empty.to || m.entries.length === 0 || m.round !== empty.round || m.term !== empty.term) continue;
    const told = Math.min(m.leaderCommit, m.prevLogIndex + m.entries.length);
    if (told >= taught) fail(node, `an empty append to ${m.to} telling commit index ${taught} beside an append of entries ${m.prevLogIndex + 1}..${m.prevLogIndex + m.entries.length} in the same step and round, which tells it ${told}`);
  }
}

/** After a leader's step, no idle, caught-up Replicate follower is left without the commit index it can take. */
function checkToldIdle(node: string, state: RaftState): void {
  if (state.role !== 'Leader' || state.leader === null || state.leader === undefined) return;
  const last = lastIndex(state.log);
  const { peers, progress } = state.leader;
  for (let k = 0; k < peers.length; k++) {
    const pr = progress[peers[k]];
    if (pr === undefined || pr.mode !== 'Replicate' || pr.inflight.length > 0) continue;
    if (pr.next <= last) fail(node, `${peers[k]} has nothing in flight, yet entries ${pr.next}..${last} are unsent to it: they wait for an answer to a heartbeat`);
    if (pr.match === 0) continue;
    const due = Math.min(state.commitIndex, Math.max(pr.match, state.log.snapshotIndex));
    if (pr.sentCommit < due) fail(node, `${peers[k]} has every entry and nothing in flight, but was told commit index ${pr.sentCommit}, not ${due}: it waits for a heartbeat to learn it`);
  }
}

/** The answer from `from` this step handled, if the step was one. */
function answerFrom(input: Input | undefined, from: string): Extract<Message, { type: 'AppendEntriesResponse' }> | null {
  if (input?.type !== 'Receive' || input.message.type !== 'AppendEntriesResponse' || input.message.from !== from) return null;
  return input.message;
}

/** The follower's progress before a step in which `after`'s leader kept its term and opened no round, else undefined. */
function progressBefore(before: RaftState | undefined, after: RaftState, to: string): Progress | undefined {
  if (before?.role !== 'Leader' || after.role !== 'Leader' || before.term !== after.term) return undefined;
  if (before.leader?.round !== after.leader?.round) return undefined;
  return before.leader?.progress[to];
}

function checkProbeRepeat(node: string, m: Extract<Message, { type: 'AppendEntriesRequest' }>, before: RaftState | undefined, after: RaftState, input: Input | undefined): void {
  const was = progressBefore(before, after, m.to);
  if (was === undefined || was.mode !== 'Probe' || !was.probeSent) return;
  const answer = answerFrom(input, m.to);
  if (answer !== null && answer.term === after.term && (answer.prevLogIndex === was.next - 1 || (after.leader?.progress[m.to]?.match ?? 0) > was.match)) return;
  fail(node, `an append to ${m.to} at ${m.prevLogIndex} while its probe at ${was.next - 1} is unanswered, outside a heartbeat${answer === null ? '' : ` (on an answer to an older message, at ${answer.prevLogIndex})`}`);
}

function checkProbeAnswered(node: string, messages: readonly Message[], before: RaftState | undefined, after: RaftState, input: Input | undefined): void {
  if (input?.type !== 'Receive' || input.message.type !== 'AppendEntriesResponse' || !input.message.success) return;
  const answer = input.message;
  const was = progressBefore(before, after, answer.from);
  if (was === undefined || was.mode !== 'Probe' || !was.probeSent || answer.term !== after.term || answer.prevLogIndex !== was.next - 1) return;
  const pr = after.leader?.progress[answer.from];
  if (pr === undefined || pr.mode !== 'Probe' || !pr.probeSent) return;
  for (let k = 0; k < messages.length; k++) if (messages[k].to === answer.from && messages[k].type === 'AppendEntriesRequest') return;
  fail(node, `${answer.from}'s probe at ${answer.prevLogIndex} was answered, yet it stays paused in Probe mode with nothing sent: its next probe waits for a heartbeat`);
}
