import fc from 'fast-check';
import { checkLinearizability, checkLinearizabilityWithModel } from './check';
import type { HistoryOp, KvOp, KvResult } from './history';
import { kvRegisterModel, type RegisterState, type SequentialModel } from './model';
import { tinyHistory } from './test-support/arbitraries';
import { bruteForceLinearizable } from './test-support/brute-force';
import { cas, done, get, ok, put, saw, swapped } from './test-support/history-builder';

const SEED = 20240601;
const RUNS = 400;

type Checker = (h: HistoryOp[]) => string;
const realChecker: Checker = (h) => checkLinearizability(h).verdict;

/** The property: on every tiny history, the checker agrees with exhaustive enumeration. */
const agreesWithBruteForce = (checker: Checker) =>
  fc.property(tinyHistory(7), (history) => {
    const expected = bruteForceLinearizable(history) ? 'ok' : 'violation';
    return checker(history) === expected;
  });

/**
 * A planted bug: a model that ignores cas (treats every cas as a no-op with
 * any result), as a checker author might when adding an op kind in a hurry.
 */
const casIgnoringModel: SequentialModel<RegisterState, KvOp, KvResult> = {
  name: 'broken: ignores cas',
  initialState: null,
  step: (state, op, result) => (op.kind === 'cas' ? state : kvRegisterModel.step(state, op, result)),
};
const brokenChecker: Checker = (h) => checkLinearizabilityWithModel(h, casIgnoringModel).verdict;

describe('cross-check against a brute-force oracle', () => {
  it('the generator yields both verdicts often enough for the comparison to mean something', () => {
    const sample = fc.sample(tinyHistory(7), { seed: SEED, numRuns: RUNS });
    const linearisable = sample.filter((h) => bruteForceLinearizable(h)).length;
    expect(linearisable).toBeGreaterThan(RUNS * 0.2);
    expect(linearisable).toBeLessThan(RUNS * 0.8);
    expect(sample.some((h) => h.some((o) => o.completeMs === null))).toBe(true);
  });

  it('agrees with brute force on random tiny multi-key histories', () => {
    fc.assert(agreesWithBruteForce(realChecker), { seed: SEED, numRuns: RUNS });
  });
});

describe('planted bug: a model that ignores cas', () => {
  it('gives the wrong verdict on a cas anomaly', () => {
    const anomaly = [done(1, 'a', 0, 3, cas('x', null, 'a'), swapped), done(2, 'b', 1, 4, cas('x', null, 'b'), swapped)];
    expect(checkLinearizability(anomaly).verdict).toBe('violation');
    expect(checkLinearizabilityWithModel(anomaly, casIgnoringModel).verdict).toBe('ok');
    const lostSwap = [done(1, 'a', 0, 1, put('x', 'a'), ok), done(2, 'a', 2, 3, cas('x', 'a', 'b'), swapped), done(3, 'b', 4, 5, get('x'), saw('b'))];
    expect(checkLinearizability(lostSwap).verdict).toBe('ok');
    expect(checkLinearizabilityWithModel(lostSwap, casIgnoringModel).verdict).toBe('violation');
  });

  it('is caught by the brute-force cross-check', () => {
    const outcome = fc.check(agreesWithBruteForce(brokenChecker), { seed: SEED, numRuns: RUNS });
    expect(outcome.failed).toBe(true);
    const counterexample = outcome.counterexample![0];
    expect(counterexample.some((o) => o.op.kind === 'cas')).toBe(true);
  });
});
