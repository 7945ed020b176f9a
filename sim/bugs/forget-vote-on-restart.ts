// Figure 2: votedFor is persistent state. This node keeps its term across a crash but forgets
// whom it voted for, so after a restart it can vote a second time in the same term.

import type { PlantedBug } from './types';

export const forgetVoteOnRestart: PlantedBug = {
  name: 'forget-vote-on-restart',
  description: 'a node recovers its term but not its vote after a crash, so it may vote twice in one term',
  caughtBy: ['DurableStateRegressed', 'OneVotePerTerm', 'ElectionSafety'],
  config: { faults: 'crashes', durationMs: 4_000 },
  restart: (durable) => ({ ...durable, votedFor: null }),
};
