import fc from 'fast-check';
import type { HistoryOp, KvOp, KvResult } from '../history';

/**
 * Tiny multi-key histories for cross-checking the checker against the
 * brute-force oracle, built to sit near the boundary between linearisable
 * and not, where a wrong shortcut shows:
 *
 * 1. A store applies each op atomically at a random point of its interval,
 *    so the history starts out linearisable. Values come from a domain of two
 *    (rarely three), so the same value is written again and again, often by
 *    concurrent writes; most ops go to one key, so they overlap; reads often
 *    find a key absent; `cas` expects absent or a domain value, so it both
 *    swaps and fails; some ops time out or crash (outcome unknown), and some
 *    of those still take effect.
 * 2. Then, usually, one mutation is applied to the finished history, the way
 *    a buggy store or a flipped bit would: a result changed, a written value
 *    changed, an interval moved, an op dropped, an outcome forgotten. Single
 *    mutations of linearisable histories are where both verdicts are common
 *    and where a checker's unsound pruning gets caught.
 */

type Kind = KvOp['kind'];
type Fate = 'done' | 'timed-out-applied' | 'timed-out-lost';

interface OpSpec {
  kind: Kind;
  key: string;
  value: string;
  expected: string | null;
  invoke: number;
  duration: number;
  /** Where in the op's interval the store applies it (timed-out ops: anywhere in a long tail). */
  point: number;
  fate: Fate;
}

type Mutation =
  | { kind: 'none' }
  | { kind: 'result'; target: number; pick: number }
  | { kind: 'written-value'; target: number; pick: number }
  | { kind: 'move'; target: number; invokeShift: number; durationShift: number }
  | { kind: 'drop'; target: number }
  | { kind: 'forget-outcome'; target: number };

const VALUES = ['1', '1', '1', '2', '2', '2', '3'];

const opSpec: fc.Arbitrary<OpSpec> = fc.record({
  kind: fc.constantFrom<Kind>('put', 'put', 'put', 'put', 'put', 'get', 'get', 'get', 'cas', 'cas', 'append'),
  key: fc.constantFrom('x', 'x', 'x', 'x', 'x', 'y'),
  value: fc.constantFrom(...VALUES),
  expected: fc.constantFrom<string | null>(null, '1', '2', '2'),
  invoke: fc.integer({ min: 0, max: 10 }),
  duration: fc.integer({ min: 0, max: 4 }),
  point: fc.double({ min: 0, max: 1, noNaN: true }),
  fate: fc.constantFrom<Fate>('done', 'done', 'done', 'done', 'done', 'done', 'timed-out-applied', 'timed-out-lost'),
});

const target = fc.nat({ max: 63 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('result' as const), target, pick: fc.nat({ max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('written-value' as const), target, pick: fc.nat({ max: 4 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      target,
      invokeShift: fc.integer({ min: -3, max: 3 }),
      durationShift: fc.integer({ min: -3, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), target }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget-outcome' as const), target }) },
);

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

/** Runs the specs against a single-copy store, each at its own linearisation point. */
export function buildHistory(specs: readonly OpSpec[]): HistoryOp[] {
  const history: HistoryOp[] = specs.map((s, id) => ({
    id,
    client: `c${id}`,
    op: makeOp(s),
    invokeMs: s.invoke,
    completeMs: s.fate === 'done' ? s.invoke + s.duration : null,
    result: null,
  }));
  const store = new Map<string, string>();
  const order = specs
    .map((s, id) => ({ id, at: s.fate === 'done' ? s.invoke + s.duration * s.point : s.invoke + 15 * s.point }))
    .filter(({ id }) => specs[id].fate !== 'timed-out-lost')
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
    if (specs[id].fate === 'done') history[id].result = result;
  }
  return history;
}

const READ_ALTERNATIVES: (string | null)[] = [null, '1', '2', '3'];

/** Applies one mutation; the history is fresh, so it is changed in place. */
export function mutate(history: HistoryOp[], m: Mutation): HistoryOp[] {
  if (m.kind === 'none' || history.length === 0) return history;
  const observing = history.filter((o) => o.result !== null && o.result.kind !== 'ok');
  const h = m.kind === 'result' && observing.length > 0 ? observing[m.target % observing.length] : history[m.target % history.length];
  switch (m.kind) {
    case 'result': {
      const r = h.result;
      if (r?.kind === 'cas') h.result = { kind: 'cas', ok: !r.ok };
      else if (r?.kind === 'value') {
        const others = READ_ALTERNATIVES.filter((v) => v !== r.value);
        h.result = { kind: 'value', value: others[m.pick % others.length] };
      }
      return history;
    }
    case 'written-value':
      if (h.op.kind !== 'get') h.op = { ...h.op, value: VALUES[m.pick % VALUES.length] };
      return history;
    case 'move': {
      h.invokeMs = Math.max(0, h.invokeMs + m.invokeShift);
      if (h.completeMs !== null) h.completeMs = Math.max(h.invokeMs, h.completeMs + m.invokeShift + m.durationShift);
      return history;
    }
    case 'drop':
      return history.filter((o) => o !== h);
    case 'forget-outcome':
      h.completeMs = null;
      h.result = null;
      return history;
  }
}

/** Linearisable-by-construction histories of up to `maxOps` ops, usually with one mutation applied. */
export const tinyHistory = (maxOps: number): fc.Arbitrary<HistoryOp[]> =>
  fc
    .tuple(fc.array(opSpec, { minLength: 1, maxLength: maxOps }), fc.array(mutation, { minLength: 1, maxLength: 2 }))
    .map(([specs, mutations]) => mutations.reduce(mutate, buildHistory(specs)));
