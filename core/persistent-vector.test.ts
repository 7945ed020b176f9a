// The persistent vector against a plain array, across the trie's 32 / 1024 / 32768 boundaries,
// and structural sharing that never leaks a change into an older version.

import fc from 'fast-check';
import { emptyVector, PersistentVector, vectorFromArray, vectorGet, vectorPush, vectorPushAll, vectorSlice, vectorTake } from './persistent-vector';

type Op =
  | { kind: 'push'; value: number }
  | { kind: 'pushAll'; count: number }
  | { kind: 'take'; count: number }
  | { kind: 'fork' };

const BOUNDARIES = [0, 1, 31, 32, 33, 63, 64, 65, 1023, 1024, 1025, 1056, 32767, 32768, 32769, 33 * 1024 + 1];
const sizeArb = fc.oneof(fc.constantFrom(...BOUNDARIES), fc.integer({ min: 0, max: 34_000 }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), value: fc.integer() }),
  fc.record({ kind: fc.constant('pushAll' as const), count: fc.oneof(fc.constantFrom(1, 31, 32, 33, 1024, 1025), fc.nat(200)) }),
  fc.record({ kind: fc.constant('take' as const), count: sizeArb }),
  fc.record({ kind: fc.constant('fork' as const) }),
);

let counter = 0;
const fresh = (n: number): number[] => Array.from({ length: n }, () => counter++);

function expectEqual(v: PersistentVector<number>, expected: readonly number[]): void {
  expect(v.size).toBe(expected.length);
  const all = vectorSlice(v, 0, v.size);
  // toEqual on 30k-element arrays is slow to report; compare cheaply first.
  if (all.length !== expected.length || all.some((x, i) => x !== expected[i])) expect(all).toEqual(expected);
}

describe('persistent-vector vs a plain array', () => {
  it('push / pushAll / take / get / slice agree across the 32, 1024 and 32768 boundaries; old versions never change', () => {
    fc.assert(
      fc.property(sizeArb, fc.array(opArb, { minLength: 1, maxLength: 12 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }), (initial, ops, ranges) => {
        let v = vectorFromArray(fresh(initial));
        let a = vectorSlice(v, 0, v.size);
        const versions: { v: PersistentVector<number>; a: number[] }[] = [{ v, a }];
        for (const op of ops) {
          switch (op.kind) {
            case 'push':
              v = vectorPush(v, op.value);
              a = [...a, op.value];
              break;
            case 'pushAll': {
              const items = fresh(op.count);
              v = vectorPushAll(v, items);
              a = a.concat(items);
              break;
            }
            case 'take':
              v = vectorTake(v, op.count);
              a = a.slice(0, Math.max(0, op.count));
              break;
            case 'fork': {
              // Branch from an older version: writes to the branch must not reach the trunk.
              const base = versions[Math.floor(versions.length / 2)];
              const items = fresh(40);
              const branch = vectorPushAll(vectorTake(base.v, Math.floor(base.a.length / 2)), items);
              versions.push({ v: branch, a: base.a.slice(0, Math.floor(base.a.length / 2)).concat(items) });
              break;
            }
          }
          expectEqual(v, a);
          versions.push({ v, a });
        }
        for (const [from, to] of ranges) {
          const f = a.length ? from % (a.length + 1) : 0;
          const t = a.length ? to % (a.length + 2) : 0;
          expect(vectorSlice(v, f, t)).toEqual(a.slice(f, Math.max(f, t)));
          if (f < a.length) expect(vectorGet(v, f)).toBe(a[f]);
        }
        for (const old of versions) expectEqual(old.v, old.a);
      }),
      { seed: 321, numRuns: 60 },
    );
  });

  it('get rejects indexes outside [0, size) and non-integers', () => {
    const v = vectorFromArray([1, 2, 3]);
    for (const bad of [-1, 3, 1.5, NaN]) expect(() => vectorGet(v, bad)).toThrow(RangeError);
    expect(() => vectorGet(emptyVector<number>(), 0)).toThrow(RangeError);
  });

  it('element by element across 32769 pushes, every index readable', () => {
    let v = emptyVector<number>();
    for (let i = 0; i < 32769; i++) v = vectorPush(v, i);
    for (let i = 0; i < 32769; i += 97) expect(vectorGet(v, i)).toBe(i);
    expect(vectorGet(v, 32768)).toBe(32768);
    // Cutting at every level boundary and growing again.
    for (const cut of [32768, 32767, 1025, 1024, 1023, 33, 32, 31, 1]) {
      const grown = vectorPushAll(vectorTake(v, cut), [-1, -2]);
      expect(grown.size).toBe(cut + 2);
      expect(vectorGet(grown, cut - 1)).toBe(cut - 1);
      expect(vectorGet(grown, cut)).toBe(-1);
      expect(vectorGet(v, cut)).toBe(cut);
    }
  });
});
