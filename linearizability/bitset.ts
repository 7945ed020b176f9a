/** A 32-bit avalanche mix; spreads consecutive integers over the whole range. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) | 0;
}

const FULL_WORD = 0xffffffff;

/**
 * A fixed-size bitset that keeps a Zobrist hash (XOR of one random word per
 * member) up to date in O(1) per change, so the search never rehashes the
 * whole set. It also tracks the span of words that are neither all-ones
 * (below) nor all-zeros (above): a snapshot stores only that span, which for
 * a search that linearises operations roughly in order stays short.
 */
export class HashedBitset {
  readonly words: Uint32Array;
  private readonly zobrist: Int32Array;
  private hashValue = 0;
  /** Every word below this index is all ones. */
  private fullBelow = 0;
  /** Every word above this index is zero; -1 when the set is empty. */
  private topNonZero = -1;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.max(1, Math.ceil(size / 32)));
    this.zobrist = new Int32Array(size);
    for (let i = 0; i < size; i++) this.zobrist[i] = mix32(i * 0x9e3779b1 + 0x632be5ab);
  }

  get hash(): number {
    return this.hashValue;
  }

  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  add(i: number): void {
    const w = i >>> 5;
    this.words[w] |= 1 << (i & 31);
    this.hashValue ^= this.zobrist[i];
    if (w > this.topNonZero) this.topNonZero = w;
    while (this.fullBelow < this.words.length && this.words[this.fullBelow] === FULL_WORD) this.fullBelow++;
  }

  delete(i: number): void {
    const w = i >>> 5;
    this.words[w] &= ~(1 << (i & 31));
    this.hashValue ^= this.zobrist[i];
    if (w < this.fullBelow) this.fullBelow = w;
    while (this.topNonZero >= 0 && this.words[this.topNonZero] === 0) this.topNonZero--;
  }

  /** Index of the first word that is not all ones (start of the stored span). */
  get spanStart(): number {
    return this.fullBelow;
  }

  /** One past the last non-zero word (end of the stored span). */
  get spanEnd(): number {
    return Math.max(this.fullBelow, this.topNonZero + 1);
  }
}
