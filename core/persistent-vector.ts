// An immutable vector with structural sharing (a 32-way trie plus a tail buffer, as in Clojure's
// PersistentVector). Raft states are kept and forked by the simulator, so an append must not copy
// the whole log: push copies at most one 32-slot tail and, every 32 pushes, one root-to-leaf path.

import { joined, withAppended } from './arrays';

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

type Node = readonly unknown[];

export interface PersistentVector<T> {
  readonly size: number;
  /** Height of the trie in bits: a leaf sits `shift / BITS` levels below the root. */
  readonly shift: number;
  readonly root: Node;
  readonly tail: readonly T[];
}

const EMPTY_ROOT: Node = Object.freeze([]);
const EMPTY: PersistentVector<never> = Object.freeze({ size: 0, shift: BITS, root: EMPTY_ROOT, tail: Object.freeze([]) });

export function emptyVector<T>(): PersistentVector<T> {
  return EMPTY;
}

function tailOffset(v: PersistentVector<unknown>): number {
  return v.size < WIDTH ? 0 : ((v.size - 1) >>> BITS) << BITS;
}

function leafFor<T>(v: PersistentVector<T>, i: number): readonly T[] {
  if (i >= tailOffset(v)) return v.tail;
  let node = v.root;
  for (let level = v.shift; level > 0; level -= BITS) node = node[(i >>> level) & MASK] as Node;
  return node as readonly T[];
}

export function vectorGet<T>(v: PersistentVector<T>, i: number): T {
  if (i < 0 || i >= v.size || !Number.isInteger(i)) throw new RangeError(`vector index ${i} outside [0, ${v.size})`);
  return leafFor(v, i)[i & MASK] as T;
}

function newPath(level: number, leaf: Node): Node {
  return level === 0 ? leaf : [newPath(level - BITS, leaf)];
}

function pushLeaf(size: number, level: number, parent: Node, leaf: Node): Node {
  const childIndex = ((size - 1) >>> level) & MASK;
  const copy = parent.slice();
  if (level === BITS) {
    copy[childIndex] = leaf;
  } else {
    const child = parent[childIndex] as Node | undefined;
    copy[childIndex] = child ? pushLeaf(size, level - BITS, child, leaf) : newPath(level - BITS, leaf);
  }
  return copy;
}

/** Moves a full tail into the trie; `size` counts every element so far, that tail included. */
function withTailInTrie<T>(v: PersistentVector<T>, fullTail: readonly T[], size: number): { root: Node; shift: number } {
  if (size >>> BITS > 1 << v.shift) {
    return { root: [v.root, newPath(v.shift, fullTail)], shift: v.shift + BITS };
  }
  return { root: pushLeaf(size, v.shift, v.root, fullTail), shift: v.shift };
}

export function vectorPushAll<T>(v: PersistentVector<T>, items: readonly T[]): PersistentVector<T> {
  if (items.length === 0) return v;
  // The common case, items that fit in the tail: one copy at its final size (a spread or pushes
  // would reserve room for more). A loop, not concat: concat's generic path (it checks every
  // argument for Symbol.isConcatSpreadable) was the most expensive line of an unbatched append.
  if (v.tail.length + items.length <= WIDTH) return { size: v.size + items.length, shift: v.shift, root: v.root, tail: joined(v.tail, items) };
  let size = v.size;
  let shift = v.shift;
  let root = v.root;
  let tail: T[] = [...v.tail];
  for (let k = 0; k < items.length; k++) {
    if (tail.length === WIDTH) {
      const pushed = withTailInTrie({ size, shift, root, tail }, tail, size);
      root = pushed.root;
      shift = pushed.shift;
      tail = [];
    }
    tail.push(items[k]);
    size++;
  }
  return { size, shift, root, tail };
}

export function vectorPush<T>(v: PersistentVector<T>, item: T): PersistentVector<T> {
  // The common case, a tail with room: one copy of at most 31 slots, no batch array, at its final
  // size (a spread reserves room for more). Not slice + push: slice keeps a frozen array's element
  // kind, and pushing onto that copy is several times slower (the empty vector's tail is frozen,
  // and callers may freeze states).
  if (v.tail.length < WIDTH) return { size: v.size + 1, shift: v.shift, root: v.root, tail: withAppended(v.tail, item) };
  return vectorPushAll(v, [item]);
}

/** The first `count` elements: structural sharing of every leaf before the cut. */
export function vectorTake<T>(v: PersistentVector<T>, count: number): PersistentVector<T> {
  if (count >= v.size) return v;
  if (count <= 0) return EMPTY;
  const offset = tailOffset(v);
  if (count > offset) return { size: count, shift: v.shift, root: v.root, tail: v.tail.slice(0, count - offset) };
  // The new tail is (part of) the leaf holding index count-1; the trie keeps only full leaves before it.
  const newTailStart = ((count - 1) >>> BITS) << BITS;
  const tail = leafFor(v, count - 1).slice(0, count - newTailStart);
  let root = trimTrie(v.root, v.shift, newTailStart);
  let shift = v.shift;
  while (shift > BITS && root.length === 1) {
    root = root[0] as Node;
    shift -= BITS;
  }
  if (newTailStart === 0) return { size: count, shift: BITS, root: EMPTY_ROOT, tail };
  return { size: count, shift, root, tail };
}

function trimTrie(node: Node, level: number, keep: number): Node {
  if (keep === 0) return EMPTY_ROOT;
  const perChild = 1 << level;
  const children = Math.ceil(keep / perChild);
  const copy = node.slice(0, children);
  if (level > BITS) {
    const lastKeep = keep - (children - 1) * perChild;
    copy[children - 1] = trimTrie(node[children - 1] as Node, level - BITS, lastKeep);
  }
  return copy;
}

/** Copies elements [from, to) into a fresh array, leaf by leaf. */
export function vectorSlice<T>(v: PersistentVector<T>, from: number, to: number): T[] {
  const end = Math.min(to, v.size);
  let i = Math.max(0, from);
  // Within one leaf (a few entries near the end, the usual request): one copy at its final size.
  // One element (an unbatched append, one applied entry) by a literal: slice's call costs more.
  if (end - i === 1) return [leafFor(v, i)[i & MASK] as T];
  if (i < end && i >>> BITS === (end - 1) >>> BITS) return leafFor(v, i).slice(i & MASK, (i & MASK) + end - i) as T[];
  const out: T[] = [];
  while (i < end) {
    const leaf = leafFor(v, i);
    const leafEnd = Math.min(end, (i | MASK) + 1);
    for (let j = i & MASK; i < leafEnd; i++, j++) out.push(leaf[j] as T);
  }
  return out;
}

export function vectorFromArray<T>(items: readonly T[]): PersistentVector<T> {
  return vectorPushAll(EMPTY as PersistentVector<T>, items);
}
