import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHistorySync } from './check';
import { EdnReader, Keyword } from './edn';
import { importJepsenHistory, JepsenFormatError } from './jepsen';
import { kvModel } from './kv-model';
import { registerModel } from './register-model';
import { errorOf } from './test-support/error-of';

const EXAMPLES = join(__dirname, '..', 'examples', 'histories');
const example = (name: string): string => readFileSync(join(EXAMPLES, name), 'utf8');

describe('EDN reader', () => {
  it('reads the values Jepsen writes', () => {
    const v = new EdnReader('{:type :ok, :value [1 -2.5 "a\\"b" nil true #{:x} (3)], :time 12N, :inst #inst "2024-01-01"} ; done').read();
    expect(v).toMatchObject({ line: 1 });
    const map = v as { get(k: string): unknown };
    expect(map.get(':type')).toEqual(new Keyword('ok'));
    expect(map.get(':value')).toEqual([1, -2.5, 'a"b', null, true, [new Keyword('x')], [3]]);
    expect(map.get(':time')).toBe(12);
    expect(map.get(':inst')).toBe('2024-01-01');
  });

  it('reports the line and column of a syntax error', () => {
    expect(errorOf(() => new EdnReader('{:a 1\n :b [2 3}').read())).toMatchObject({ name: 'EdnSyntaxError', line: 2, column: 9 });
  });
});

describe('importing Jepsen histories', () => {
  it('pairs invocations with completions: :ok happened, :fail did not, :info may have', () => {
    const imported = importJepsenHistory(example('register-ok.edn'));
    expect(imported).toMatchObject({ model: 'register', failed: 1, skipped: 1 });
    expect(imported.ops.map((o) => [o.client, o.op, o.invokeMs, o.completeMs, o.result])).toEqual([
      ['p0', { f: 'write', value: 1 }, 1, 4, null],
      ['p1', { f: 'read' }, 1.5, 4.5, null],
      ['p2', { f: 'cas', from: 1, to: 2 }, 5, 9.5, true],
      ['p0', { f: 'write', value: 3 }, 5.2, null, null],
      ['p3', { f: 'read' }, 12, 13, 3],
      ['p1', { f: 'read' }, 14, 15, 3],
    ]);
    // The :info write of 3 must have happened after the cas for the reads of 3 to be right.
    expect(checkHistorySync(imported.ops, registerModel).verdict).toBe('ok');
  });

  it('finds a lost write in a register history', () => {
    const imported = importJepsenHistory(example('register-lost-write.edn'));
    const r = checkHistorySync(imported.ops, registerModel);
    expect(r.verdict).toBe('violation');
    expect(r.perKey.get('')!.failedOp).toBe(3);
  });

  it('reads jepsen.independent [key value] tuples from a vector of maps as the kv model', () => {
    const imported = importJepsenHistory(example('kv-independent.edn'));
    expect(imported.model).toBe('kv');
    expect(imported.ops.map((o) => o.op)).toContainEqual({ kind: 'cas', key: ':x', expected: '1', value: '2' });
    expect(imported.ops.map((o) => o.op)).toContainEqual({ kind: 'get', key: ':y' });
    expect(checkHistorySync(imported.ops, kvModel).verdict).toBe('ok');
  });

  it('reads Knossos-style kv maps with a :key field, and jepsen.util log lines with tabs or spaces', () => {
    const knossos = [
      '{:process 0, :type :invoke, :f :append, :key "k", :value "x 0 0 y"}',
      '{:process 1, :type :invoke, :f :get, :key "k", :value nil}',
      '{:process 0, :type :ok, :f :append, :key "k", :value "x 0 0 y"}',
      '{:process 1, :type :ok, :f :get, :key "k", :value "x 0 0 y"}',
    ].join('\n');
    const kv = importJepsenHistory(knossos);
    expect(kv.ops.map((o) => o.op)).toEqual([{ kind: 'append', key: 'k', value: 'x 0 0 y' }, { kind: 'get', key: 'k' }]);
    expect(checkHistorySync(kv.ops, kvModel).verdict).toBe('ok');
    const log = ['INFO  jepsen.util - 0\t:invoke\t:write\t4', 'INFO  jepsen.util - 0\t:ok\t:write\t4', 'INFO  jepsen.util - 1  :invoke  :cas  [4 5]', 'INFO  jepsen.util - 1  :fail  :cas  [4 5]'].join('\n');
    expect(checkHistorySync(importJepsenHistory(log).ops, registerModel).verdict).toBe('ok');
    // etcd's client fails a cas only when the comparison failed; read that way, this cas contradicts the write.
    const strict = importJepsenHistory(log, { failedCas: 'not-swapped' });
    expect(strict.ops[1]).toMatchObject({ op: { f: 'cas', from: 4, to: 5 }, result: false });
    expect(checkHistorySync(strict.ops, registerModel).verdict).toBe('violation');
  });

  it('treats an invocation that never completes as an unknown outcome', () => {
    const imported = importJepsenHistory('{:type :invoke, :f :write, :value 1, :process 0}\n{:type :invoke, :f :read, :process 1}\n{:type :ok, :f :read, :value 1, :process 1}');
    expect(imported.ops[0]).toMatchObject({ completeMs: null, result: null });
    expect(checkHistorySync(imported.ops, registerModel).verdict).toBe('ok');
  });

  it.each([
    ['a completion without an invocation', '{:type :ok, :f :read, :value 1, :process 0}', 1, 'process'],
    ['a second invocation while one is pending', '{:type :invoke, :f :read, :process 0}\n{:type :invoke, :f :read, :process 0}', 2, 'process'],
    ['a completion of another function', '{:type :invoke, :f :read, :process 0}\n{:type :ok, :f :write, :value 1, :process 0}', 2, 'f'],
    ['an unknown type', '{:type :maybe, :f :read, :process 0}', 1, 'type'],
    ['a function the model lacks', '{:type :invoke, :f :dequeue, :process 0}', 1, 'f'],
    ['a cas without [old new]', '{:type :invoke, :f :cas, :value 3, :process 0}', 1, 'value'],
    ['an event that is not a map', '{:type :invoke, :f :read, :process 0}\n[1 2]', 0, undefined],
  ])('rejects %s, naming the line', (_, text, line, field) => {
    const e = errorOf(() => importJepsenHistory(text));
    expect(e).toBeInstanceOf(JepsenFormatError);
    expect(e).toMatchObject({ line, field });
  });

  it('rejects broken EDN with its line', () => {
    expect(errorOf(() => importJepsenHistory('{:type :invoke, :f :read, :process 0}\n{:type :ok :f'))).toMatchObject({ name: 'JepsenFormatError', line: 2 });
  });
});
