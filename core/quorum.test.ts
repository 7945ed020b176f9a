// quorumMin picks the quorumSize-th largest value by insertion instead of sorting; it must agree
// with the sort it replaced on every input.

import fc from 'fast-check';
import { insertDescending, quorumMatch, quorumMin, quorumSize } from './quorum';

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

describe('quorumMatch', () => {
  it('is quorumMin over the match indexes, the leader\'s own durable one for itself, joint or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(20), { minLength: 1, maxLength: 9 }), fc.nat(8), fc.option(fc.array(fc.nat(8), { minLength: 1, maxLength: 5 }), { nil: undefined }),
        (values, self, outgoing) => {
          const ids = values.map((_, k) => `n${k}`);
          const selfId = ids[self % ids.length];
          const progress: Record<string, { match: number }> = {};
          for (const [k, id] of ids.entries()) if (id !== selfId) progress[id] = { match: values[k] };
          const selfMatch = values[ids.indexOf(selfId)];
          const votersOutgoing = outgoing === undefined ? undefined : [...new Set(outgoing.map((k) => ids[k % ids.length]))];
          const cluster = votersOutgoing === undefined ? { voters: ids } : { voters: ids.slice(0, Math.max(1, ids.length - 1)), votersOutgoing };
          const expected = quorumMin(cluster, (id) => (id === selfId ? selfMatch : progress[id].match));
          expect(quorumMatch(cluster, selfId, selfMatch, progress)).toBe(expected);
        },
      ),
      { seed: 12, numRuns: 500 },
    );
  });
});

describe('insertDescending', () => {
  it('keeps the list sorted, duplicates included', () => {
    const sorted: number[] = [];
    for (const v of [3, 9, 1, 7, 7, 0, 9]) insertDescending(sorted, v);
    expect(sorted).toEqual([9, 9, 7, 7, 3, 1, 0]);
  });
});
