import type { HistoryOp, KvOp, KvResult } from '../history';

/** Terse constructors so each test history reads like a table. */
export const put = (key: string, value: string): KvOp => ({ kind: 'put', key, value });
export const get = (key: string): KvOp => ({ kind: 'get', key });
export const cas = (key: string, expected: string | null, value: string): KvOp => ({ kind: 'cas', key, expected, value });
export const append = (key: string, value: string): KvOp => ({ kind: 'append', key, value });

export const ok: KvResult = { kind: 'ok' };
export const saw = (value: string | null): KvResult => ({ kind: 'value', value });
export const swapped: KvResult = { kind: 'cas', ok: true };
export const notSwapped: KvResult = { kind: 'cas', ok: false };

/** An op that completed at `complete` with `result`. */
export function done(id: number, client: string, invoke: number, complete: number, op: KvOp, result: KvResult): HistoryOp {
  return { id, client, op, invokeMs: invoke, completeMs: complete, result };
}

/** An op whose client timed out: its outcome is unknown. */
export function timedOut(id: number, client: string, invoke: number, op: KvOp): HistoryOp {
  return { id, client, op, invokeMs: invoke, completeMs: null, result: null };
}
