// Persist before you answer: a vote or an acknowledged entry must be on disk before the message
// that promises it leaves. This node tells core its writes are durable the moment it issues them,
// so a crash can lose a vote or entries that a leader already counted.

import type { PlantedBug } from './types';

export const ackBeforeSync: PlantedBug = {
  name: 'ack-before-sync',
  description: 'writes are acknowledged to core when issued, before fsync, so a crash loses votes and entries others counted on',
  // Liveness too: a leader that counted entries a follower's crash then erased anchors its
  // heartbeats at that phantom match; the follower rejects them and the leader, trusting its
  // match, never backs up. That follower is left behind for good (LivenessCommitCatchUp), and
  // operations stall once a second follower is also behind (LivenessOperations).
  caughtBy: ['DurableStateRegressed', 'OneVotePerTerm', 'ElectionSafety', 'LeaderCompleteness', 'CommitSurvivesElections', 'StateMachineSafety', 'LivenessCommitCatchUp', 'LivenessOperations'],
  // A slow disk (fsync 5 to 30 ms) keeps more acknowledged writes unsynced when a crash strikes.
  // Measured: caught on 16 of seeds 1-60 (first at seed 2), the unmodified core clean on all 60; with
  // the default fsync (0.5 to 8 ms) once in 40 seeds (seed 11), as faults in a 4 s run stop at 1 s.
  config: { nodes: 3, faults: 'crashes', durationMs: 4_000, fsyncMinMs: 5, fsyncMaxMs: 30 },
  ackBeforeSync: true,
};
