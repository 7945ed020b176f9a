import { Simulation } from '../cluster/simulation';
import { makeSimConfig } from '../config';
import type { HistoryOp } from '../../linearizability';
import { checkHistory } from './linearizability-check';

const put = (id: number, client: string, value: string, invokeMs: number, completeMs: number): HistoryOp => ({
  id, client, op: { kind: 'put', key: 'k', value }, invokeMs, completeMs, result: { kind: 'ok' },
});
const get = (id: number, client: string, value: string | null, invokeMs: number, completeMs: number): HistoryOp => ({
  id, client, op: { kind: 'get', key: 'k' }, invokeMs, completeMs, result: { kind: 'value', value },
});

describe('checkHistory', () => {
  it('turns a stale read into a Linearizability violation naming the op', () => {
    // c1 writes a then b; a later read by c2 still sees a.
    const history = [put(0, 'c1', 'a', 0, 10), put(1, 'c1', 'b', 20, 30), get(2, 'c2', 'a', 40, 50)];
    const v = checkHistory({ history, simulatedMs: 1000 }, { eventIndex: 77 });
    expect(v).not.toBeNull();
    expect(v?.property).toBe('Linearizability');
    expect(v?.detail).toContain('op 2');
    expect(v?.atMs).toBe(50);
    expect(v?.eventIndex).toBe(77);
    expect(v?.node).toBeNull();
  });

  it('accepts a linearizable history, including concurrent overlapping ops', () => {
    const history = [put(0, 'c1', 'a', 0, 10), put(1, 'c1', 'b', 20, 60), get(2, 'c2', 'a', 30, 40), get(3, 'c2', 'b', 70, 80)];
    expect(checkHistory({ history, simulatedMs: 100 })).toBeNull();
  });

  it('passes the history of an unmodified core run under faults', () => {
    const result = new Simulation(makeSimConfig({ seed: 3, faults: 'partitions', durationMs: 2_000 })).run();
    expect(result.violation).toBeNull();
    expect(result.history.filter((h) => h.completeMs !== null).length).toBeGreaterThan(20);
    expect(checkHistory(result)).toBeNull();
  });
});
