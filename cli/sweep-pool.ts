// The sweep's worker pool: hands seeds to worker threads one at a time and collects one summary
// per seed. A worker that dies (an uncaught error outside a run, running out of memory, exiting)
// fails the seed it was running, is replaced, and the sweep goes on: every other seed's result is
// still reported.

import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { SimConfig } from '../sim/config';
import type { SeedSummary } from './sweep-types';
import { failedSeed } from './sweep-seed';

export interface PoolOptions {
  readonly workers: number;
  /** A module whose `plantedBug` export replaces the config's --bug (tests plant harness faults this way). */
  readonly bugModule?: string;
  /** The worker's entry point (default: sweep-worker.ts from the sources, sweep-worker.js when built). */
  readonly workerScript?: string;
  readonly onResult?: (s: SeedSummary) => void;
  /** Aborting stops the sweep: no seed is started, running ones are dropped, the finished ones returned. */
  readonly signal?: AbortSignal;
}

export function runInWorkers(base: SimConfig, seeds: readonly number[], options: PoolOptions): Promise<SeedSummary[]> {
  const results: SeedSummary[] = [];
  const script = options.workerScript ?? join(__dirname, __filename.endsWith('.ts') ? 'sweep-worker.ts' : 'sweep-worker.js');
  let next = 0;
  let live = 0;
  const workers = new Set<Worker>();
  return new Promise((resolve) => {
    options.signal?.addEventListener('abort', () => {
      next = seeds.length;
      for (const w of workers) void w.terminate();
    }, { once: true });
    const record = (s: SeedSummary) => {
      results.push(s);
      options.onResult?.(s);
    };
    const spawn = () => {
      if (next >= seeds.length) return;
      live++;
      const worker = new Worker(join(__dirname, 'worker-boot.js'), { workerData: { script, config: base, bugModule: options.bugModule } });
      workers.add(worker);
      let running: number | null = null;
      let gone = false;
      const feed = () => {
        if (next < seeds.length) {
          running = seeds[next++];
          worker.postMessage(running);
        } else {
          running = null;
          void worker.terminate();
        }
      };
      const ended = (why: string | null) => {
        if (gone) return;
        gone = true;
        workers.delete(worker);
        // Stopped on purpose: the seed it was running is not a failure, and nothing replaces it.
        if (options.signal?.aborted) running = null;
        if (running !== null) {
          const detail = `the worker thread running this seed died: ${why ?? 'it exited'}`;
          record({ ...failedSeed(running, { property: 'UncaughtException', detail, node: null, atMs: -1, eventIndex: -1 }, 0), workerDied: true });
          running = null;
          spawn();
        }
        if (--live === 0) resolve(results.sort((a, b) => a.seed - b.seed));
      };
      worker.on('message', (s: SeedSummary) => {
        running = null;
        record(s);
        feed();
      });
      worker.on('error', (e: Error) => ended(`${e.name}: ${e.message}`));
      worker.on('exit', (code: number) => ended(`it exited with code ${code}`));
      feed();
    };
    for (let w = 0; w < options.workers && options.signal?.aborted !== true; w++) spawn();
    if (live === 0) resolve(results);
  });
}
