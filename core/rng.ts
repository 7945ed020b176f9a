// A tiny seeded generator whose whole state is one 32-bit number, so that it can live inside
// RaftState and a node is reproducible from (config, seed, inputs). mulberry32: fast, and good
// enough for drawing election timeouts; nothing here needs cryptographic quality.

export type RngState = number;

export function seedRng(seed: number): RngState {
  // Mix the seed once so that nearby seeds (1, 2, 3...) do not start in nearby states.
  let x = (seed ^ 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** Returns a uniform integer in [lo, hi) and the generator's next state. */
export function nextInt(state: RngState, lo: number, hi: number): [number, RngState] {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  return [lo + Math.floor(u * (hi - lo)), next];
}
