// Loaded by sweep workers in tests (SweepHooks.bugModule): on even seeds the simulated disk
// refuses a write once 20 entries are committed, so SimDisk throws DiskWriteError mid-run.

import { refusedDiskWrite } from '../liveness-bugs';

export const plantedBug = refusedDiskWrite((seed) => seed % 2 === 0, 20);
