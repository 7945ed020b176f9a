import { AleaRng, RandomStreams, RngArgumentError, type Rng } from './streams';

function drawMany(rng: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(rng.next());
  return out;
}

describe('RandomStreams', () => {
  it('replays the same draws for the same seed and name', () => {
    expect(drawMany(new RandomStreams(42).stream('network'), 50)).toEqual(drawMany(new RandomStreams(42).stream('network'), 50));
  });

  it('gives different draws for different seeds and for different names', () => {
    const a = drawMany(new RandomStreams(1).stream('network'), 20);
    expect(drawMany(new RandomStreams(2).stream('network'), 20)).not.toEqual(a);
    expect(drawMany(new RandomStreams(1).stream('faults'), 20)).not.toEqual(a);
  });

  it('returns the same Rng object for the same name', () => {
    const streams = new RandomStreams(7);
    expect(streams.stream('timeouts/n1')).toBe(streams.stream('timeouts/n1'));
    expect(streams.stream('timeouts/n1')).not.toBe(streams.stream('timeouts/n2'));
  });

  it('keeps streams independent: using or adding one stream never shifts another', () => {
    const quiet = new RandomStreams(9);
    const expected = drawMany(quiet.stream('workload'), 30);

    const busy = new RandomStreams(9);
    drawMany(busy.stream('network'), 1000);
    busy.stream('a-new-fault-class').next();
    const interleaved: number[] = [];
    for (let i = 0; i < 30; i++) {
      interleaved.push(busy.stream('workload').next());
      busy.stream('faults').next();
    }
    expect(interleaved).toEqual(expected);
  });

  it('rejects a non-finite seed with a typed error', () => {
    expect(() => new RandomStreams(Number.NaN)).toThrow(RangeError);
  });
});

describe('AleaRng', () => {
  const rng = () => new AleaRng('test');

  it('next() stays in [0, 1) and is not constant', () => {
    const xs = drawMany(rng(), 10_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });

  it('int() covers exactly [lo, hi)', () => {
    const r = rng();
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(r.int(-2, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('chance() honours its extremes and its rate', () => {
    const r = rng();
    let hits = 0;
    let extremesWrong = 0;
    for (let i = 0; i < 10_000; i++) {
      if (r.chance(0) || !r.chance(1)) extremesWrong++;
      if (r.chance(0.3)) hits++;
    }
    expect(extremesWrong).toBe(0);
    expect(Math.abs(hits / 10_000 - 0.3)).toBeLessThan(0.03);
  });

  it('pick() reaches every element', () => {
    const r = rng();
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(r.pick(['a', 'b', 'c']));
    expect(seen.size).toBe(3);
  });

  it('shuffle() returns a permutation in a new array and leaves the input alone', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const r = rng();
    const out = r.shuffle(input);
    expect(out).not.toBe(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort((a, b) => a - b)).toEqual(input);
    const orders = new Set<string>();
    for (let i = 0; i < 50; i++) orders.add(r.shuffle(input).join());
    expect(orders.size).toBeGreaterThan(40);
  });

  it('exponential() has the requested mean and is never negative', () => {
    const r = rng();
    let sum = 0;
    let min = Infinity;
    for (let i = 0; i < 20_000; i++) {
      const x = r.exponential(10);
      min = Math.min(min, x);
      sum += x;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(Math.abs(sum / 20_000 - 10)).toBeLessThan(0.5);
    expect(r.exponential(0)).toBe(0);
  });

  it('between() stays in [lo, hi)', () => {
    const r = rng();
    for (let i = 0; i < 1000; i++) {
      const x = r.between(5, 7.5);
      expect(x).toBeGreaterThanOrEqual(5);
      expect(x).toBeLessThan(7.5);
    }
    expect(r.between(3, 3)).toBe(3);
  });

  it('uint32() gives integers in [0, 2^32) spanning the range', () => {
    const r = rng();
    let max = 0;
    for (let i = 0; i < 1000; i++) {
      const x = r.uint32();
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(2 ** 32);
      max = Math.max(max, x);
    }
    expect(max).toBeGreaterThan(2 ** 31);
  });

  it('rejects impossible draws with a typed error', () => {
    const r = rng();
    expect(() => r.int(3, 3)).toThrow(RngArgumentError);
    expect(() => r.int(0, 2.5)).toThrow(RngArgumentError);
    expect(() => r.pick([])).toThrow(RngArgumentError);
    expect(() => r.exponential(-1)).toThrow(RngArgumentError);
    expect(() => r.between(2, 1)).toThrow(RngArgumentError);
    expect(() => r.between(0, Number.NaN)).toThrow(RngArgumentError);
  });
});
