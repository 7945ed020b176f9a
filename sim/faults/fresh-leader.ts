// Cutting a leader off the moment it is elected, before its first entry leaves it (isolateLeader
// with `next`). The divergence profile's chains cut each leader off one to a few election timeouts
// after the previous one, by which time the new leader's no-op is on a quorum. So no node ever
// held a newer-term entry that nobody else had: the shape of the paper's Figure 8. Two such links
// in a row draw it on three nodes with no client traffic at all: leader A of term 2 is cut off
// holding its no-op alone; B wins term 3 and is cut off the same way, which brings A back; A wins
// term 4 and replicates its term-2 entry with its term-4 no-op. A leader that counts replicas of
// old-term entries commits the term-2 entry once one follower has both, while its own no-op is not
// yet durable, and B, whose term-3 entry sits at that index, could still be elected
// (CommitSurvivesElections, checkers/commit-protection.ts). A go-raft that did just that escaped
// 60 seeds of a sweep for want of this schedule.

import type { Rng } from '../random/rng';
import type { TimedFault } from './types';

/** Election timeouts the chain's next link waits per fresh cut, so that it does not cancel the cut first. */
export const FRESH_LEADER_ELECTIONS_WAIT = 2;

/** Share of a chain's links followed by cuts of the next leaders as they are elected. */
export const FRESH_LEADER_SHARE = 0.5;

/**
 * What follows a divergence chain's link at `linkAtMs`: with probability FRESH_LEADER_SHARE, two
 * isolateLeader faults with `next` (armed 1 and 2 ms after the link), which cut off the next two
 * new leaders the moment each is elected (the two-step shape above); else nothing. The chain's next link, at its
 * own time, cancels any not yet used and cuts off the leader in place, as before.
 */
export function freshLeaderLinks(rng: Rng, linkAtMs: number): TimedFault[] {
  if (!rng.chance(FRESH_LEADER_SHARE)) return [];
  return [1, 2].map((k) => ({ atMs: linkAtMs + k, kind: 'isolateLeader' as const, next: true as const }));
}
