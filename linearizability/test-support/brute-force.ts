import type { HistoryOp, KvOp, KvResult } from '../history';

/**
 * A deliberately naive oracle for tiny histories: tries every order of the
 * whole (multi-key) history that respects real time, with each
 * unknown-outcome op either placed somewhere after its invocation or left
 * out, and simulates a whole store. It shares no code with the checker (no
 * partitioning, no event list, no cache), so agreement between the two means
 * something.
 */
export function bruteForceLinearizable(history: readonly HistoryOp[]): boolean {
  const ops = history.filter((h) => !(h.op.kind === 'get' && h.completeMs === null));
  const n = ops.length;
  // mustPrecede[j] lists the ops that returned strictly before j was invoked.
  const mustPrecede = ops.map((b) => ops.map((a, i) => (a.completeMs !== null && a.completeMs < b.invokeMs ? i : -1)).filter((i) => i >= 0));
  const placed = new Array<boolean>(n).fill(false);
  const store = new Map<string, string>();
  const knownTotal = ops.filter((o) => o.completeMs !== null).length;

  const apply = (op: KvOp, result: KvResult | null): { ok: boolean; undo: () => void } => {
    const before = store.get(op.key);
    const current = before ?? null;
    const restore = (): void => {
      if (before === undefined) store.delete(op.key);
      else store.set(op.key, before);
    };
    switch (op.kind) {
      case 'get':
        return { ok: result === null || (result.kind === 'value' && result.value === current), undo: restore };
      case 'put':
        store.set(op.key, op.value);
        return { ok: true, undo: restore };
      case 'append':
        store.set(op.key, (current ?? '') + op.value);
        return { ok: true, undo: restore };
      case 'cas': {
        const swapped = current === op.expected;
        if (result !== null && (result.kind !== 'cas' || result.ok !== swapped)) return { ok: false, undo: restore };
        if (swapped) store.set(op.key, op.value);
        return { ok: true, undo: restore };
      }
    }
  };

  const search = (knownPlaced: number): boolean => {
    if (knownPlaced === knownTotal) return true;
    for (let j = 0; j < n; j++) {
      if (placed[j] || mustPrecede[j].some((i) => !placed[i])) continue;
      const { ok, undo } = apply(ops[j].op, ops[j].result);
      if (ok) {
        placed[j] = true;
        const found = search(knownPlaced + (ops[j].completeMs !== null ? 1 : 0));
        placed[j] = false;
        if (found) {
          undo();
          return true;
        }
      }
      undo();
    }
    return false;
  };
  return search(0);
}
