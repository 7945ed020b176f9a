// Figure 8 of the Raft paper: a leader may count replicas only for entries of its own term.
// This leader also commits an entry of an earlier term as soon as a majority stores it. A later
// leader whose last entry has a newer term can still be elected without that entry and overwrite
// it, after some nodes have applied it.

import { termAt } from '../../core';
import { applyCommitted } from '../../core/replication';
import { quorumMin } from '../../core/quorum';
import type { PlantedBug } from './types';
import { continueStep } from './step-helpers';

export const figure8CommitOldTerm: PlantedBug = {
  name: 'figure8-commit-old-term',
  description: 'a leader commits an entry of an earlier term once a majority stores it (Figure 8), without an entry of its own term above it',
  caughtBy: ['StateMachineSafety', 'LeaderCompleteness', 'CommitSurvivesElections'],
  // The trap needs three leaders in a row over diverging logs, so it is rare under random faults.
  // One-entry, one-in-flight replication stretches the moment where an old-term entry has a majority
  // but the new leader's own entry has not; no PreVote and no CheckQuorum let the elections happen.
  // Short election timeouts (3 to 6 ticks, 30 to 60 ms) over a lossy network turn a few lost
  // heartbeats into an election, so leaders change often while uncommitted entries of several terms
  // sit on different nodes. Faults are generated only until the quiet point, which in a 3 s run is
  // 600 ms (liveness needs the rest): 6 s runs give them 3 s. Measured: caught on 4 of seeds 1-200
  // (84, 112, 121, 162), all by LeaderCompleteness; the unmodified core broke no safety property on
  // any of the 200 (LivenessCommitCatchUp flags its seeds 77 and 118: a long-tail message sent just
  // before the quiet point holds up its FIFO link past the 320 ms catch-up bound). Under
  // the previous settings (every fault class, the default election timeout, 3 s) it escaped 400 seeds.
  config: {
    nodes: 3, faults: 'lossy', durationMs: 6_000,
    raft: { maxEntriesPerAppend: 1, maxInflightAppends: 1, preVote: false, checkQuorum: false, electionTimeoutTicks: 3 },
  },
  step: (core) => (state, input) => {
    const result = core(state, input);
    const s = result.state;
    if (s.role !== 'Leader' || s.leader === null) return result;
    const leader = s.leader;
    const id = s.config.id;
    const replicated = quorumMin(s.cluster, (voter) => (voter === id ? leader.durableMatch : leader.progress[voter].match));
    // Core commits it itself when it is of the current term; the bug is the other case.
    if (replicated <= s.commitIndex || termAt(s.log, replicated) === s.term) return result;
    return continueStep(result, (ctx) => {
      ctx.s.commitIndex = replicated;
      ctx.action('AdvanceCommitIndex');
      applyCommitted(ctx);
      return true;
    });
  },
};
