import { checkHistorySync, type LinearizabilityResult } from './check';
import type { Operation } from './history';
import { kvModel } from './kv-model';
import { ModelError, type Model } from './model';
import { checkHistory } from './parallel';
import { registerModel, type RegisterInput, type RegisterOutput } from './register-model';
import { generateLinearizableHistory } from './synthetic-history';
import { queueModel, type QueueInput, type QueueOutput } from './test-support/queue-model';
import { workerHostileModel } from './test-support/worker-hostile-model';
import type { HistoryOp } from './history';

type QueueOp = Operation<QueueInput, QueueOutput>;
const enq = (id: number, invoke: number, complete: number | null, queue: string, value: number): QueueOp => ({
  id, client: `c${id}`, op: { f: 'enq', queue, value }, invokeMs: invoke, completeMs: complete, result: complete === null ? null : null,
});
const deq = (id: number, invoke: number, complete: number | null, queue: string, value: number | null): QueueOp => ({
  id, client: `c${id}`, op: { f: 'deq', queue }, invokeMs: invoke, completeMs: complete, result: complete === null ? null : value,
});

describe('a user-defined model (FIFO queues with array states)', () => {
  // Two concurrent enqueues, then two dequeues that see them in either order: fine.
  const fifo = [enq(1, 0, 3, 'q', 1), enq(2, 1, 4, 'q', 2), deq(3, 5, 6, 'q', 2), deq(4, 7, 8, 'q', 1), deq(5, 0, 1, 'r', null)];
  // Enqueues in real-time order, dequeued in the opposite order: not a queue.
  const lifo = [enq(1, 0, 1, 'q', 1), enq(2, 2, 3, 'q', 2), deq(3, 4, 5, 'q', 2), deq(4, 6, 7, 'q', 1)];

  it('accepts a linearisable history and rejects a planted LIFO order, in this thread', () => {
    const ok = checkHistorySync(fifo, queueModel);
    expect(ok).toMatchObject({ verdict: 'ok', model: 'fifo-queues', violatingKeys: [] });
    expect(ok.perKey.get('q')!.longestPrefix).toEqual([2, 1, 3, 4]);
    expect(checkHistorySync(lifo, queueModel)).toMatchObject({ verdict: 'violation', violatingKeys: ['q'] });
    expect(checkHistorySync(lifo, queueModel).perKey.get('q')).toMatchObject({ longestPrefix: [1, 2], failedOp: 3 });
  });

  it('lets an enqueue with unknown outcome take effect or not, and drops read-only ops with unknown outcome', () => {
    expect(checkHistorySync([enq(1, 0, null, 'q', 7), deq(2, 5, 6, 'q', 7)], queueModel).verdict).toBe('ok');
    expect(checkHistorySync([enq(1, 0, null, 'q', 7), deq(2, 5, 6, 'q', null)], queueModel).verdict).toBe('ok');
    expect(checkHistorySync([enq(1, 0, null, 'q', 7), deq(2, 5, 6, 'q', 8)], queueModel).verdict).toBe('violation');
  });

  it('gives the same verdicts through checkHistory, in this thread when the model cannot be loaded by workers', async () => {
    const { source: _, ...objectOnly } = queueModel;
    expect(await checkHistory(lifo, objectOnly, { workers: 4 })).toMatchObject({ verdict: 'violation', workerThreads: 0 });
    expect(await checkHistory(fifo, objectOnly, { workers: 4 })).toMatchObject({ verdict: 'ok', workerThreads: 0 });
  });

  it('rejects a model without the required functions', () => {
    expect(() => checkHistorySync(fifo, { name: 'empty' } as unknown as Model<number, QueueInput, QueueOutput>)).toThrow(ModelError);
  });

  it('validates inputs through the model', () => {
    const bad = [{ id: 1, client: 'a', op: { f: 'jump' }, invokeMs: 0, completeMs: 1, result: null }] as unknown as Operation<RegisterInput, RegisterOutput>[];
    expect(() => checkHistorySync(bad, registerModel)).toThrow(expect.objectContaining({ code: 'bad-op', field: 'op.f' }));
  });
});

describe('the register model', () => {
  const op = (id: number, invoke: number, complete: number, input: RegisterInput, result: RegisterOutput): Operation<RegisterInput, RegisterOutput> => ({
    id, client: `c${id}`, op: input, invokeMs: invoke, completeMs: complete, result,
  });

  it('tells 1 from "1", reads nil before any write, and checks cas', () => {
    expect(checkHistorySync([op(1, 0, 1, { f: 'write', value: 1 }, null), op(2, 2, 3, { f: 'read' }, 1)], registerModel).verdict).toBe('ok');
    expect(checkHistorySync([op(1, 0, 1, { f: 'write', value: 1 }, null), op(2, 2, 3, { f: 'read' }, '1')], registerModel).verdict).toBe('violation');
    expect(checkHistorySync([op(1, 0, 1, { f: 'read' }, null)], registerModel).verdict).toBe('ok');
    const casRace = [op(1, 0, 3, { f: 'cas', from: null, to: 1 }, true), op(2, 1, 4, { f: 'cas', from: null, to: 2 }, true)];
    expect(checkHistorySync(casRace, registerModel).verdict).toBe('violation');
  });
});

/** Keys with 10 busy clients each: decidable, but well beyond the first in-thread quota. */
function busyKeys(keys: string[], seed: number): HistoryOp[] {
  const out: HistoryOp[] = [];
  keys.forEach((key, k) => {
    for (const h of generateLinearizableHistory({ seed: seed + k, ops: 500, clients: 10, keys: 1, unknownRate: 0 })) {
      out.push({ ...h, id: out.length, client: `${key}-${h.client}`, op: { ...h.op, key } });
    }
  });
  return out;
}

/** 20 clients on one key: no search decides it in reasonable time. */
function hotKey(key: string, seed: number, idBase: number): HistoryOp[] {
  return generateLinearizableHistory({ seed, ops: 300, clients: 20, keys: 1, unknownRate: 0 }).map((h) => ({
    ...h, id: idBase + h.id, client: `${key}-${h.client}`, op: { ...h.op, key },
  }));
}

function plantStaleRead(history: HistoryOp[], key: string): number {
  const victim = history.filter((h) => h.op.key === key && h.op.kind === 'get' && h.completeMs !== null).at(-5)!;
  victim.result = { kind: 'value', value: 'never-written' };
  return victim.id;
}

function summary(r: LinearizabilityResult): Record<string, string> {
  return Object.fromEntries([...r.perKey].map(([k, v]) => [k, v.verdict]));
}

describe('checking partitions in worker threads', () => {
  it('decides hard partitions in workers with the same verdicts as the calling thread', async () => {
    const history = busyKeys(['p', 'q', 'r'], 11);
    const sync = checkHistorySync(history, kvModel);
    expect(summary(sync)).toEqual({ p: 'ok', q: 'ok', r: 'ok' });
    const parallel = await checkHistory(history, kvModel, { workers: 2 });
    expect(parallel.workerThreads).toBe(2);
    expect(summary(parallel)).toEqual(summary(sync));
    expect(parallel.perKey.get('q')!.longestPrefix).toHaveLength(history.filter((h) => h.op.key === 'q').length);

    plantStaleRead(history, 'q');
    const broken = await checkHistory(history, kvModel, { workers: 2, stopAtFirstViolation: false });
    expect(broken).toMatchObject({ verdict: 'violation', violatingKeys: ['q'], workerThreads: 2 });
  });

  it('stops the other workers at the first violation instead of exhausting hard partitions', async () => {
    const history = [...busyKeys(['m'], 5), ...hotKey('hot1', 1, 10_000), ...hotKey('hot2', 2, 20_000)];
    plantStaleRead(history, 'm');
    // Two workers, two hopeless partitions that sort first: the quotas make them take turns with m.
    const r = await checkHistory(history, kvModel, { workers: 2, maxSearchSteps: 1e12 });
    expect(r.verdict).toBe('violation');
    expect(r.violatingKeys).toEqual(['m']);
    expect(r.perKey.get('hot1')!.exhausted).toBe('cancelled');
    expect(r.perKey.get('hot2')!.exhausted).toBe('cancelled');
  });

  it("answers 'unknown' when the time budget runs out, with the clock injected", async () => {
    const history = [...hotKey('hot1', 1, 10_000), ...hotKey('hot2', 2, 20_000)];
    let calls = 0;
    const now = (): number => 1000 * calls++;
    // A fake clock: one second passes per reading. The first in-thread pass reads it a few dozen
    // times; after that, only the workers' heartbeats make the parent read it.
    const r = await checkHistory(history, kvModel, { workers: 2, maxSearchSteps: 1e12, timeLimitMs: 200_000, now });
    expect(r.verdict).toBe('unknown');
    expect(r.workerThreads).toBe(2);
    expect([...r.perKey.values()].map((k) => k.exhausted)).toEqual(['deadline', 'deadline']);
  });

  it('loads a user model in the workers from its source module', async () => {
    const ops: QueueOp[] = [];
    for (const queue of ['a', 'b']) {
      // Eight concurrent enqueues, dequeued in a scrambled order the search has to find among 8!;
      // on queue b the last dequeue returns a value nobody enqueued.
      for (let i = 0; i < 8; i++) ops.push(enq(ops.length, 0, 10, queue, i));
      for (let i = 0; i < 8; i++) ops.push(deq(ops.length, 20 + i * 2, 21 + i * 2, queue, queue === 'b' && i === 7 ? 99 : (i * 3) % 8));
    }
    const r = await checkHistory(ops, queueModel, { workers: 2, stopAtFirstViolation: false });
    expect(r.workerThreads).toBe(2);
    expect(summary(r)).toEqual({ a: 'ok', b: 'violation' });
  });

  it('refuses a model whose source would load another model, or none', async () => {
    const history = busyKeys(['p', 'q'], 11);
    const misplaced = { ...kvModel, source: { module: kvModel.source!.module, exportName: 'noSuchModel' } };
    await expect(checkHistory(history, misplaced, { workers: 2 })).rejects.toThrow(/does not export it as "noSuchModel"/);
    // A copy keeps the original's source: workers would check kvModel, not the copy.
    const copy = { ...kvModel, name: 'kv-copy' };
    await expect(checkHistory(history, copy, { workers: 2 })).rejects.toThrow(ModelError);
    const unloadable = { ...kvModel, source: { module: '/no/such/model.ts', exportName: 'kvModel' } };
    await expect(checkHistory(history, unloadable, { workers: 2 })).rejects.toThrow(/cannot be loaded/);
  });

  it('reports a worker that fails to load the model', async () => {
    // The parent can load this module, the workers cannot: it throws whenever it runs in a worker.
    const history = busyKeys(['p', 'q'], 11);
    await expect(checkHistory(history, workerHostileModel, { workers: 2 })).rejects.toThrow(/worker threads failed.*not in a worker/);
  });
});
