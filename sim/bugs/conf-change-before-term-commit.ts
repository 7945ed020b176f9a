// The single-server bug Ongaro found in 2015 (raft-dev, "bug in single-server membership
// changes"): a new leader that proposes a configuration change before it has committed an entry of
// its own term can append a change that is one server away from its own configuration but two
// away from another leader's uncommitted one; the two have disjoint majorities, and a committed
// entry can be lost. The fix is the rule core enforces (ConfChangeBeforeTermCommit); this leader
// skips it, keeping the one-change-at-a-time rule.

import { appendConfChange } from '../../core/membership';
import type { PlantedBug } from './types';
import { continueStep } from './step-helpers';
import { singleServer2015Trap } from '../scenarios/membership-traps';

export const confChangeBeforeTermCommit: PlantedBug = {
  name: 'conf-change-before-term-commit',
  description: 'a leader proposes a configuration change before it has committed an entry of its own term (the 2015 single-server bug)',
  caughtBy: ['LeaderCompleteness', 'CommitSurvivesElections', 'StateMachineSafety', 'ElectionSafety'],
  // The trap needs two leaders of consecutive terms each appending a change at one precise moment.
  // Random runs of this config find it too since the membership profile draws divergent-configuration
  // episodes (sim/faults/divergent-configs.ts: seeds 49, 61 and 96 of the first 100), but the hunt runs the
  // scripted scenario, one seed per timing, which finds it at once (sim/scenarios/membership-traps.ts).
  config: { faults: 'membership', nodes: 5, initialVoters: 4 },
  trap: (seed, bug) => singleServer2015Trap(seed, bug).violation,
  step: (core) => (state, input) => {
    const result = core(state, input);
    if (input.type !== 'ProposeConfChange') return result;
    const refused = result.output.errors.some((e) => e.type === 'ConfChangeRejected' && e.reason === 'ConfChangeBeforeTermCommit');
    if (!refused) return result;
    return continueStep(result, (ctx) => {
      const s = ctx.s;
      // Only the term rule is skipped: a change still waits for the previous one to commit.
      if (s.configIndex > s.commitIndex || (s.cluster.votersOutgoing !== undefined && input.changes.length > 0)) return false;
      return appendConfChange(ctx, input.requestId, input.changes, input.leaveJoint) === null;
    });
  },
};
