// Episodes in which two leaders hold different configurations at once: the window the 2015 rule
// guards (a leader changes the configuration only once an entry of its term is committed; Ongaro,
// raft-dev, "bug in single-server membership changes"). Two single-server changes from the same
// configuration, one that grows it and one that shrinks it, differ by two servers: a majority of
// one and a majority of the other need not meet. Random changes and random partitions almost never
// build that (no seed of 300 did), because it takes four things in a row:
//
// 1. the leader is cut off together with the nodes it could add as voters (leaderSplit nonVoters)
//    and asked to grow the configuration: its change reaches them and commits nowhere;
// 2. the rest elect a new leader; one node that voted for it never hears from it (leaderSplit
//    nextLosesVoter, the instant it is elected: a lost link, a voter that went quiet);
// 3. the new leader is asked to shrink the configuration as it takes office (atNextLeader), before
//    anything of its term is committed, and commits that among the voters it reaches;
// 4. the line is redrawn between the nodes the new leader's term reached and those it did not
//    (leaderSplit itsTerm): the old leader, the nodes it added and the voter that heard nothing.
//
// A core that keeps the rule refuses step 3 and nothing diverges; one that does not can elect the
// old leader by a majority of its grown configuration and lose what the new one committed. Each
// step is drawn in general terms (no node is named), so the episode also meets crashes, other
// partitions and other changes however they fall.

import type { Rng } from '../random/rng';
import type { TimedFault } from './types';

/** The mean gap between two episodes, in election timeouts: a few per run of the default length. */
const MEAN_GAP_ELECTION_TIMEOUTS = 8;

/**
 * The episodes of one run, before `quietAfterMs`, each ending with a heal. `electionTimeoutMs`
 * paces them: the new leader needs one to two timeouts to be elected, and a few heartbeats more to
 * commit its change.
 */
export function divergentConfigEpisodes(rng: Rng, quietAfterMs: number, electionTimeoutMs: number): TimedFault[] {
  const events: TimedFault[] = [];
  let t = Math.round(rng.exponential(MEAN_GAP_ELECTION_TIMEOUTS * electionTimeoutMs));
  for (;;) {
    const redrawAtMs = t + Math.max(4, Math.round(electionTimeoutMs * rng.between(2, 4)));
    const healAtMs = redrawAtMs + Math.max(1, Math.round(electionTimeoutMs * rng.between(2, 4)));
    if (healAtMs >= quietAfterMs) break;
    events.push(
      { atMs: t, kind: 'leaderSplit', side: 'nonVoters' },
      { atMs: t + 1, kind: 'membership', op: 'addVoter' },
      { atMs: t + 2, kind: 'leaderSplit', side: 'nextLosesVoter' },
      { atMs: t + 3, kind: 'membership', op: 'removeNode', atNextLeader: true },
      { atMs: redrawAtMs, kind: 'leaderSplit', side: 'itsTerm' },
      { atMs: healAtMs, kind: 'heal' },
    );
    t = healAtMs + Math.max(1, Math.round(rng.exponential(MEAN_GAP_ELECTION_TIMEOUTS * electionTimeoutMs)));
  }
  return events;
}
