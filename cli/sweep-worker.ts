// A sweep worker thread: runs the seeds it is sent and reports one summary per seed. Traces are
// off for speed; a failing seed is re-run with a trace by the parent (the run is deterministic).
// An exception in a seed is reported as that seed's failure, and the worker goes on to the next.

import { parentPort, workerData } from 'node:worker_threads';
import type { SimConfig } from '../sim/config';
import type { PlantedBug } from '../sim/bugs/types';
import { resolveBug } from './common';
import { summarizeSeed } from './sweep-seed';

const data = workerData as { config: SimConfig; bugModule?: string };
const base = data.config;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bug: PlantedBug | undefined = data.bugModule !== undefined ? (require(data.bugModule) as { plantedBug: PlantedBug }).plantedBug : resolveBug(base.bug);

parentPort?.on('message', (seed: number) => {
  parentPort?.postMessage(summarizeSeed(base, seed, bug, () => process.hrtime.bigint()));
});
