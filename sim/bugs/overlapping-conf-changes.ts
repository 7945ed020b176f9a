// At most one configuration entry may be uncommitted at a time (§4.1): each single-server change
// keeps majorities overlapping only with the configuration it was made from. This leader accepts a
// second change while the first is still uncommitted, so two changes can be in flight at once.

import { appendConfChange } from '../../core/membership';
import type { PlantedBug } from './types';
import { continueStep } from './step-helpers';
import { overlappingChangesTrap } from '../scenarios/membership-traps';

export const overlappingConfChanges: PlantedBug = {
  name: 'overlapping-conf-changes',
  description: 'a leader accepts a second single-server change while the first is uncommitted (two overlapping changes)',
  caughtBy: ['OneUncommittedConfig', 'ConfigQuorumIntersection'],
  config: { faults: 'membership', nodes: 5, initialVoters: 3 },
  trap: (seed, bug) => overlappingChangesTrap(seed, bug).violation,
  step: (core) => (state, input) => {
    const result = core(state, input);
    if (input.type !== 'ProposeConfChange') return result;
    const refused = result.output.errors.some((e) => e.type === 'ConfChangeRejected' && e.reason === 'ConfChangeInProgress');
    if (!refused) return result;
    return continueStep(result, (ctx) => appendConfChange(ctx, input.requestId, input.changes, input.leaveJoint) === null);
  },
};
