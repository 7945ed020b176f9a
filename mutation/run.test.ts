import { MEASURED_FILES, parseMutateArgs } from './run';
import { BudgetError, productPlan } from './product-plan';

it('defaults to the product suite over the five files, 60 s, type-checked', () => {
  expect(parseMutateArgs([])).toMatchObject({ files: MEASURED_FILES, suite: 'product', budgetS: 60, concurrency: 1, typeCheck: true });
  expect(parseMutateArgs(['--files', 'core/reads.ts,core/transfer.ts', '--suite', 'unit', '--shard', '2/3', '--no-type-check']))
    .toMatchObject({ files: ['core/reads.ts', 'core/transfer.ts'], suite: 'unit', shard: '2/3', typeCheck: false });
});

it.each([
  [['--files', 'sim/config.ts']],
  [['--files', 'core/reads.test.ts']],
  [['--suite', 'fuzz']],
  [['--budget-s', '0']],
  [['--budget-s', '10']],
  [['--shard', '4/3']],
  [['--shard', '1/2', '--sample', '5']],
  [['--baseline', 'b.json']],
])('refuses %j', (argv) => {
  const writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(() => parseMutateArgs(argv)).toThrow();
  } finally {
    writeErr.mockRestore();
  }
});

it('turns a budget into a fixed plan whose smaller budgets run a subset of the seeds', () => {
  const small = productPlan(20);
  const full = productPlan(60);
  expect([small.sweepSeedsPerCell, full.sweepSeedsPerCell]).toEqual([7, 57]);
  expect(small.tlcTraces).toEqual(full.tlcTraces);
  expect(small.replaySpec).toEqual(full.replaySpec);
  expect(full.cells.map((c) => `${c.faults}/${c.nodes}`)).toEqual(['all/3', 'all/5', 'swarm/3', 'swarm/5', 'partitions/3', 'partitions/5', 'crashes/3', 'crashes/5']);
  expect([...full.oneNodeCells.map((c) => `${c.faults}/${c.nodes}`), full.oneNodeSeeds]).toEqual(['all/1', 'swarm/1', 3]);
  expect(() => productPlan(19)).toThrow(BudgetError);
});
