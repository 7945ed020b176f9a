import { HashedBitset, mix32 } from './bitset';

const EMPTY = -1;

/**
 * Remembers every search node reached: the set of linearised known-outcome
 * ops K, the set of applied unknown-outcome ops U, and the model state s.
 * The search prunes a node (K, U, s) when it has already reached some
 * (K, U', s) with U' ⊆ U: a node is only reached again after its first visit
 * failed, and applying more optional ops can only remove options, so the
 * new node would fail too. With U' = U this is Lowe's memoisation; allowing
 * U' ⊊ U stops the search from re-exploring, once per dead unknown write,
 * everything that follows it.
 *
 * The search inserts one pair per step, so the table avoids per-entry
 * objects: states arrive interned to small integers (StateTable), bitset spans are copied
 * into one growing arena, and entries live in parallel typed arrays behind
 * an open-addressing index keyed by the bitset's Zobrist hash mixed with
 * the state id. Hash collisions are resolved by comparing the sets exactly.
 */
export class VisitedCache {
  private count = 0;
  // Per entry: combined hash, state id, first word of K's span, arena offset
  // of K's span, its length; U's words follow K's span in the arena.
  private entryHash = new Int32Array(64);
  private entryState = new Int32Array(64);
  private entrySpanStart = new Int32Array(64);
  private entryOffset = new Int32Array(64);
  private entryLength = new Int32Array(64);
  private arena: Uint32Array<ArrayBuffer> = new Uint32Array(256);
  private arenaUsed = 0;
  /** Open-addressing index: entry number per slot, or EMPTY. Kept at most half full. */
  private slots = new Int32Array(128).fill(EMPTY);

  /** `unknownWords`: length of the U bitsets that will be passed in. */
  constructor(private readonly unknownWords: number) {}

  get size(): number {
    return this.count;
  }

  /** True if entry e has the same K and state, and a U that is a subset of `applied`. */
  private subsumes(e: number, hash: number, stateId: number, set: HashedBitset, applied: Uint32Array): boolean {
    if (this.entryHash[e] !== hash || this.entryState[e] !== stateId) return false;
    const start = this.entrySpanStart[e];
    const length = this.entryLength[e];
    if (start !== set.spanStart || length !== set.spanEnd - start) return false;
    const words = set.words;
    const arena = this.arena;
    const offset = this.entryOffset[e];
    for (let k = 0; k < length; k++) if (arena[offset + k] !== words[start + k]) return false;
    const uOffset = offset + length;
    for (let k = 0; k < this.unknownWords; k++) if ((arena[uOffset + k] & ~applied[k]) !== 0) return false;
    return true;
  }

  /** Records the node and returns true unless an already recorded node subsumes it. */
  addIfNew(linearised: HashedBitset, applied: Uint32Array, stateId: number): boolean {
    const hash = linearised.hash ^ mix32(stateId + 0x1b873593);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let e = this.slots[slot]; e !== EMPTY; e = this.slots[slot]) {
      if (this.subsumes(e, hash, stateId, linearised, applied)) return false;
      slot = (slot + 1) & mask;
    }
    this.append(hash, stateId, linearised, applied);
    this.slots[slot] = this.count - 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private append(hash: number, stateId: number, set: HashedBitset, applied: Uint32Array): void {
    const e = this.count++;
    if (e === this.entryHash.length) {
      const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.entryHash = grow(this.entryHash);
      this.entryState = grow(this.entryState);
      this.entrySpanStart = grow(this.entrySpanStart);
      this.entryOffset = grow(this.entryOffset);
      this.entryLength = grow(this.entryLength);
    }
    const start = set.spanStart;
    const length = set.spanEnd - start;
    const needed = length + this.unknownWords;
    if (this.arenaUsed + needed > this.arena.length) {
      const bigger = new Uint32Array(Math.max(this.arena.length * 2, this.arenaUsed + needed));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    this.arena.set(set.words.subarray(start, start + length), this.arenaUsed);
    this.arena.set(applied, this.arenaUsed + length);
    this.entryHash[e] = hash;
    this.entryState[e] = stateId;
    this.entrySpanStart[e] = start;
    this.entryOffset[e] = this.arenaUsed;
    this.entryLength[e] = length;
    this.arenaUsed += needed;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      let slot = this.entryHash[e] & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = e;
    }
    this.slots = slots;
  }
}
