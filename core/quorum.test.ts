// quorumMin picks the quorumSize-th largest value by insertion instead of sorting; it must agree
// with the sort it replaced on every input.

import fc from 'fast-check';
import { insertDescending, quorumMin, quorumSize } from './quorum';

function bySort(values: readonly number[]): number {
  return [...values].sort((a, b) => b - a)[quorumSize({ voters: values.map((_, k) => `n${k}`) }) - 1];
}

describe('quorumMin', () => {
  it('agrees with sorting, for any values and cluster sizes 1-9', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 9 }), (values) => {
        const voters = values.map((_, k) => `n${k}`);
        expect(quorumMin({ voters }, (id) => values[Number(id.slice(1))])).toBe(bySort(values));
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('is the value a majority has reached: 5 voters at 9, 7, 7, 3, 1 commit 7', () => {
    const at: Record<string, number> = { a: 3, b: 9, c: 1, d: 7, e: 7 };
    expect(quorumMin({ voters: Object.keys(at) }, (id) => at[id])).toBe(7);
  });
});

describe('insertDescending', () => {
  it('keeps the list sorted, duplicates included', () => {
    const sorted: number[] = [];
    for (const v of [3, 9, 1, 7, 7, 0, 9]) insertDescending(sorted, v);
    expect(sorted).toEqual([9, 9, 7, 7, 3, 1, 0]);
  });
});
