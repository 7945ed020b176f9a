import type { Model } from '../model';

/**
 * A user-defined model for the library tests: FIFO queues, one per name, whose
 * state is an array (an object, so equality and hashing use the defaults for
 * objects). `deq` returns the dequeued value, or null on an empty queue.
 */
export type QueueInput = { f: 'enq'; queue: string; value: number } | { f: 'deq'; queue: string };
export type QueueOutput = number | null;

export const queueModel: Model<readonly number[], QueueInput, QueueOutput> = {
  name: 'fifo-queues',
  init: () => [],
  step(state, input, output) {
    if (input.f === 'enq') return [...state, input.value];
    const head = state.length === 0 ? null : state[0];
    if (output !== undefined && output !== head) return undefined;
    return state.length === 0 ? state : state.slice(1);
  },
  isReadOnly: (input, output) => input.f === 'deq' && output === null,
  partition: (input) => input.queue,
  describeOperation: (input, output) => (input.f === 'enq' ? `enq ${input.value}` : `deq → ${output === undefined ? '?' : String(output)}`),
  describeState: (state) => `[${state.join(', ')}]`,
  source: { module: __filename, exportName: 'queueModel' },
};
