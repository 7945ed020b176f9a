import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CheckOptionsError, prepareRun, type CheckOptions, type CheckRun, type LinearizabilityResult } from './check';
import type { Operation } from './history';
import { ModelError, type Model } from './model';
import { STOP_CANCELLED, STOP_DEADLINE, type WorkerData, type WorkerReply, type WorkerTask } from './worker-protocol';

export interface ParallelCheckOptions extends CheckOptions {
  /**
   * Worker threads for the partitions that the first, quick in-thread pass
   * leaves undecided. Default: the machine's available parallelism. With 1,
   * with fewer than two hard partitions, or with a model that has no
   * `source` (workers could not load it), the check stays in this thread.
   */
  workers?: number;
}

/** Budget polls (of 1,024 steps each) between a worker's heartbeats, when there is a deadline to watch. */
const HEARTBEAT_POLLS = 16;

const WORKER_SCRIPT = join(__dirname, __filename.endsWith('.ts') ? 'worker.ts' : 'worker.js');
const WORKER_BOOT = join(__dirname, 'worker-boot.js');

function resolveWorkers(workers: number | undefined): number {
  if (workers === undefined) return availableParallelism();
  if (!Number.isSafeInteger(workers) || workers < 1) throw new CheckOptionsError('bad-workers', 'workers must be a positive integer');
  return workers;
}

/**
 * Decides whether a history is linearisable with respect to `model`, using
 * worker threads for hard partitions and stopping at the first violation
 * (unless `stopAtFirstViolation: false`).
 *
 * Every partition first gets a small step quota in this thread, smallest
 * first: that decides almost all of them, and finds most violations, before
 * a thread has even started. The undecided rest is shared among worker
 * threads, each partition with the full budget; the first violation stops
 * them all. The verdict does not depend on the number of workers, only on
 * the budgets: which partition's violation is reported first may.
 */
export async function checkHistory<State, Input, Output>(
  history: readonly Operation<Input, Output>[],
  model: Model<State, Input, Output>,
  opts: ParallelCheckOptions = {},
): Promise<LinearizabilityResult> {
  const workers = resolveWorkers(opts.workers);
  const run = prepareRun(history, model, opts);
  run.runRound();
  if (!run.done && workers >= 2 && run.remaining.length >= 2 && run.model.source !== undefined) {
    await runInWorkers(run, Math.min(workers, run.remaining.length));
  }
  run.runInThread();
  return run.finish();
}

/**
 * Hands the remaining partitions, smallest first, to a pool of worker
 * threads. Like the in-thread rounds, each attempt has a quota; a partition
 * it does not decide goes to the back of the queue with a larger one, so
 * the workers take turns on hard partitions and none is starved.
 */
function runInWorkers<State, Input, Output>(run: CheckRun<State, Input, Output>, count: number): Promise<void> {
  const stopFlag = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const stop = new Int32Array(stopFlag);
  const queue = [...run.remaining];
  const byKey = new Map(queue.map((t) => [t.key, t]));
  /** The quota each partition's attempt in flight was given. */
  const inFlight = new Map<string, { steps: number; final: boolean }>();
  const data: WorkerData = {
    script: WORKER_SCRIPT,
    source: run.model.source!,
    stopFlag,
    heartbeatPolls: run.options.deadline === undefined ? 0 : HEARTBEAT_POLLS,
  };
  run.workerThreads = count;
  return new Promise<void>((resolve, reject) => {
    const pool = new Set<Worker>();
    let failed = false;
    const fail = (message: string): void => {
      if (failed) return;
      failed = true;
      Atomics.store(stop, 0, STOP_CANCELLED);
      for (const w of pool) void w.terminate();
      reject(new ModelError(`checking partitions in worker threads failed (model ${run.model.name} from ${data.source.module}): ${message}`));
    };
    const retire = (w: Worker): void => {
      pool.delete(w);
      void w.terminate();
      if (pool.size === 0 && !failed) {
        run.prune();
        resolve();
      }
    };
    const feed = (w: Worker): void => {
      const task = run.stoppedBy === undefined ? queue.shift() : undefined;
      if (task === undefined) return retire(w);
      const quota = run.nextQuota(task);
      inFlight.set(task.key, quota);
      w.postMessage({ key: task.key, ops: task.ops, maxSteps: quota.steps } satisfies WorkerTask);
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(WORKER_BOOT, { workerData: data });
      pool.add(w);
      w.on('message', (reply: WorkerReply) => {
        if (run.stoppedBy === undefined && run.options.deadline?.() === 'deadline') run.stoppedBy = 'deadline';
        if (reply.kind === 'result') {
          const task = byKey.get(reply.key)!;
          const decided = run.record(task, reply.outcome, inFlight.get(reply.key)!.final);
          if (!decided && reply.outcome.exhausted === 'steps') queue.push(task);
        }
        if (run.stoppedBy === 'violation') Atomics.store(stop, 0, STOP_CANCELLED);
        else if (run.stoppedBy === 'deadline') Atomics.store(stop, 0, STOP_DEADLINE);
        if (reply.kind === 'result') feed(w);
      });
      w.on('error', (e: Error) => fail(e.message));
      w.on('exit', (code) => {
        if (pool.has(w)) fail(`a worker exited with code ${code}`);
      });
      feed(w);
    }
  });
}
