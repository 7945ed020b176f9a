// CommitSurvivesElections: the moment a leader commits an entry, no server that lacks it can win an
// election any more. This is the lemma Raft's Leader Completeness proof rests on (paper §5.4.3,
// dissertation §3.6.3): an entry is committed once a quorum durably holds it *and* an entry of the
// committing leader's term, so every quorum has a member whose log is more up-to-date than any log
// without the entry, and that member refuses its vote (§5.4.1).
//
// Why it is checked at commit time and not only when a later leader is elected (safety.ts): a
// premature commit (the paper's Figure 8: an old-term entry committed by counting replicas) breaks
// Leader Completeness only if a crash, a lost unsynced write and a particular election follow it.
// Sweeps rarely draw that whole sequence; the commit itself is wrong the moment it happens, and
// this check sees it then.
//
// How "can win" is judged, on the side of the candidate: a candidate's log is what its records
// wrote (synced or not); a voter's is only what is durable (a crash may take the rest, and a
// restarted voter compares with what survived). The candidate votes for itself. A quorum is a
// majority of the committing leader's configuration: for a correct leader every such majority
// meets the commit quorum, so whatever configuration the candidate itself believes in, the check
// cannot fire on a correct run (the proof above, with Log Matching for candidates of later terms).

import type { ObservedLogReader } from './observed';
import { SafetyViolation } from './violation';

export interface CommitProtectionLogs {
  /** The node's log as its records wrote it, synced or not. */
  readonly written: ObservedLogReader;
  /** The node's log as far as it is durable (what a crash keeps for certain). */
  readonly durable: ObservedLogReader;
}

export class CommitProtection {
  /**
   * @param nodes every node of the run, by id (voters or not: anyone may campaign).
   * @param logsOf the node's logs, live.
   */
  constructor(
    private readonly nodes: readonly string[],
    private readonly logsOf: (node: string) => CommitProtectionLogs,
  ) {}

  /**
   * `leader` (of `term`) has just raised its commit index to `commitIndex`, whose entry has term
   * `entryTerm` in its log; `voters` is its configuration's voters. Throws CommitSurvivesElections
   * when some server lacking that entry could still collect a majority of `voters`.
   */
  afterLeaderCommit(leader: string, term: number, commitIndex: number, entryTerm: number, voters: readonly string[]): void {
    const majority = Math.floor(voters.length / 2) + 1;
    for (let k = 0; k < this.nodes.length; k++) {
      const candidate = this.nodes[k];
      const log = this.logsOf(candidate).written;
      if (log.snapshotIndex >= commitIndex || log.termAt(commitIndex) === entryTerm) continue;
      const lastIndex = log.lastIndex;
      const lastTerm = log.termAt(lastIndex) ?? 0;
      const granted: string[] = [];
      for (let v = 0; v < voters.length; v++) {
        const voter = voters[v];
        if (voter === candidate || this.upToDate(lastTerm, lastIndex, this.logsOf(voter).durable)) granted.push(voter);
      }
      if (granted.length >= majority) {
        const held = log.termAt(commitIndex);
        throw new SafetyViolation(
          'CommitSurvivesElections',
          `${leader} committed ${commitIndex}@${entryTerm} in term ${term}, but ${candidate} (last ${lastIndex}@${lastTerm}, ${held === undefined ? 'nothing' : `term ${held}`} at ${commitIndex}) could still be elected by ${granted.join(', ')} on their durable logs`,
          leader,
        );
      }
    }
  }

  /** §5.4.1: the voter grants when the candidate's last entry is at least as up-to-date as its own. */
  private upToDate(lastTerm: number, lastIndex: number, voter: ObservedLogReader): boolean {
    const voterLast = voter.lastIndex;
    const voterTerm = voter.termAt(voterLast) ?? 0;
    return lastTerm > voterTerm || (lastTerm === voterTerm && lastIndex >= voterLast);
  }
}
