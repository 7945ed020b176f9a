// Copies of small read-only arrays at exactly their final length. A spread (`[...list, item]`)
// or concat reserves room for more, which lists copied on every change (a follower's in-flight
// appends, a persistent vector's tail) pay for on every copy; concat also checks each argument for
// Symbol.isConcatSpreadable, which made it the most expensive line of an unbatched append.

/** `list` followed by `item`, in a new array of exactly that length. */
export function withAppended<T>(list: readonly T[], item: T): T[] {
  const out = new Array<T>(list.length + 1);
  for (let k = 0; k < list.length; k++) out[k] = list[k];
  out[list.length] = item;
  return out;
}

/** `a` followed by `b`, in a new array of exactly their combined length. */
export function joined<T>(a: readonly T[], b: readonly T[]): T[] {
  const out = new Array<T>(a.length + b.length);
  for (let k = 0; k < a.length; k++) out[k] = a[k];
  for (let k = 0; k < b.length; k++) out[a.length + k] = b[k];
  return out;
}

/** The one empty list core's read-only lists share when empty (frozen: nobody may fill it). */
export const EMPTY_LIST: readonly never[] = Object.freeze([]);

/**
 * `list` without its first `count` items: the shared empty list when none remain (a follower's
 * in-flight list, emptied by nearly every answer of an unpipelined stream), else a slice.
 */
export function withoutFirst<T>(list: readonly T[], count: number): readonly T[] {
  return count >= list.length ? EMPTY_LIST : list.slice(count);
}
