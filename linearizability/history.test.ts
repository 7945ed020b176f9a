import { checkLinearizability } from './check';
import { HistoryValidationError, type HistoryOp } from './history';
import { validateHistory } from './kv-model';

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
    ['result-completion-mismatch', [{ ...good, result: undefined }]],
    ['bad-result', [{ ...good, result: null }]],
    ['bad-result', [{ ...good, result: { kind: 'value', value: 'v' } }]],
    ['bad-result', [{ ...good, op: { kind: 'get', key: 'x' }, result: { kind: 'value', value: 3 } }]],
    ['bad-result', [{ ...good, op: { kind: 'cas', key: 'x', expected: null, value: 'v' }, result: { kind: 'cas' } }]],
    ['bad-annotation', [{ ...good, node: 3 }]],
    ['bad-annotation', [{ ...good, term: -1 }]],
    ['bad-annotation', [{ ...good, eventIndex: 1.5 }]],
  ])('reports %s', (code, history) => {
    expect(codeOf(history)).toBe(code);
  });

  it('names the offending op and field', () => {
    expect(() => validateHistory([good, { ...good, id: 9, invokeMs: 5, completeMs: 4 }])).toThrow(
      expect.objectContaining({ opId: 9, index: 1, field: 'completeMs', message: expect.stringContaining('op 9') }),
    );
    expect(() => validateHistory([{ ...good, op: { kind: 'put', key: 'x', value: 7 } }])).toThrow(
      expect.objectContaining({ code: 'bad-op', field: 'op.value' }),
    );
  });

  it('is applied by the checker before searching', () => {
    expect(() => checkLinearizability([good, good] as unknown as HistoryOp[])).toThrow(HistoryValidationError);
  });
});
