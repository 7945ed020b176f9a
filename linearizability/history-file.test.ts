import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHistorySync } from './check';
import { HistoryValidationError } from './history';
import { formatHistoryJson, HistoryFileError, jsonErrorOffset, parseHistoryJson } from './history-file';
import { kvModel } from './kv-model';
import { registerModel } from './register-model';
import { done, get, ok, put, saw } from './test-support/history-builder';
import { errorOf } from './test-support/error-of';

const EXAMPLES = join(__dirname, '..', 'examples', 'histories');

describe('the JSON history format', () => {
  it('reads the documented examples with their model, and checks them', () => {
    const stale = parseHistoryJson(readFileSync(join(EXAMPLES, 'kv-stale-read.json'), 'utf8'));
    expect(stale.model).toBe(kvModel);
    expect(stale.ops).toHaveLength(7);
    expect(stale.ops[0]).toMatchObject({ node: 'n1', term: 2, eventIndex: 14 });
    expect(checkHistorySync(stale.ops, stale.model)).toMatchObject({ verdict: 'violation', violatingKeys: ['x'] });
    const rewrite = parseHistoryJson(readFileSync(join(EXAMPLES, 'kv-rewrite-current-value.json'), 'utf8'));
    expect(checkHistorySync(rewrite.ops, rewrite.model).verdict).toBe('ok');
  });

  it('round-trips through formatHistoryJson, and accepts a bare array as kv', () => {
    const ops = [done(1, 'a', 0, 1, put('x', '1'), ok), done(2, 'b', 2, 3, get('x'), saw('1'))];
    expect(parseHistoryJson(formatHistoryJson(ops, 'kv')).ops).toEqual(ops);
    expect(parseHistoryJson(JSON.stringify(ops)).model).toBe(kvModel);
  });

  it('takes the model from the caller for a bare array, and refuses one that contradicts the header', () => {
    expect(parseHistoryJson('[]', { model: registerModel }).model).toBe(registerModel);
    const text = formatHistoryJson([], 'kv');
    expect(errorOf(() => parseHistoryJson(text, { model: registerModel }))).toMatchObject({ name: 'HistoryFileError', code: 'model-mismatch', field: 'model' });
  });

  it('names the line and column of a JSON syntax error', () => {
    const e = errorOf(() => parseHistoryJson('{"format": "raftbed-history",\n "version": 1,\n "ops": [}\n', { file: 'h.json' }));
    expect(e).toBeInstanceOf(HistoryFileError);
    expect(e).toMatchObject({ code: 'bad-json', line: 3 });
    expect(e.message).toMatch(/^h\.json:3:\d+: not valid JSON/);
  });

  it.each([
    ['format', '{"format": "csv", "version": 1, "ops": []}', 'bad-header'],
    ['version', '{"format": "raftbed-history", "version": 2, "ops": []}', 'bad-header'],
    ['model', '{"format": "raftbed-history", "version": 1, "model": "queue", "ops": []}', 'unknown-model'],
    ['ops', '{"format": "raftbed-history", "version": 1, "ops": {}}', 'bad-header'],
  ])('rejects a bad header field: %s', (field, text, code) => {
    expect(errorOf(() => parseHistoryJson(text))).toMatchObject({ name: 'HistoryFileError', code, field });
  });

  it('names the line, op and field of a malformed operation', () => {
    const text = [
      '{"format": "raftbed-history", "version": 1, "model": "kv", "ops": [',
      '  {"id": 1, "client": "a", "op": {"kind": "put", "key": "x", "value": "1"}, "invokeMs": 0, "completeMs": 1, "result": {"kind": "ok"}},',
      '  {"id": 2, "client": "b", "op": {"kind": "get", "key": "x"},',
      '   "invokeMs": 2, "completeMs": 3, "result": {"kind": "value", "value": 7}}',
      ']}',
    ].join('\n');
    const e = errorOf(() => parseHistoryJson(text, { file: 'h.json' }));
    expect(e).toBeInstanceOf(HistoryValidationError);
    expect(e).toMatchObject({ code: 'bad-result', opId: 2, index: 1, field: 'result.value', line: 3 });
    expect(e.message).toBe('h.json:3: op 2: result.value: must be a string or null');
  });

  it('finds the line of an op in a bare array with strings that contain brackets', () => {
    const text = '[\n{"id": 1, "client": "[{", "op": {"kind": "get", "key": "]}\\""}, "invokeMs": 0, "completeMs": 1, "result": {"kind": "value", "value": null}},\n\n{"id": 1}]';
    expect(errorOf(() => parseHistoryJson(text))).toMatchObject({ code: 'duplicate-id', line: 4 });
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a": [}', 7],
    ['{"a": 1,}', 8],
    ['[1 2]', 3],
    ['{"a": "x\ny"}', 8],
    ['{"a": tru}', 6],
    ['[1] [2]', 4],
    ['{"a": "\\q"}', 8],
    ['', 0],
  ])('finds where %j goes wrong', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
