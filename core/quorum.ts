// Quorums are always computed from the configuration in effect (state.cluster, the latest
// configuration in the log), never from a constant. In a joint configuration (§4.3) a decision
// needs a majority of the incoming voters AND a majority of the outgoing ones.

import type { ClusterConfig, LogIndex, NodeId } from './types';

/** The size of a majority of the (incoming) voters. */
export function quorumSize(cluster: ClusterConfig): number {
  return Math.floor(cluster.voters.length / 2) + 1;
}

/** A voter of the configuration in effect: incoming, or outgoing while joint. */
export function isVoter(cluster: ClusterConfig, id: NodeId): boolean {
  return cluster.voters.includes(id) || (cluster.votersOutgoing !== undefined && cluster.votersOutgoing.includes(id));
}

/** True when the distinct voters among `ids` form a majority of one voter list. */
function majorityOf(voters: readonly NodeId[], ids: readonly NodeId[]): boolean {
  let count = 0;
  for (const voter of voters) if (ids.includes(voter)) count++;
  return count >= Math.floor(voters.length / 2) + 1;
}

/** True when `ids` hold a quorum: a majority of voters (and, while joint, of the outgoing voters). Duplicates never count twice. */
export function hasQuorum(cluster: ClusterConfig, ids: readonly NodeId[]): boolean {
  if (!majorityOf(cluster.voters, ids)) return false;
  return cluster.votersOutgoing === undefined || majorityOf(cluster.votersOutgoing, ids);
}

/**
 * Scratch space for majorityMin, reused by every call: the values are read before it returns and
 * nothing else touches it, so sharing it is invisible to callers (and saves a list per answer).
 */
const scratchValues: number[] = [];

/** The largest value that a majority of `voters` have reached. */
function majorityMin(voters: readonly NodeId[], valueOf: (id: NodeId) => LogIndex): LogIndex {
  // Configurations always have voters (config.ts, membership.ts); without any there is no value
  // (as the list this replaced gave), never a stale one left in the scratch list by an earlier call.
  if (voters.length === 0) return undefined as unknown as LogIndex;
  const values = scratchValues;
  for (let n = 0; n < voters.length; n++) placeDescending(values, n, valueOf(voters[n]));
  return values[Math.floor(voters.length / 2)];
}

/** Inserts `value` into the descending prefix values[0, n), moving the smaller values up one slot (no resizing). */
function placeDescending(values: number[], n: number, value: number): void {
  let k = n;
  while (k > 0 && values[k - 1] < value) {
    values[k] = values[k - 1];
    k--;
  }
  values[k] = value;
}

/**
 * The largest value that a quorum has reached (the commit candidate of §5.3): while joint, the
 * smaller of the two majorities' values, since both must agree.
 */
export function quorumMin(cluster: ClusterConfig, valueOf: (id: NodeId) => LogIndex): LogIndex {
  const incoming = majorityMin(cluster.voters, valueOf);
  if (cluster.votersOutgoing === undefined) return incoming;
  return Math.min(incoming, majorityMin(cluster.votersOutgoing, valueOf));
}

/** The largest match index a majority of `voters` hold: the leader's own is `selfMatch`. */
function majorityMatch(voters: readonly NodeId[], selfId: NodeId, selfMatch: LogIndex, progress: Readonly<Record<NodeId, { readonly match: LogIndex }>>): LogIndex {
  if (voters.length === 0) return undefined as unknown as LogIndex;
  const values = scratchValues;
  for (let n = 0; n < voters.length; n++) {
    const id = voters[n];
    placeDescending(values, n, id === selfId ? selfMatch : progress[id].match);
  }
  return values[Math.floor(voters.length / 2)];
}

/**
 * quorumMin over the leader's match indexes (its own durable one for itself), the commit candidate
 * computed on every answer: the same value without a closure allocated per call.
 */
export function quorumMatch(cluster: ClusterConfig, selfId: NodeId, selfMatch: LogIndex, progress: Readonly<Record<NodeId, { readonly match: LogIndex }>>): LogIndex {
  const incoming = majorityMatch(cluster.voters, selfId, selfMatch, progress);
  if (cluster.votersOutgoing === undefined) return incoming;
  return Math.min(incoming, majorityMatch(cluster.votersOutgoing, selfId, selfMatch, progress));
}

/**
 * Inserts `value` into the descending list `sorted`, growing it: placeDescending's order on a list
 * of its own (the quorum helpers above insert into one fixed scratch list instead). Voter lists
 * are a handful long, so building the order by insertion beats Array.prototype.sort, its
 * comparator calls and its scratch arrays.
 */
export function insertDescending(sorted: number[], value: number): void {
  sorted.push(value);
  placeDescending(sorted, sorted.length - 1, value);
}
