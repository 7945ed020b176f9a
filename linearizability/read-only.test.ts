import { checkLinearizability } from './check';
import { done, get, notSwapped, ok, put, saw } from './test-support/history-builder';

/**
 * Only read-only operations may be moved to the front of a completion. A
 * write of the value the key already holds leaves the state unchanged *now*,
 * but not wherever else it might be linearised, so it is no such operation.
 */
describe('the free-operation shortcut applies to read-only operations only', () => {
  // put x 1 [0,1]; put x 2 [2,4] concurrent with put x 1 [3,5]; get x → 1 [6,7].
  // Linearisable as put 1, put 2, put 1, get.
  const rewriteOfCurrentValue = [
    done(1, 'a', 0, 1, put('x', '1'), ok),
    done(2, 'b', 2, 4, put('x', '2'), ok),
    done(3, 'c', 3, 5, put('x', '1'), ok),
    done(4, 'd', 6, 7, get('x'), saw('1')),
  ];

  it('accepts a write of the current value that must be linearised after a concurrent write', () => {
    const r = checkLinearizability(rewriteOfCurrentValue);
    expect(r.verdict).toBe('ok');
    expect(r.perKey.get('x')!.longestPrefix).toEqual([1, 2, 3, 4]);
  });

  it('still rejects the same history when the read finds the key absent after the writes', () => {
    const h = [...rewriteOfCurrentValue.slice(0, 3), done(4, 'd', 6, 7, get('x'), saw(null))];
    expect(checkLinearizability(h).verdict).toBe('violation');
  });

  it('still treats a failed cas as read-only and rejects a stale read behind it', () => {
    const h = [
      done(1, 'a', 0, 1, put('x', '1'), ok),
      done(2, 'b', 2, 3, put('x', '2'), ok),
      done(3, 'c', 4, 5, { kind: 'cas', key: 'x', expected: '1', value: '3' }, notSwapped),
      done(4, 'd', 6, 7, get('x'), saw('1')),
    ];
    expect(checkLinearizability(h).verdict).toBe('violation');
  });
});
