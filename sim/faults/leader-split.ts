// Where a leaderSplit (./types.ts) draws its line. The plan names no node: which node leads, which
// nodes vote in its configuration and how far each log reached all depend on the run, so the
// driver resolves the groups from the nodes' views when the fault applies and traces them.

import type { ClusterConfig } from '../../core';
import type { Rng } from '../random/rng';

/** What the split reads of one node. */
export interface SplitNode {
  readonly id: string;
  readonly lastTerm: number;
}

/** The two groups of a split; `b` is empty when there is nothing to split off. */
export interface SplitGroups {
  readonly a: readonly string[];
  readonly b: readonly string[];
}

/**
 * `nonVoters`: the leader and every node outside its configuration's voters (learners, nodes that
 * never joined) against the rest. `itsTerm`: the leader and every node whose log ends in an entry
 * of the leader's term against the rest.
 */
export function leaderSplitGroups(side: 'nonVoters' | 'itsTerm', leader: string, leaderTerm: number, config: ClusterConfig, nodes: readonly SplitNode[]): SplitGroups {
  const voters = new Set([...config.voters, ...(config.votersOutgoing ?? [])]);
  const withLeader = (n: SplitNode): boolean =>
    n.id === leader || (side === 'nonVoters' ? !voters.has(n.id) : n.lastTerm === leaderTerm);
  return { a: nodes.filter(withLeader).map((n) => n.id), b: nodes.filter((n) => !withLeader(n)).map((n) => n.id) };
}

/** `nextLosesVoter`: the voter of the new leader's configuration (not itself) it will not reach; null if it has none. */
export function voterToLose(leader: string, config: ClusterConfig, rng: Rng): string | null {
  const others = [...new Set([...config.voters, ...(config.votersOutgoing ?? [])])].filter((id) => id !== leader).sort();
  return others.length === 0 ? null : rng.pick(others);
}
