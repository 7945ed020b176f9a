// The leader records before and after a step in which a node stays leader of one term: what the
// per-step rules about a leader's bookkeeping judge. Leaving office is judged elsewhere (a leader
// that steps down answers what it held; see read-accounting.ts).

import type { RaftState } from '../../core';

export type LeaderRecords = NonNullable<RaftState['leader']>;

/** The leader's records before and after the step, or null unless it led the same term throughout. */
export interface SameTermLeader {
  readonly was: LeaderRecords;
  readonly is: LeaderRecords;
}

export function sameTermLeader(before: RaftState, after: RaftState): SameTermLeader | null {
  const was = before.leader;
  const is = after.leader;
  if (before.role !== 'Leader' || after.role !== 'Leader' || before.term !== after.term || !was || !is) return null;
  return { was, is };
}
