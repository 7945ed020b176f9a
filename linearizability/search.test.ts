import { SearchBudget } from './budget';
import { partitionHistory } from './check';
import type { HistoryOp } from './history';
import { kvModel } from './kv-model';
import { resolveModel } from './model';
import { PartitionSearch, type PartitionOutcome } from './search';
import { generateLinearizableHistory } from './synthetic-history';

const model = resolveModel(kvModel);

/** The largest partition of a generated history, optionally with a stale read planted in it. */
function partition(seed: number, unknownRate: number, plant: boolean): HistoryOp[] {
  const history = generateLinearizableHistory({ seed, ops: 300, clients: 6, keys: 2, unknownRate });
  const ops = partitionHistory(history, model).tasks.at(-1)!.ops as HistoryOp[];
  if (plant) {
    const victim = ops.filter((h) => h.op.kind === 'get' && h.completeMs !== null).at(-3)!;
    victim.result = { kind: 'value', value: 'never-written' };
  }
  return ops;
}

function inSlices(ops: HistoryOp[], sliceSteps: number): { outcome: PartitionOutcome; pauses: number } {
  const search = new PartitionSearch(ops, model);
  let pauses = 0;
  for (let budget = sliceSteps; ; budget += sliceSteps) {
    const outcome = search.advance(new SearchBudget(budget));
    if (outcome.verdict !== 'unknown') return { outcome, pauses };
    expect(outcome).toMatchObject({ exhausted: 'steps', searchSteps: budget });
    pauses++;
  }
}

describe('a paused search carries on exactly where it stopped', () => {
  it.each([
    ['linearisable, no unknown outcomes', 1, 0, false],
    ['linearisable, with unknown outcomes (several speculation rounds)', 2, 0.05, false],
    ['a planted stale read', 3, 0, true],
    ['a planted stale read among unknown outcomes', 8, 0.05, true],
  ])('%s: turns of 1, 97 or 1000 steps give the outcome of one long run, step for step', (_, seed, unknownRate, plant) => {
    const ops = partition(seed, unknownRate, plant);
    const whole = new PartitionSearch(ops, model).advance(new SearchBudget(1e9));
    expect(whole.verdict).toBe(plant ? 'violation' : 'ok');
    // Turns of one step pause at every possible point once; longer ones keep the big cases quick.
    for (const slice of whole.searchSteps <= 20_000 ? [1, 97, 1000] : [97, 1000]) {
      const { outcome, pauses } = inSlices(ops, slice);
      expect(outcome).toEqual(whole);
      expect(pauses).toBe(Math.floor((whole.searchSteps - 1) / slice));
    }
  });

  it('keeps a decided outcome', () => {
    const search = new PartitionSearch(partition(1, 0, true), model);
    const first = search.advance(new SearchBudget(1e9));
    expect(search.advance(new SearchBudget(1))).toBe(first);
  });
});
