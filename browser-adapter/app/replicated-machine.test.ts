import type { ApplyEntry } from '../../core';
import { EntryDecodeError, kvMachine, sessioned, type CommandCodec, type StateMachine } from './replicated-machine';

/** A counter: add n, returns the new total. */
class Counter implements StateMachine<number, number> {
  total = 0;
  apply(n: number): number {
    this.total += n;
    return this.total;
  }
  snapshot(): string {
    return String(this.total);
  }
  restore(s: string): void {
    this.total = Number(s);
  }
}
const numbers: CommandCodec<number> = {
  encode: (n) => String(n),
  decode: (s) => {
    const n = Number(s);
    if (!Number.isInteger(n)) throw new RangeError(`not an integer: ${s}`);
    return n;
  },
};
const normal = (index: number, data: string): ApplyEntry => ({ index, entry: { term: 1, type: 'Normal', data } });

test('a sessioned machine applies each (client, seq) once, answers the retry with the first result, and marks older seqs stale', () => {
  const app = new Counter();
  const kind = sessioned(app, numbers);
  const r = kind.create();
  expect(r.apply(normal(1, kind.encode('c', 1, 5)))).toEqual({ client: 'c', seq: 1, result: 5, stale: false });
  expect(r.apply({ index: 2, entry: { term: 1, type: 'Noop', data: '' } })).toBeNull();
  expect(r.apply(normal(3, kind.encode('c', 1, 5)))).toEqual({ client: 'c', seq: 1, result: 5, stale: false });
  expect(r.apply(normal(4, kind.encode('c', 2, 1)))).toEqual({ client: 'c', seq: 2, result: 6, stale: false });
  expect(r.apply(normal(5, kind.encode('c', 1, 5)))).toEqual({ client: 'c', seq: 1, result: undefined, stale: true });
  expect(r.apply(normal(6, kind.noop('n', 1)))).toEqual({ client: 'n', seq: 1, result: undefined, stale: false });
  expect(app.total).toBe(6);
  expect(r.lastApplied).toBe(6);
  expect(() => r.apply(normal(8, kind.encode('c', 3, 1)))).toThrow(/out of order/);
});

test('snapshot and restore carry the app state, the applied index and the sessions', () => {
  const app = new Counter();
  const kind = sessioned(app, numbers);
  const r = kind.create();
  r.apply(normal(1, kind.encode('c', 1, 7)));
  const snap = r.snapshot();
  const fresh = kind.create();
  expect(app.total).toBe(0);
  const back = kind.restore(snap);
  expect(app.total).toBe(7);
  expect(back.lastApplied).toBe(1);
  // The session survived: the retry is not applied twice.
  expect(back.apply(normal(2, kind.encode('c', 1, 7)))).toMatchObject({ result: 7, stale: false });
  expect(app.total).toBe(7);
  expect(fresh.lastApplied).toBe(0);
  expect(() => kind.restore('{"nope":1}')).toThrow(EntryDecodeError);
});

test('validate refuses entries the machine could not apply, with typed errors', () => {
  const kind = sessioned(new Counter(), numbers);
  expect(() => kind.validate(kind.encode('c', 1, 2))).not.toThrow();
  expect(() => kind.validate('not json')).toThrow(EntryDecodeError);
  expect(() => kind.validate(JSON.stringify({ client: 'c', seq: 1, command: 'x' }))).toThrow(RangeError);
  expect(() => kvMachine.validate('{"client":"c"}')).toThrow();
});

test('the key-value store is one such machine: results and staleness come through', () => {
  const r = kvMachine.create();
  expect(r.apply(normal(1, kvMachine.encode('c', 2, { kind: 'put', key: 'k', value: 'v' })))).toEqual({ client: 'c', seq: 2, result: { kind: 'ok' }, stale: false });
  expect(r.apply(normal(2, kvMachine.encode('c', 1, { kind: 'put', key: 'k', value: 'w' })))).toMatchObject({ stale: true });
  expect(kvMachine.restore(r.snapshot()).lastApplied).toBe(2);
});
