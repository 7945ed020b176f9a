// Quorums are always computed from the configuration held in state, never from a constant, so
// that membership changes can later swap the configuration without touching these rules.

import type { ClusterConfig, LogIndex, NodeId } from './types';

export function quorumSize(cluster: ClusterConfig): number {
  return Math.floor(cluster.voters.length / 2) + 1;
}

export function isVoter(cluster: ClusterConfig, id: NodeId): boolean {
  return cluster.voters.includes(id);
}

/** True when the distinct voters in `ids` form a majority. Duplicates never count twice. */
export function hasQuorum(cluster: ClusterConfig, ids: readonly NodeId[]): boolean {
  let count = 0;
  for (const voter of cluster.voters) if (ids.includes(voter)) count++;
  return count >= quorumSize(cluster);
}

/** The largest value that a majority of voters have reached (the commit candidate of §5.3). */
export function quorumMin(cluster: ClusterConfig, valueOf: (id: NodeId) => LogIndex): LogIndex {
  const voters = cluster.voters;
  const values: number[] = [];
  for (let k = 0; k < voters.length; k++) insertDescending(values, valueOf(voters[k]));
  return values[quorumSize(cluster) - 1];
}

/**
 * Inserts `value` into the descending list `sorted`. Voter lists are a handful long, so building
 * the order by insertion beats Array.prototype.sort, its comparator calls and its scratch arrays
 * (this runs for every AppendEntries answer a leader gets).
 */
export function insertDescending(sorted: number[], value: number): void {
  let k = sorted.length;
  sorted.push(value);
  while (k > 0 && sorted[k - 1] < value) {
    sorted[k] = sorted[k - 1];
    k--;
  }
  sorted[k] = value;
}
