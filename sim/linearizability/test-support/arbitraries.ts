import fc from 'fast-check';
import type { HistoryOp, KvOp, KvResult } from '../history';

/**
 * Tiny multi-key histories for cross-checking against the brute-force
 * oracle. Results come from simulating a store at random linearisation
 * points, then a share of them are corrupted, so both linearisable and
 * non-linearisable histories are common. Keys, values and times come from
 * small domains so that collisions, ties and overlaps are frequent.
 */
interface OpSpec {
  kind: KvOp['kind'];
  key: string;
  value: string;
  expected: string | null;
  invoke: number;
  duration: number;
  /** Where in [invoke, complete] the store applies it. */
  point: number;
  timedOut: boolean;
  /** For timed-out ops: whether the store applied it anyway. */
  appliedAnyway: boolean;
  corrupt: boolean;
}

const opSpec: fc.Arbitrary<OpSpec> = fc.record({
  kind: fc.constantFrom<KvOp['kind']>('put', 'get', 'cas', 'append', 'get'),
  key: fc.constantFrom('x', 'y'),
  value: fc.constantFrom('a', 'b', 'c'),
  expected: fc.constantFrom<string | null>(null, 'a', 'b', 'ab'),
  invoke: fc.integer({ min: 0, max: 12 }),
  duration: fc.integer({ min: 0, max: 5 }),
  point: fc.double({ min: 0, max: 1, noNaN: true }),
  timedOut: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  appliedAnyway: fc.boolean(),
  corrupt: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
});

function makeOp(s: OpSpec): KvOp {
  switch (s.kind) {
    case 'get':
      return { kind: 'get', key: s.key };
    case 'put':
      return { kind: 'put', key: s.key, value: s.value };
    case 'append':
      return { kind: 'append', key: s.key, value: s.value };
    case 'cas':
      return { kind: 'cas', key: s.key, expected: s.expected, value: s.value };
  }
}

function corrupted(r: KvResult): KvResult {
  if (r.kind === 'cas') return { kind: 'cas', ok: !r.ok };
  if (r.kind === 'value') return { kind: 'value', value: r.value === 'a' ? null : 'a' };
  return r;
}

export function buildHistory(specs: readonly OpSpec[]): HistoryOp[] {
  const history: HistoryOp[] = specs.map((s, id) => ({
    id,
    client: `c${id}`,
    op: makeOp(s),
    invokeMs: s.invoke,
    completeMs: s.timedOut ? null : s.invoke + s.duration,
    result: null,
  }));
  const store = new Map<string, string>();
  const order = specs
    .map((s, id) => ({ id, at: s.timedOut ? s.invoke + 20 * s.point : s.invoke + s.duration * s.point }))
    .filter(({ id }) => !specs[id].timedOut || specs[id].appliedAnyway)
    .sort((a, b) => a.at - b.at || a.id - b.id);
  for (const { id } of order) {
    const op = history[id].op;
    const current = store.get(op.key) ?? null;
    let result: KvResult;
    if (op.kind === 'get') result = { kind: 'value', value: current };
    else if (op.kind === 'cas') {
      const ok = current === op.expected;
      if (ok) store.set(op.key, op.value);
      result = { kind: 'cas', ok };
    } else {
      store.set(op.key, op.kind === 'put' ? op.value : (current ?? '') + op.value);
      result = { kind: 'ok' };
    }
    if (!specs[id].timedOut) history[id].result = specs[id].corrupt ? corrupted(result) : result;
  }
  return history;
}

export const tinyHistory = (maxOps: number): fc.Arbitrary<HistoryOp[]> =>
  fc.array(opSpec, { minLength: 1, maxLength: maxOps }).map(buildHistory);
