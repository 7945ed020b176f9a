// A sweep worker thread: runs the seeds it is sent and reports one summary per seed. Traces are
// off for speed; a failing seed is re-run with a trace by the parent (the run is deterministic).

import { parentPort, workerData } from 'node:worker_threads';
import { runSeed } from '../run-seed';
import { makeSimConfig, type SimConfig } from '../config';
import { resolveBug } from './common';
import type { SeedSummary } from './sweep-types';

const base = (workerData as { config: SimConfig }).config;
const bug = resolveBug(base.bug);

parentPort?.on('message', (seed: number) => {
  const config = makeSimConfig({ ...base, seed });
  const t0 = process.hrtime.bigint();
  const result = runSeed(config, { bug });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const summary: SeedSummary = {
    seed, violation: result.violation, events: result.events, simulatedMs: result.simulatedMs, wallMs,
    operations: result.history.length, linearizability: result.linearizability?.verdict ?? null, coverage: result.coverage.counts,
  };
  parentPort?.postMessage(summary);
});
