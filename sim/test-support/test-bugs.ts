// Harness-only faults for proving the simulator's liveness checks can fail. They are not Raft
// bugs for the catalogue: they break progress, not safety, so no safety property may fire.

import type { Input, RaftState } from '../../core';
import type { PlantedBug } from '../bugs/types';
import { EMPTY_OUTPUT } from './outputs';

/** A step that ignores inputs of the given kinds, as if they never arrived. */
function ignoring(name: string, description: string, ignored: (input: Input) => boolean): PlantedBug {
  return {
    name,
    description,
    caughtBy: [],
    step: (core) => (state: RaftState, input: Input) => (ignored(input) ? { state, output: EMPTY_OUTPUT } : core(state, input)),
  };
}

/** Candidates never hear their votes: no election can ever succeed. */
export const deafCandidates = ignoring('test-deaf-candidates', 'every RequestVoteResponse is ignored', (input) => input.type === 'Receive' && input.message.type === 'RequestVoteResponse');

/** Every client request is swallowed without an answer or an error: no operation ever completes. */
export const swallowClientRequests = ignoring('test-swallow-client-requests', 'Propose and Read inputs are ignored', (input) => input.type === 'Propose' || input.type === 'Read');
