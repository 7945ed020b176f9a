import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CheckOptionsError, prepareRun, type CheckOptions, type CheckRun, type LinearizabilityResult, type PartitionTask } from './check';
import type { Operation } from './history';
import { ModelError, type AnyModel, type Model } from './model';
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
  if (!run.done && workers >= 2 && run.remaining.length >= 2 && model.source !== undefined) {
    assertSourceExports(model);
    await runInWorkers(run, Math.min(workers, run.remaining.length));
  }
  run.runInThread();
  return run.finish();
}

/**
 * Workers load the model from its source, so that source must export this
 * very model. A copy (`{ ...kvModel, step: myStep }` keeps kvModel's source)
 * would otherwise be checked as the original, silently.
 */
function assertSourceExports(model: AnyModel): void {
  const { module, exportName } = model.source!;
  let exported: unknown;
  try {
    exported = (require(module) as Record<string, unknown>)[exportName];
  } catch (e) {
    throw new ModelError(`model ${model.name}: its source ${module} cannot be loaded: ${(e as Error).message}`);
  }
  if (exported !== model) {
    throw new ModelError(
      `model ${model.name}: its source ${module} does not export it as ${JSON.stringify(exportName)}, so worker threads would check another model; ` +
        'give the model its own source, or none (then it is checked in this thread)',
    );
  }
}

/** One worker thread and the partitions whose searches it holds paused. */
interface PoolWorker {
  thread: Worker;
  paused: PartitionTask<unknown, unknown>[];
}

/**
 * Hands the remaining partitions, smallest first, to a pool of worker
 * threads. As in the calling thread, partitions take turns with growing
 * quotas, so hard ones cannot starve the others. A worker keeps the searches
 * it paused and resumes them on their next turn; it takes a new partition
 * whenever one is left, and when none is, an idle worker takes over a paused
 * partition from a busy one and starts it again.
 */
function runInWorkers<State, Input, Output>(run: CheckRun<State, Input, Output>, count: number): Promise<void> {
  run.releaseSearches();
  const stopFlag = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const stop = new Int32Array(stopFlag);
  const fresh = [...run.remaining] as PartitionTask<unknown, unknown>[];
  const byKey = new Map(fresh.map((t) => [t.key, t]));
  const data: WorkerData = {
    script: WORKER_SCRIPT,
    source: run.model.source!,
    stopFlag,
    heartbeatPolls: run.options.deadline === undefined ? 0 : HEARTBEAT_POLLS,
  };
  const checkRun = run as unknown as CheckRun<unknown, unknown, unknown>;
  run.workerThreads = count;
  return new Promise<void>((resolve, reject) => {
    const pool = new Set<PoolWorker>();
    /** The quota of each partition's turn in flight. */
    const inFlight = new Map<string, { steps: number; final: boolean }>();
    let failed = false;
    const fail = (message: string): void => {
      if (failed) return;
      failed = true;
      Atomics.store(stop, 0, STOP_CANCELLED);
      for (const w of pool) void w.thread.terminate();
      reject(new ModelError(`checking partitions in worker threads failed (model ${run.model.name} from ${data.source.module}): ${message}`));
    };
    const retire = (w: PoolWorker): void => {
      pool.delete(w);
      void w.thread.terminate();
      if (pool.size === 0 && !failed) {
        run.prune();
        resolve();
      }
    };
    const send = (w: PoolWorker, task: PartitionTask<unknown, unknown>, start: boolean): void => {
      const quota = checkRun.nextQuota(task);
      inFlight.set(task.key, quota);
      w.thread.postMessage({ kind: 'run', key: task.key, ops: start ? task.ops : undefined, maxSteps: quota.steps } satisfies WorkerTask);
    };
    /** Gives an idle worker its next turn: a fresh partition, one of its own paused ones, or one taken over. */
    const feed = (w: PoolWorker): void => {
      if (run.stoppedBy !== undefined) return retire(w);
      const next = fresh.shift();
      if (next !== undefined) return send(w, next, true);
      const own = w.paused.shift();
      if (own !== undefined) return send(w, own, false);
      for (const other of pool) {
        const taken = other === w ? undefined : other.paused.shift();
        if (taken === undefined) continue;
        other.thread.postMessage({ kind: 'drop', key: taken.key } satisfies WorkerTask);
        checkRun.restarted(taken);
        return send(w, taken, true);
      }
      retire(w);
    };
    for (let i = 0; i < count; i++) {
      const w: PoolWorker = { thread: new Worker(WORKER_BOOT, { workerData: data }), paused: [] };
      pool.add(w);
      w.thread.on('message', (reply: WorkerReply) => {
        if (run.stoppedBy === undefined && run.options.deadline?.() === 'deadline') run.stoppedBy = 'deadline';
        if (reply.kind === 'result') {
          const task = byKey.get(reply.key)!;
          const decided = checkRun.record(task, reply.outcome, inFlight.get(reply.key)!.final);
          if (!decided && reply.outcome.exhausted === 'steps') w.paused.push(task);
        }
        if (run.stoppedBy === 'violation') Atomics.store(stop, 0, STOP_CANCELLED);
        else if (run.stoppedBy === 'deadline') Atomics.store(stop, 0, STOP_DEADLINE);
        if (reply.kind === 'result') feed(w);
      });
      w.thread.on('error', (e: Error) => fail(e.message));
      w.thread.on('exit', (code) => {
        if (pool.has(w)) fail(`a worker exited with code ${code}`);
      });
      feed(w);
    }
  });
}
