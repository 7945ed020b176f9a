import { isMainThread } from 'node:worker_threads';
import { kvModel } from '../kv-model';
import type { Model } from '../model';
import type { KvOp, KvResult } from '../history';
import type { RegisterState } from '../kv-model';

/** A model module that loads in the main thread but throws in a worker, to test how the pool reports that. */
if (!isMainThread) throw new Error('this model does not load in a worker thread (not in a worker, please)');

export const workerHostileModel: Model<RegisterState, KvOp, KvResult> = {
  ...kvModel,
  name: 'kv-main-thread-only',
  source: { module: __filename, exportName: 'workerHostileModel' },
};
