import fc from 'fast-check';
import { SearchBudget } from './budget';
import { checkHistorySync, checkLinearizability, partitionHistory } from './check';
import type { HistoryOp, KvOp, KvResult } from './history';
import { kvModel, type RegisterState } from './kv-model';
import { resolveModel, type Model } from './model';
import { PartitionSearch } from './search';
import { tinyHistory } from './test-support/arbitraries';
import { bruteForceLinearizable } from './test-support/brute-force';
import { cas, done, get, ok, put, saw, swapped } from './test-support/history-builder';

/**
 * The checker against an oracle that enumerates orders, on tiny histories
 * near the linearisable/not boundary (see test-support/arbitraries.ts).
 *
 * CI size: 5,000 histories, a couple of seconds. Nightly size, one variable away:
 *   RAFTBED_ORACLE_HISTORIES=100000 npx jest linearizability/cross-check --maxWorkers=1
 * RAFTBED_ORACLE_SEED picks another seed (default fixed, so CI is reproducible).
 */
const SEED = Number(process.env.RAFTBED_ORACLE_SEED ?? 20240601);
const HISTORIES = Number(process.env.RAFTBED_ORACLE_HISTORIES ?? 5000);
const MAX_OPS = 10;

type Checker = (h: HistoryOp[]) => string;
const realChecker: Checker = (h) => checkLinearizability(h).verdict;

/** The property: on every tiny history, the checker agrees with exhaustive enumeration. */
const agreesWithBruteForce = (checker: Checker) =>
  fc.property(tinyHistory(MAX_OPS), (history) => {
    const expected = bruteForceLinearizable(history) ? 'ok' : 'violation';
    return checker(history) === expected;
  });

/**
 * Planted bug 1: a model that ignores cas (treats every cas as a no-op with
 * any result), as a checker author might when adding an op kind in a hurry.
 */
const casIgnoringModel: Model<RegisterState, KvOp, KvResult> = {
  ...kvModel,
  name: 'broken: ignores cas',
  step: (state, op, result) => (op.kind === 'cas' ? state : kvModel.step(state, op, result)),
  isReadOnly: (op, result) => op.kind === 'cas' || kvModel.isReadOnly(op, result),
};

/**
 * Planted bug 2: a model that calls every op read-only, so the search treats
 * any op that leaves the current state unchanged as free. This is exactly the
 * checker's old shortcut, which reported violations in linearisable histories
 * where a put writes the value the key already holds.
 */
const everythingReadOnlyModel: Model<RegisterState, KvOp, KvResult> = { ...kvModel, name: 'broken: all read-only', isReadOnly: () => true };

describe('cross-check against a brute-force oracle', () => {
  it('the generator yields both verdicts, unknown outcomes and concurrent writes of equal values', () => {
    const sample = fc.sample(tinyHistory(MAX_OPS), { seed: SEED, numRuns: 1000 });
    const linearisable = sample.filter((h) => bruteForceLinearizable(h)).length;
    expect(linearisable).toBeGreaterThan(1000 * 0.3);
    expect(linearisable).toBeLessThan(1000 * 0.85);
    expect(sample.filter((h) => h.some((o) => o.completeMs === null)).length).toBeGreaterThan(100);
    const equalConcurrentWrites = (h: HistoryOp[]) =>
      h.some((a) => h.some((b) => a !== b && a.op.kind === 'put' && b.op.kind === 'put' && a.op.key === b.op.key && a.op.value === b.op.value &&
        a.invokeMs <= (b.completeMs ?? Infinity) && b.invokeMs <= (a.completeMs ?? Infinity)));
    expect(sample.filter(equalConcurrentWrites).length).toBeGreaterThan(100);
    expect(sample.filter((h) => h.some((o) => o.result?.kind === 'value' && o.result.value === null)).length).toBeGreaterThan(100);
  });

  it(`agrees with brute force on ${HISTORIES} random tiny multi-key histories`, () => {
    fc.assert(agreesWithBruteForce(realChecker), { seed: SEED, numRuns: HISTORIES });
  });

  it('agrees with brute force when every search pauses and resumes every 3 steps', () => {
    const model = resolveModel(kvModel);
    const inTinyTurns: Checker = (h) => {
      for (const task of partitionHistory(h, model).tasks) {
        const search = new PartitionSearch(task.ops, model);
        let outcome = search.advance(new SearchBudget(3));
        for (let steps = 6; outcome.verdict === 'unknown'; steps += 3) outcome = search.advance(new SearchBudget(steps));
        if (outcome.verdict === 'violation') return 'violation';
      }
      return 'ok';
    };
    fc.assert(agreesWithBruteForce(inTinyTurns), { seed: SEED + 1, numRuns: Math.min(HISTORIES, 2000) });
  });
});

describe('planted bug: a model that ignores cas', () => {
  it('gives the wrong verdict on a cas anomaly', () => {
    const anomaly = [done(1, 'a', 0, 3, cas('x', null, 'a'), swapped), done(2, 'b', 1, 4, cas('x', null, 'b'), swapped)];
    expect(checkLinearizability(anomaly).verdict).toBe('violation');
    expect(checkHistorySync(anomaly, casIgnoringModel).verdict).toBe('ok');
    const lostSwap = [done(1, 'a', 0, 1, put('x', 'a'), ok), done(2, 'a', 2, 3, cas('x', 'a', 'b'), swapped), done(3, 'b', 4, 5, get('x'), saw('b'))];
    expect(checkLinearizability(lostSwap).verdict).toBe('ok');
    expect(checkHistorySync(lostSwap, casIgnoringModel).verdict).toBe('violation');
  });

  it('is caught by the brute-force cross-check', () => {
    const outcome = fc.check(agreesWithBruteForce((h) => checkHistorySync(h, casIgnoringModel).verdict), { seed: SEED, numRuns: HISTORIES });
    expect(outcome.failed).toBe(true);
    expect(outcome.counterexample![0].some((o) => o.op.kind === 'cas')).toBe(true);
  });
});

describe('planted bug: treating a write of the current value as free', () => {
  it('is caught by the brute-force cross-check at CI size, with a linearisable history wrongly rejected', () => {
    const outcome = fc.check(agreesWithBruteForce((h) => checkHistorySync(h, everythingReadOnlyModel).verdict), {
      seed: SEED,
      numRuns: HISTORIES,
    });
    expect(outcome.failed).toBe(true);
    const counterexample = outcome.counterexample![0];
    expect(bruteForceLinearizable(counterexample)).toBe(true);
    expect(checkLinearizability(counterexample).verdict).toBe('ok');
  });
});
