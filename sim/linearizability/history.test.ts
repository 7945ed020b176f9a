import { checkLinearizability } from './check';
import { HistoryValidationError, validateHistory, type HistoryOp } from './history';

function codeOf(history: unknown): string | undefined {
  try {
    validateHistory(history);
    return undefined;
  } catch (e) {
    if (e instanceof HistoryValidationError) return e.code;
    throw e;
  }
}

const good = { id: 1, client: 'a', op: { kind: 'put', key: 'x', value: 'v' }, invokeMs: 0, completeMs: 1, result: { kind: 'ok' } };

describe('validateHistory', () => {
  it('accepts well-formed histories, including unknown outcomes', () => {
    expect(codeOf([good, { ...good, id: 2, completeMs: null, result: null }])).toBeUndefined();
  });

  it.each([
    ['not-an-array', { not: 'a list' }],
    ['not-an-object', [42]],
    ['bad-id', [{ ...good, id: 1.5 }]],
    ['duplicate-id', [good, good]],
    ['bad-client', [{ ...good, client: 7 }]],
    ['bad-op', [{ ...good, op: { kind: 'delete', key: 'x' } }]],
    ['bad-op', [{ ...good, op: { kind: 'put', key: 'x' } }]],
    ['bad-op', [{ ...good, op: { kind: 'cas', key: 'x', expected: 3, value: 'v' } }]],
    ['bad-time', [{ ...good, invokeMs: Number.NaN }]],
    ['bad-time', [{ ...good, completeMs: 'soon' }]],
    ['completes-before-invoke', [{ ...good, invokeMs: 5, completeMs: 4 }]],
    ['result-completion-mismatch', [{ ...good, completeMs: null }]],
    ['result-completion-mismatch', [{ ...good, result: null }]],
    ['result-kind-mismatch', [{ ...good, result: { kind: 'value', value: 'v' } }]],
    ['result-kind-mismatch', [{ ...good, op: { kind: 'get', key: 'x' }, result: { kind: 'value', value: 3 } }]],
    ['result-kind-mismatch', [{ ...good, op: { kind: 'cas', key: 'x', expected: null, value: 'v' }, result: { kind: 'cas' } }]],
  ])('reports %s', (code, history) => {
    expect(codeOf(history)).toBe(code);
  });

  it('names the offending op', () => {
    expect(() => validateHistory([good, { ...good, id: 9, invokeMs: 5, completeMs: 4 }])).toThrow(
      expect.objectContaining({ opId: 9, index: 1, message: expect.stringContaining('op 9') }),
    );
  });

  it('is applied by the checker before searching', () => {
    expect(() => checkLinearizability([good, good] as unknown as HistoryOp[])).toThrow(HistoryValidationError);
  });
});
