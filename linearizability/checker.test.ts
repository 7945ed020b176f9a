import { checkLinearizability, CheckOptionsError, type LinearizabilityResult } from './check';
import type { HistoryOp } from './history';
import { kvModel, type RegisterState } from './kv-model';
import { generateLinearizableHistory } from './synthetic-history';
import { append, cas, done, get, notSwapped, ok, put, saw, swapped, timedOut } from './test-support/history-builder';

function verdictOf(history: HistoryOp[]): string {
  return checkLinearizability(history).verdict;
}

/** Problems with a witness: an illegal step, a missing known op, or a pair in the wrong real-time order. */
function witnessProblems(history: HistoryOp[], result: LinearizabilityResult): string[] {
  const problems: string[] = [];
  const byId = new Map(history.map((h) => [h.id, h]));
  for (const r of result.perKey.values()) {
    let state: RegisterState = null;
    for (const id of r.longestPrefix) {
      const h = byId.get(id)!;
      const next = kvModel.step(state, h.op, h.completeMs === null ? undefined : h.result!);
      if (next === undefined) problems.push(`op ${id} is illegal in state ${state}`);
      else state = next;
    }
    const placed = new Set(r.longestPrefix);
    for (const h of history) if (h.op.key === r.key && h.completeMs !== null && !placed.has(h.id)) problems.push(`op ${h.id} missing`);
    const sequence = r.longestPrefix.map((id) => byId.get(id)!);
    sequence.forEach((earlier, i) => {
      for (const later of sequence.slice(i + 1)) {
        if (later.completeMs !== null && later.completeMs < earlier.invokeMs) problems.push(`op ${later.id} must precede op ${earlier.id}`);
      }
    });
  }
  return problems;
}

function expectValidWitness(history: HistoryOp[], result: LinearizabilityResult): void {
  expect(witnessProblems(history, result)).toEqual([]);
}

describe('linearisable histories', () => {
  it('accepts a sequential history and returns it as the witness', () => {
    const h = [done(1, 'a', 0, 1, put('x', '1'), ok), done(2, 'b', 2, 3, get('x'), saw('1')), done(3, 'a', 4, 5, get('y'), saw(null))];
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('ok');
    expect(r.perKey.get('x')!.longestPrefix).toEqual([1, 2]);
    expectValidWitness(h, r);
  });

  it('lets a read concurrent with a write see either value', () => {
    const base = [done(1, 'a', 0, 1, put('x', '1'), ok), done(2, 'a', 2, 6, put('x', '2'), ok)];
    expect(verdictOf([...base, done(3, 'b', 3, 5, get('x'), saw('1'))])).toBe('ok');
    expect(verdictOf([...base, done(3, 'b', 3, 5, get('x'), saw('2'))])).toBe('ok');
  });

  it('orders a read that completes before a write is invoked, even when the write is listed first', () => {
    const h = [done(2, 'a', 5, 6, put('x', '2'), ok), done(1, 'b', 0, 1, get('x'), saw(null))];
    expect(verdictOf(h)).toBe('ok');
  });

  it('treats ops that touch at one instant as concurrent', () => {
    const h = [done(1, 'a', 0, 1, put('x', '1'), ok), done(2, 'b', 1, 2, get('x'), saw(null))];
    expect(verdictOf(h)).toBe('ok');
  });

  it('accepts concurrent appends seen in either order', () => {
    const appends = [done(1, 'a', 0, 3, append('x', 'a'), ok), done(2, 'b', 1, 4, append('x', 'b'), ok)];
    expect(verdictOf([...appends, done(3, 'c', 5, 6, get('x'), saw('ba'))])).toBe('ok');
    expect(verdictOf([...appends, done(3, 'c', 5, 6, get('x'), saw('ab'))])).toBe('ok');
  });

  it('accepts a failed cas explained by a concurrent write', () => {
    const h = [
      done(1, 'a', 0, 1, put('x', 'a'), ok),
      done(2, 'b', 2, 5, put('x', 'z'), ok),
      done(3, 'c', 3, 4, cas('x', 'a', 'b'), notSwapped),
    ];
    expect(verdictOf(h)).toBe('ok');
  });

  it('checks a generated history and returns a valid witness for every key', () => {
    const h = generateLinearizableHistory({ seed: 7, ops: 3000, clients: 8, keys: 12, unknownRate: 0.03 });
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('ok');
    expectValidWitness(h, r);
    // The witness check itself must be able to fail: a reversed witness breaks real-time order.
    const key = [...r.perKey.values()].find((k) => k.longestPrefix.length > 10)!;
    key.longestPrefix.reverse();
    expect(witnessProblems(h, r).length).toBeGreaterThan(0);
  });

  it('finds a violation planted in a generated history (a read answered from a stale value)', () => {
    const h = generateLinearizableHistory({ seed: 8, ops: 2000, clients: 8, keys: 5, unknownRate: 0.02 });
    // Find a completed put followed, strictly later, by a completed get of the same key, and make
    // the get return a value that was overwritten before it was invoked.
    const victim = h.find((g, i) =>
      g.op.kind === 'get' && g.result !== null && i > 200 && g.result.kind === 'value' && g.result.value !== 'stale-planted',
    )!;
    victim.result = { kind: 'value', value: 'stale-planted' };
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('violation');
    expect(r.violatingKeys).toEqual([victim.op.key]);
  });
});

describe('non-linearisable histories', () => {
  it('rejects a stale read and reports the prefix and the op that could not be placed', () => {
    const h = [done(1, 'a', 0, 1, put('x', '1'), ok), done(2, 'a', 2, 3, put('x', '2'), ok), done(3, 'b', 4, 5, get('x'), saw('1'))];
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('violation');
    expect(r.violatingKeys).toEqual(['x']);
    expect(r.perKey.get('x')).toMatchObject({ verdict: 'violation', longestPrefix: [1, 2], failedOp: 3 });
  });

  it('rejects a read of a value nobody wrote', () => {
    expect(verdictOf([done(1, 'a', 0, 1, get('x'), saw('ghost'))])).toBe('violation');
  });

  it('rejects a lost write', () => {
    const h = [done(1, 'a', 0, 1, append('x', 'a'), ok), done(2, 'b', 2, 3, append('x', 'b'), ok), done(3, 'c', 4, 5, get('x'), saw('b'))];
    expect(verdictOf(h)).toBe('violation');
  });

  it('rejects appends observed out of real-time order', () => {
    const h = [done(1, 'a', 0, 1, append('x', 'a'), ok), done(2, 'b', 2, 3, append('x', 'b'), ok), done(3, 'c', 4, 5, get('x'), saw('ba'))];
    expect(verdictOf(h)).toBe('violation');
  });

  it('rejects reads that go back in time', () => {
    const h = [
      done(1, 'a', 0, 10, put('x', '1'), ok),
      done(2, 'b', 1, 2, get('x'), saw('1')),
      done(3, 'c', 3, 4, get('x'), saw(null)),
    ];
    expect(verdictOf(h)).toBe('violation');
  });

  it('rejects two concurrent create-if-absent cas that both succeed', () => {
    const h = [done(1, 'a', 0, 3, cas('x', null, 'a'), swapped), done(2, 'b', 1, 4, cas('x', null, 'b'), swapped)];
    expect(verdictOf(h)).toBe('violation');
  });

  it('rejects a cas that succeeds against the wrong value', () => {
    expect(verdictOf([done(1, 'a', 0, 1, put('x', 'a'), ok), done(2, 'a', 2, 3, cas('x', 'z', 'b'), swapped)])).toBe('violation');
  });

  it('rejects a cas that fails when nothing could have changed the value', () => {
    expect(verdictOf([done(1, 'a', 0, 1, put('x', 'a'), ok), done(2, 'a', 2, 3, cas('x', 'a', 'b'), notSwapped)])).toBe('violation');
  });

  it('rejects a successful cas whose effect a later read does not see', () => {
    const h = [done(1, 'a', 0, 1, put('x', 'a'), ok), done(2, 'a', 2, 3, cas('x', 'a', 'b'), swapped), done(3, 'b', 4, 5, get('x'), saw('a'))];
    expect(verdictOf(h)).toBe('violation');
  });

  it('reports only the broken key of a multi-key history', () => {
    const h = [
      done(1, 'a', 0, 1, put('x', '1'), ok),
      done(2, 'a', 2, 3, put('y', '1'), ok),
      done(3, 'b', 4, 5, get('x'), saw('1')),
      done(4, 'b', 6, 7, get('y'), saw('2')),
    ];
    const r = checkLinearizability(h, { stopAtFirstViolation: false });
    expect(r.verdict).toBe('violation');
    expect(r.violatingKeys).toEqual(['y']);
    expect(r.perKey.get('x')!.verdict).toBe('ok');
  });

  it('stops at the first violating partition by default, and checks every partition on request', () => {
    const h = [done(1, 'a', 0, 1, get('a'), saw('1')), done(2, 'a', 0, 1, get('b'), saw('1'))];
    const r = checkLinearizability(h);
    expect(r.perKey.get('a')!.verdict).toBe('violation');
    expect(r.perKey.get('b')).toMatchObject({ verdict: 'unknown', exhausted: 'not-checked' });
    expect(r.violatingKeys).toEqual(['a']);
    expect(checkLinearizability(h, { stopAtFirstViolation: false }).violatingKeys).toEqual(['a', 'b']);
  });
});

describe('operations with unknown outcome', () => {
  it('assumes a timed-out write took effect when a later read saw it', () => {
    expect(verdictOf([timedOut(1, 'a', 0, put('x', 'a')), done(2, 'b', 5, 6, get('x'), saw('a'))])).toBe('ok');
  });

  it('lets a timed-out write never take effect', () => {
    expect(verdictOf([timedOut(1, 'a', 0, put('x', 'a')), done(2, 'b', 5, 6, get('x'), saw(null))])).toBe('ok');
  });

  it('lets a timed-out write take effect long after its client gave up', () => {
    const h = [
      timedOut(1, 'a', 0, put('x', 'late')),
      done(2, 'b', 1, 2, put('x', 'b'), ok),
      done(3, 'c', 3, 4, get('x'), saw('b')),
      done(4, 'c', 50, 51, get('x'), saw('late')),
    ];
    expect(verdictOf(h)).toBe('ok');
  });

  it('does not let a timed-out write take effect before it was invoked', () => {
    expect(verdictOf([done(1, 'b', 0, 5, get('x'), saw('a')), timedOut(2, 'a', 10, put('x', 'a'))])).toBe('violation');
  });

  it('does not let a timed-out write take effect twice', () => {
    expect(verdictOf([timedOut(1, 'a', 0, append('x', 'z')), done(2, 'b', 5, 6, get('x'), saw('zz'))])).toBe('violation');
  });

  it('does not let a timed-out write be undone', () => {
    const h = [timedOut(1, 'a', 0, put('x', 'a')), done(2, 'b', 5, 6, get('x'), saw('a')), done(3, 'b', 7, 8, get('x'), saw(null))];
    expect(verdictOf(h)).toBe('violation');
  });

  it('applies a timed-out cas only when its expectation holds', () => {
    expect(verdictOf([timedOut(1, 'a', 0, cas('x', null, 'a')), done(2, 'b', 5, 6, get('x'), saw('a'))])).toBe('ok');
    expect(verdictOf([timedOut(1, 'a', 0, cas('x', 'q', 'a')), done(2, 'b', 5, 6, get('x'), saw('a'))])).toBe('violation');
  });

  it('needs two timed-out writes in the right order when a read saw both', () => {
    const h = [timedOut(1, 'a', 0, append('x', '1')), timedOut(2, 'b', 0, append('x', '2')), done(3, 'c', 5, 6, get('x'), saw('21'))];
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('ok');
    expect(r.perKey.get('x')!.longestPrefix).toEqual([2, 1, 3]);
  });

  it('drops timed-out reads, which constrain nothing', () => {
    const r = checkLinearizability([timedOut(1, 'a', 0, get('x')), done(2, 'b', 1, 2, get('x'), saw(null))]);
    expect(r.verdict).toBe('ok');
    expect(r.droppedOps).toEqual([1]);
  });
});

describe('budget', () => {
  const hard = [done(1, 'a', 0, 1, put('x', '1'), ok), done(2, 'a', 2, 3, put('x', '2'), ok), done(3, 'b', 4, 5, get('x'), saw('1'))];

  it("answers 'unknown' instead of guessing when the step budget runs out", () => {
    const r = checkLinearizability(hard, { maxSearchSteps: 2 });
    expect(r.verdict).toBe('unknown');
    expect(r.perKey.get('x')).toMatchObject({ verdict: 'unknown', exhausted: 'steps', searchSteps: 2 });
  });

  it('reaches the real verdict with a large enough budget', () => {
    expect(checkLinearizability(hard, { maxSearchSteps: 100 }).verdict).toBe('violation');
  });

  it("answers 'unknown' for keys left when an injected clock passes the deadline", () => {
    let t = 0;
    const now = (): number => (t += 1000);
    const r = checkLinearizability(hard, { timeLimitMs: 10, now });
    expect(r.verdict).toBe('unknown');
    expect(r.perKey.get('x')!.exhausted).toBe('deadline');
  });

  it('rejects a time limit without a clock', () => {
    expect(() => checkLinearizability(hard, { timeLimitMs: 10 })).toThrow(CheckOptionsError);
  });

  it('rejects a negative step budget', () => {
    expect(() => checkLinearizability(hard, { maxSearchSteps: -1 })).toThrow(expect.objectContaining({ code: 'bad-max-search-steps' }));
  });
});
