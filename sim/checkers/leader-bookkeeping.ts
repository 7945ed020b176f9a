// A leader's bookkeeping of its followers and of its own flow control, checked after every step.
//
// These are not Raft's safety properties: a leader that keeps a snapshot pinned after the transfer
// ended, records an empty message as in flight, or miscounts its uncommitted bytes breaks no
// safety rule and usually no liveness bound either; it only resends, stalls a pipeline for a
// while or refuses proposals later. Mutation testing showed such bugs surviving the simulator's
// sweeps as a class (docs/mutation.md), so the state they corrupt is held to what every step of a
// correct leader keeps true. Each check is O(followers + in-flight messages + 16 rounds).
//
// It reads core's private state, which the node protocol does not show, so it is not one of the
// shared checkers (checkers/ judges any implementation from its views): the simulator applies it
// to the states its in-process core returns (sim/cluster/implementation.ts).

import type { RaftState } from '../../core';
import { lastIndex } from '../../core';
import { SafetyViolation } from '../../checkers/violation';

/** The number of heartbeat rounds whose send tick a leader remembers (replication.ts). */
export const ROUNDS_REMEMBERED = 16;

function fail(node: string, detail: string): never {
  throw new SafetyViolation('LeaderBookkeeping', detail, node);
}

/** Throws SafetyViolation('LeaderBookkeeping') if a leader's state contradicts itself. */
export function checkLeaderBookkeeping(node: string, s: RaftState): void {
  const leader = s.leader;
  if (s.role !== 'Leader' || leader === null || leader === undefined) return;
  const last = lastIndex(s.log);
  const passed = passedOf(node);
  // for-in, not Object.entries: this runs after every leader step, and the pair arrays were garbage.
  // The subject of a failure (`progress of ${id}`) is built only when a check fails.
  const progress = leader.progress;
  for (const id in progress) {
    const pr = progress[id];
    const seen = passed.followers.get(id);
    // Only what passed, with a log end and round no greater than now: both only loosen the checks.
    if (seen !== undefined && seen.pr === pr && last >= seen.last && leader.round >= seen.round) continue;
    checkFollower(node, id, pr, last, leader.round);
    if (seen === undefined) passed.followers.set(id, { pr, last, round: leader.round });
    else {
      seen.pr = pr;
      seen.last = last;
      seen.round = leader.round;
    }
  }
  const rounds = leader.roundSentAt;
  if (!(passed.rounds === rounds && passed.round === leader.round && s.tick >= passed.tick)) {
    checkRounds(node, s, leader);
    passed.rounds = rounds;
    passed.round = leader.round;
    passed.tick = s.tick;
  }
  checkLeaderTotals(node, s, leader, last);
}

/**
 * What each node's leader records last passed with: the checks are skipped for a record that
 * passed and has not changed since. Core copies a follower's progress record, or the list of
 * heartbeat rounds, only when a step changes it (a leader's step changes one follower's record or
 * none, and the rounds once per heartbeat), and never changes a record it returned, so an
 * unchanged record passes again, the conditions it was judged under being the same or looser: the
 * log's last index and the current round only grow within a leader's term (a larger one loosens
 * `next <= last + 1` and `sent.round <= round`), and the tick only grows (`tick <= s.tick`). The
 * checks themselves are unchanged; only the rescans of unchanged records are gone. Keyed by node
 * name; a record of another node, term or run never matches by identity.
 */
interface Passed {
  readonly followers: Map<string, { pr: object; last: number; round: number }>;
  rounds: object | null;
  round: number;
  tick: number;
}

const passedByNode = new Map<string, Passed>();

function passedOf(node: string): Passed {
  let p = passedByNode.get(node);
  if (p === undefined) {
    p = { followers: new Map(), rounds: null, round: 0, tick: 0 };
    passedByNode.set(node, p);
  }
  return p;
}

type Leader = NonNullable<RaftState['leader']>;

const progressOf = (id: string): string => `progress of ${id}`;

function checkFollower(node: string, id: string, pr: Leader['progress'][string], last: number, round: number): void {
  if (pr.mode !== 'Probe' && pr.mode !== 'Replicate' && pr.mode !== 'Snapshot') fail(node, `${progressOf(id)}: mode ${JSON.stringify(pr.mode)} is none of Probe, Replicate, Snapshot`);
  if (!(pr.match >= 0 && pr.match < pr.next && pr.next <= last + 1)) fail(node, `${progressOf(id)}: match ${pr.match}, next ${pr.next}, last index ${last}`);
  // In flight: messages with entries, sent in Replicate mode, not yet acknowledged, in order.
  let bytes = 0;
  let previous = pr.match;
  // Indexed, not for-of: V8 does not inline for-of over core's frozen lists (an iterator per list).
  const inflight = pr.inflight;
  for (let k = 0; k < inflight.length; k++) {
    const sent = inflight[k];
    if (!(sent.lastIndex > previous)) fail(node, `${progressOf(id)}: in-flight append ending at ${sent.lastIndex} after ${previous} (match ${pr.match})`);
    if (!(sent.bytes >= 0) || !(sent.round <= round)) fail(node, `${progressOf(id)}: in-flight append of ${sent.bytes} bytes in round ${sent.round}`);
    previous = sent.lastIndex;
    bytes += sent.bytes;
  }
  if (pr.inflight.length > 0 && pr.mode !== 'Replicate') fail(node, `${progressOf(id)}: ${pr.inflight.length} appends in flight in ${pr.mode} mode`);
  if (previous >= pr.next) fail(node, `${progressOf(id)}: in flight up to ${previous}, but next is ${pr.next}`);
  if (bytes !== pr.inflightBytes) fail(node, `${progressOf(id)}: ${pr.inflightBytes} bytes in flight, but its appends hold ${bytes}`);
  // A pinned snapshot belongs to a transfer under way, and only one.
  if (pr.pinnedSnapshot !== null) {
    if (pr.mode !== 'Snapshot') fail(node, `${progressOf(id)}: snapshot ${pr.pinnedSnapshot.index} still pinned in ${pr.mode} mode`);
    if (!(pr.snapshotAckedBytes >= 0 && pr.snapshotAckedBytes <= pr.pinnedSnapshot.data.length)) {
      fail(node, `${progressOf(id)}: ${pr.snapshotAckedBytes} bytes acknowledged of a ${pr.pinnedSnapshot.data.length}-byte snapshot`);
    }
  } else if (pr.snapshotAckedBytes !== 0 || pr.snapshotAckedRound !== 0) {
    fail(node, `${progressOf(id)}: no snapshot pinned, yet ${pr.snapshotAckedBytes} bytes acknowledged in round ${pr.snapshotAckedRound}`);
  }
}

function checkRounds(node: string, s: RaftState, leader: Leader): void {
  // Heartbeat rounds: the newest few, in order, the last one the current round.
  const rounds = leader.roundSentAt;
  if (rounds.length > ROUNDS_REMEMBERED) fail(node, `${rounds.length} heartbeat rounds remembered (at most ${ROUNDS_REMEMBERED})`);
  for (let k = 0; k < rounds.length; k++) {
    const r = rounds[k];
    const ordered = typeof r === 'object' && r !== null && Number.isInteger(r.round) && Number.isInteger(r.tick) && r.tick <= s.tick && (k === 0 || r.round > rounds[k - 1].round);
    if (!ordered) fail(node, `heartbeat round record ${k} is ${JSON.stringify(r)}`);
  }
  if (rounds.length > 0 && rounds[rounds.length - 1].round !== leader.round) fail(node, `newest remembered round ${rounds[rounds.length - 1].round}, current round ${leader.round}`);
}

function checkLeaderTotals(node: string, s: RaftState, leader: Leader, last: number): void {
  checkReads(node, leader.pendingReads);
  checkReads(node, leader.readsAwaitingCommit);
  if (!(leader.durableMatch >= 0 && leader.durableMatch <= last)) fail(node, `durable match ${leader.durableMatch}, last index ${last}`);
  // Uncommitted bytes count this term's proposals above the commit index: none left, none counted.
  if (!(leader.uncommittedBytes >= 0)) fail(node, `${leader.uncommittedBytes} uncommitted bytes`);
  if (s.commitIndex === last && leader.uncommittedBytes !== 0) fail(node, `everything is committed, yet ${leader.uncommittedBytes} bytes are counted uncommitted`);
}

/** Each read a leader holds names its request (two lists walked in place, not concatenated per step). */
function checkReads(node: string, reads: readonly { readonly requestId: string }[]): void {
  for (let k = 0; k < reads.length; k++) {
    const r = reads[k];
    if (typeof r !== 'object' || r === null || typeof r.requestId !== 'string') fail(node, `a pending read is ${JSON.stringify(r)}`);
  }
}
