// Dissertation §6.3: the key-value state machine with client sessions (exactly-once commands).

import fc from 'fast-check';
import { decodeCommand, encodeCommand, KvDecodeError, KvStateMachine, KvCommand } from './kv';
import type { ApplyEntry } from './types';

let index = 0;
function entry(command: KvCommand | string, type: 'Normal' | 'Noop' = 'Normal'): ApplyEntry {
  index++;
  return { index, entry: { term: 1, type, data: typeof command === 'string' ? command : encodeCommand(command) } };
}

beforeEach(() => {
  index = 0;
});

describe('§6.3 KV operations', () => {
  it('put, get, append, cas', () => {
    const kv = new KvStateMachine();
    expect(kv.apply(entry({ client: 'c', seq: 1, op: { kind: 'put', key: 'k', value: 'a' } }))?.result).toEqual({ kind: 'ok' });
    expect(kv.apply(entry({ client: 'c', seq: 2, op: { kind: 'append', key: 'k', value: 'b' } }))?.result).toEqual({ kind: 'ok' });
    expect(kv.apply(entry({ client: 'c', seq: 3, op: { kind: 'get', key: 'k' } }))?.result).toEqual({ kind: 'value', value: 'ab' });
    expect(kv.apply(entry({ client: 'c', seq: 4, op: { kind: 'cas', key: 'k', expected: 'zz', value: 'x' } }))?.result).toEqual({ kind: 'cas', ok: false });
    expect(kv.apply(entry({ client: 'c', seq: 5, op: { kind: 'cas', key: 'k', expected: 'ab', value: 'x' } }))?.result).toEqual({ kind: 'cas', ok: true });
    expect(kv.apply(entry({ client: 'c', seq: 6, op: { kind: 'cas', key: 'new', expected: null, value: 'n' } }))?.result).toEqual({ kind: 'cas', ok: true });
    expect(kv.apply(entry({ client: 'c', seq: 7, op: { kind: 'get', key: 'missing' } }))?.result).toEqual({ kind: 'value', value: null });
    expect(kv.read('k')).toBe('x');
    expect(kv.read('new')).toBe('n');
    expect(kv.lastApplied).toBe(7);
  });

  it('no-op entries advance the applied index only', () => {
    const kv = new KvStateMachine();
    expect(kv.apply(entry('', 'Noop'))).toBeNull();
    expect(kv.lastApplied).toBe(1);
  });

  it('entries must be applied in order', () => {
    const kv = new KvStateMachine();
    expect(() => kv.apply({ index: 2, entry: { term: 1, type: 'Noop', data: '' } })).toThrow(/out of order/);
  });
});

describe('§6.3 duplicate detection by client + seq', () => {
  it('a retried command returns the recorded result and runs once', () => {
    const kv = new KvStateMachine();
    const cmd: KvCommand = { client: 'c1', seq: 1, op: { kind: 'append', key: 'k', value: 'x' } };
    expect(kv.apply(entry(cmd))).toMatchObject({ duplicate: false, result: { kind: 'ok' } });
    expect(kv.apply(entry(cmd))).toMatchObject({ duplicate: true, result: { kind: 'ok' } });
    expect(kv.read('k')).toBe('x');
  });

  it('an older seq than the session\'s is reported stale, and sessions are per client', () => {
    const kv = new KvStateMachine();
    kv.apply(entry({ client: 'a', seq: 2, op: { kind: 'put', key: 'k', value: '2' } }));
    expect(kv.apply(entry({ client: 'a', seq: 1, op: { kind: 'put', key: 'k', value: '1' } }))).toMatchObject({ duplicate: true, result: { kind: 'stale' } });
    expect(kv.apply(entry({ client: 'b', seq: 1, op: { kind: 'put', key: 'k', value: 'b' } }))).toMatchObject({ duplicate: false });
    expect(kv.read('k')).toBe('b');
  });
});

describe('§6.3 snapshot and restore', () => {
  const opArb = fc.record({
    client: fc.constantFrom('a', 'b', 'c'),
    seq: fc.integer({ min: 1, max: 8 }),
    op: fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom('x', 'y', 'z'), value: fc.string({ maxLength: 3 }) }),
      fc.record({ kind: fc.constant('append' as const), key: fc.constantFrom('x', 'y', 'z'), value: fc.string({ maxLength: 3 }) }),
      fc.record({ kind: fc.constant('get' as const), key: fc.constantFrom('x', 'y', 'z') }),
      fc.record({ kind: fc.constant('cas' as const), key: fc.constantFrom('x', 'y', 'z'), expected: fc.option(fc.string({ maxLength: 3 }), { nil: null }), value: fc.string({ maxLength: 3 }) }),
    ),
  });

  it('restore(snapshot()) behaves exactly like the original, and snapshots are byte-identical', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(opArb, { maxLength: 10 }), (before, after) => {
      index = 0;
      const original = new KvStateMachine();
      for (const c of before) original.apply(entry(c));
      const snap = original.snapshot();
      const restored = KvStateMachine.restore(snap);
      expect(restored.snapshot()).toBe(snap);
      expect(restored.lastApplied).toBe(original.lastApplied);
      const saved = index;
      const a = after.map((c) => original.apply(entry(c)));
      index = saved;
      const b = after.map((c) => restored.apply(entry(c)));
      expect(b).toEqual(a);
      expect(restored.snapshot()).toBe(original.snapshot());
    }), { seed: 5, numRuns: 200 });
  });

  it('the same contents reached in a different insertion order give the same snapshot bytes', () => {
    const one = new KvStateMachine();
    const two = new KvStateMachine();
    index = 0;
    one.apply(entry({ client: 'c', seq: 1, op: { kind: 'put', key: 'b', value: '2' } }));
    one.apply(entry({ client: 'c', seq: 2, op: { kind: 'put', key: 'a', value: '1' } }));
    index = 0;
    two.apply(entry({ client: 'c', seq: 1, op: { kind: 'put', key: 'a', value: '1' } }));
    two.apply(entry({ client: 'c', seq: 2, op: { kind: 'put', key: 'b', value: '2' } }));
    expect(one.snapshot()).toBe(two.snapshot());
  });

  it('restore rejects garbage with KvDecodeError', () => {
    for (const bad of ['', 'nope', 'null', '{}', '{"appliedIndex":-1,"data":[],"sessions":[]}', '{"appliedIndex":0,"data":[[1,2]],"sessions":[]}']) {
      expect(() => KvStateMachine.restore(bad)).toThrow(KvDecodeError);
    }
  });
});

describe('decodeCommand rejects garbage with KvDecodeError', () => {
  it.each([
    ['not JSON', '{'],
    ['null', 'null'],
    ['a number', '5'],
    ['an array', '[]'],
    ['no client', '{"seq":1,"op":{"kind":"get","key":"k"}}'],
    ['seq zero', '{"client":"c","seq":0,"op":{"kind":"get","key":"k"}}'],
    ['fractional seq', '{"client":"c","seq":1.5,"op":{"kind":"get","key":"k"}}'],
    ['no op', '{"client":"c","seq":1}'],
    ['unknown kind', '{"client":"c","seq":1,"op":{"kind":"delete","key":"k"}}'],
    ['put without value', '{"client":"c","seq":1,"op":{"kind":"put","key":"k"}}'],
    ['numeric key', '{"client":"c","seq":1,"op":{"kind":"get","key":1}}'],
    ['cas with missing expected', '{"client":"c","seq":1,"op":{"kind":"cas","key":"k","value":"v"}}'],
  ])('%s', (_what, data) => {
    expect(() => decodeCommand(data)).toThrow(KvDecodeError);
  });

  it('random strings either decode to a well-formed command or throw KvDecodeError, nothing else', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (data) => {
      try {
        const c = decodeCommand(data);
        expect(typeof c.client).toBe('string');
      } catch (e) {
        expect(e).toBeInstanceOf(KvDecodeError);
      }
    }), { seed: 3, numRuns: 500 });
  });

  it('round-trips encodeCommand', () => {
    const c: KvCommand = { client: 'c', seq: 3, op: { kind: 'cas', key: 'k', expected: null, value: 'v' } };
    expect(decodeCommand(encodeCommand(c))).toEqual(c);
  });
});

describe('replicas applying the same entry object', () => {
  it('parse it once and agree; a bad entry fails for every replica', () => {
    const shared = entry({ client: 'c', seq: 1, op: { kind: 'put', key: 'k', value: 'a' } });
    const bad: ApplyEntry = { index: 2, entry: { term: 1, type: 'Normal', data: '{"client":"c"}' } };
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const replicas = [new KvStateMachine(), new KvStateMachine(), new KvStateMachine()];
      const results = replicas.map((kv) => kv.apply(shared));
      expect(parse).toHaveBeenCalledTimes(1);
      expect(results.map((r) => r?.result)).toEqual([{ kind: 'ok' }, { kind: 'ok' }, { kind: 'ok' }]);
      expect(replicas.map((kv) => kv.read('k'))).toEqual(['a', 'a', 'a']);
      // Shared between replicas, so nobody may change it under the others.
      expect(Object.isFrozen(results[0]?.command)).toBe(true);
      expect(Object.isFrozen(results[0]?.command.op)).toBe(true);
      for (const kv of replicas) expect(() => kv.apply(bad)).toThrow(KvDecodeError);
      expect(parse).toHaveBeenCalledTimes(4);
    } finally {
      parse.mockRestore();
    }
  });
});
