/**
 * A worker thread of the parallel check (parallel.ts): loads the model from
 * its source, then searches each partition it is sent and posts the outcome.
 * It stops early when the shared flag says so: another partition was found
 * not linearisable, or the parent saw the deadline pass. While searching it
 * posts a heartbeat now and then, so the parent gets to look at its clock.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SearchBudget, type StopReason } from './budget';
import { resolveModel, type AnyModel } from './model';
import { PartitionSearch } from './search';
import { STOP_CANCELLED, STOP_DEADLINE, type WorkerData, type WorkerReply, type WorkerTask } from './worker-protocol';

const data = workerData as WorkerData;
const exported = (require(data.source.module) as Record<string, unknown>)[data.source.exportName];
if (typeof exported !== 'object' || exported === null) {
  throw new Error(`${data.source.module} has no model export named ${JSON.stringify(data.source.exportName)}`);
}
const model = resolveModel(exported as AnyModel);
const stop = new Int32Array(data.stopFlag);
const port = parentPort!;

let polls = 0;
function poll(): StopReason | undefined {
  if (data.heartbeatPolls > 0 && ++polls % data.heartbeatPolls === 0) port.postMessage({ kind: 'heartbeat' } satisfies WorkerReply);
  const flag = Atomics.load(stop, 0);
  return flag === STOP_DEADLINE ? 'deadline' : flag === STOP_CANCELLED ? 'cancelled' : undefined;
}

/** Searches paused at the end of their turn, resumed on the next. */
const paused = new Map<string, PartitionSearch<unknown, unknown, unknown>>();

port.on('message', (task: WorkerTask) => {
  if (task.kind === 'drop') {
    paused.delete(task.key);
    return;
  }
  const search = task.ops === undefined ? paused.get(task.key) : new PartitionSearch(task.ops, model);
  if (search === undefined) throw new Error(`no paused search for partition ${JSON.stringify(task.key)}`);
  const outcome = search.advance(new SearchBudget(task.maxSteps, poll));
  if (outcome.verdict === 'unknown' && outcome.exhausted === 'steps') paused.set(task.key, search);
  else paused.delete(task.key);
  port.postMessage({ kind: 'result', key: task.key, outcome } satisfies WorkerReply);
});
