// Persist before you answer: a vote or an acknowledged entry must be on disk before the message
// that promises it leaves. This node tells core its writes are durable the moment it issues them,
// so a crash can lose a vote or entries that a leader already counted.

import type { PlantedBug } from './types';

export const ackBeforeSync: PlantedBug = {
  name: 'ack-before-sync',
  description: 'writes are acknowledged to core when issued, before fsync, so a crash loses votes and entries others counted on',
  caughtBy: ['DurableStateRegressed', 'OneVotePerTerm', 'ElectionSafety', 'LeaderCompleteness', 'StateMachineSafety'],
  config: { nodes: 3, faults: 'crashes', durationMs: 4_000 },
  ackBeforeSync: true,
};
