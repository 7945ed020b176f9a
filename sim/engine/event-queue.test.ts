import fc from 'fast-check';
import { EventQueue, EventTimeError } from './event-queue';

function drain<T>(q: EventQueue<T>): T[] {
  const out: T[] = [];
  while (q.size > 0) out.push(q.pop()!);
  return out;
}

describe('EventQueue', () => {
  it('pops in time order', () => {
    const q = new EventQueue<string>();
    q.push(30, 'c');
    q.push(10, 'a');
    q.push(20, 'b');
    expect(q.size).toBe(3);
    expect(q.peekTime()).toBe(10);
    expect(drain(q)).toEqual(['a', 'b', 'c']);
  });

  it('pops equal times in insertion order (FIFO ties)', () => {
    const q = new EventQueue<number>();
    for (let i = 0; i < 100; i++) q.push(5, i);
    q.push(4, -1);
    expect(drain(q)).toEqual([-1, ...Array.from({ length: 100 }, (_, i) => i)]);
  });

  it('is empty-safe', () => {
    const q = new EventQueue<number>();
    expect(q.pop()).toBeUndefined();
    expect(q.peekTime()).toBeUndefined();
    expect(q.size).toBe(0);
  });

  it('returns increasing seqs and keeps ordering ties after clear()', () => {
    const q = new EventQueue<string>();
    const s1 = q.push(1, 'x');
    q.clear();
    expect(q.size).toBe(0);
    const s2 = q.push(1, 'y');
    const s3 = q.push(1, 'z');
    expect(s2).toBeGreaterThan(s1);
    expect(s3).toBeGreaterThan(s2);
    expect(drain(q)).toEqual(['y', 'z']);
  });

  it('refuses NaN times with a typed error', () => {
    expect(() => new EventQueue<number>().push(Number.NaN, 1)).toThrow(EventTimeError);
  });

  it('agrees with a stable sort under any interleaving of pushes and pops (property)', () => {
    type Op = { kind: 'push'; time: number } | { kind: 'pop' };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      // Few distinct times, so that ties are common.
      fc.record({ kind: fc.constant('push' as const), time: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const q = new EventQueue<number>();
        // Reference: a list kept sorted by (time, insertion id).
        let reference: { time: number; id: number }[] = [];
        let id = 0;
        for (const op of ops) {
          if (op.kind === 'push') {
            q.push(op.time, id);
            reference.push({ time: op.time, id });
            reference = reference.sort((a, b) => a.time - b.time || a.id - b.id);
            id++;
          } else {
            const expected = reference.shift();
            expect(q.peekTime()).toBe(expected?.time);
            expect(q.pop()).toBe(expected?.id);
          }
          expect(q.size).toBe(reference.length);
        }
        expect(drain(q)).toEqual(reference.map((r) => r.id));
      }),
      { seed: 20240601, numRuns: 200 },
    );
  });

  it('handles fractional and negative times and growth past the initial capacity', () => {
    const q = new EventQueue<number>();
    const times = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) / 3 - 100);
    times.forEach((t, i) => q.push(t, i));
    const popped: number[] = [];
    while (q.size > 0) {
      popped.push(q.peekTime()!);
      q.pop();
    }
    expect(popped).toEqual([...times].sort((a, b) => a - b));
  });
});
