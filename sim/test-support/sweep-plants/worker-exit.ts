// Loaded by sweep workers in tests: on seed 2 the worker thread exits in the middle of the run,
// as a worker killed by running out of memory would. Never load this in the test's own thread.

import type { Input, RaftState } from '../../../core';
import type { PlantedBug } from '../../bugs/types';
import { seedOf } from '../liveness-bugs';

export const plantedBug: PlantedBug = {
  name: 'test-worker-exit',
  description: 'on seed 2, the worker thread exits once 10 entries are committed',
  caughtBy: ['UncaughtException'],
  step: (core) => (state: RaftState, input: Input) => {
    if (seedOf(state) === 2 && state.commitIndex >= 10) process.exit(7);
    return core(state, input);
  },
};
