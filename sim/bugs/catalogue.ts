// Every planted bug, in the order `raftbed bugs` runs them.

import type { PlantedBug } from './types';
import { figure8CommitOldTerm } from './figure8-commit-old-term';
import { voteWithoutLogCheck } from './vote-without-log-check';
import { forgetVoteOnRestart } from './forget-vote-on-restart';
import { ackBeforeSync } from './ack-before-sync';
import { acceptStaleTermResponses } from './accept-stale-term-responses';
import { truncateOnStaleAppend } from './truncate-on-stale-append';
import { followerCommitBeyondMatch } from './follower-commit-beyond-match';
import { readIndexWithoutHeartbeat } from './read-index-without-heartbeat';
import { prevoteBumpsTerm } from './prevote-bumps-term';
import { doubleCountVote } from './double-count-vote';
import { quorumHalf } from './quorum-half';
import { matchIndexRegresses } from './match-index-regresses';
import { confChangeBeforeTermCommit } from './conf-change-before-term-commit';
import { overlappingConfChanges } from './overlapping-conf-changes';
import { jointQuorumOldOnly } from './joint-quorum-old-only';
import { removedNodeVotesCounted } from './removed-node-votes-counted';

export const PLANTED_BUGS: readonly PlantedBug[] = Object.freeze([
  figure8CommitOldTerm,
  voteWithoutLogCheck,
  forgetVoteOnRestart,
  ackBeforeSync,
  acceptStaleTermResponses,
  truncateOnStaleAppend,
  followerCommitBeyondMatch,
  readIndexWithoutHeartbeat,
  prevoteBumpsTerm,
  doubleCountVote,
  quorumHalf,
  matchIndexRegresses,
  // Membership changes (dissertation ch. 4).
  confChangeBeforeTermCommit,
  overlappingConfChanges,
  jointQuorumOldOnly,
  removedNodeVotesCounted,
]);

export class UnknownBugError extends Error {
  override readonly name = 'UnknownBugError';
  constructor(readonly requested: string, readonly validNames: readonly string[]) {
    super(`unknown bug ${JSON.stringify(requested)}; valid names: ${validNames.join(', ')}`);
  }
}

export function bugNames(): string[] {
  return PLANTED_BUGS.map((b) => b.name);
}

/** The bug called `name`; throws UnknownBugError listing the valid names otherwise. */
export function findBug(name: string): PlantedBug {
  const bug = PLANTED_BUGS.find((b) => b.name === name);
  if (bug === undefined) throw new UnknownBugError(String(name), bugNames());
  return bug;
}
