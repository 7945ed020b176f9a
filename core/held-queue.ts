// Responses held until persistence catches up (persist-before-send, see context.ts), oldest first.
//
// A leader taking K proposals before one disk sync holds K acknowledgements of its own, and a
// follower answering K appends holds K answers. Copying the list on every append made such a sync
// window quadratic, so the queue is persistent: appends share structure (a PersistentVector), and a
// release only moves the head past what it hands out. Every version stays valid, as states must.

import type { Message } from './types';
import { emptyVector, vectorFromArray, vectorGet, vectorPush, vectorSlice, type PersistentVector } from './persistent-vector';

export interface HeldMessage {
  /** Released once persistence up to this sequence number is acknowledged. */
  readonly seq: number;
  readonly message: Message;
}

export interface HeldQueue {
  /** Every message not yet compacted away; those before `head` were released already. */
  readonly items: PersistentVector<HeldMessage>;
  readonly head: number;
}

export const EMPTY_HELD: HeldQueue = Object.freeze({ items: emptyVector<HeldMessage>(), head: 0 });

/** Released slots are dropped once they are at least this many and at least half the vector. */
const COMPACT_AT = 32;

export function heldCount(q: HeldQueue): number {
  return q.items.size - q.head;
}

export function heldPush(q: HeldQueue, held: HeldMessage): HeldQueue {
  return { items: vectorPush(q.items, held), head: q.head };
}

/** The messages held, oldest first, as a fresh array (for tools and tests; core never needs it). */
export function heldMessages(q: HeldQueue): HeldMessage[] {
  return vectorSlice(q.items, q.head, q.items.size);
}

/**
 * How many messages, from the oldest, are held for a sequence number up to `seq`: the ones a
 * PersistAck of `seq` releases. Sequence numbers never decrease along the queue, so they form a prefix.
 */
export function heldReleasable(q: HeldQueue, seq: number): number {
  const items = q.items;
  const size = items.size;
  if (size === q.head) return 0;
  // The usual cases first: the acknowledgement covers everything, or nothing.
  if (items.tail[items.tail.length - 1].seq <= seq) return size - q.head;
  if (vectorGet(items, q.head).seq > seq) return 0;
  let end = q.head + 1;
  while (vectorGet(items, end).seq <= seq) end++;
  return end - q.head;
}

/** The `k`-th oldest message held (0 is the oldest): a release reads them in place, with no list. */
export function heldAt(q: HeldQueue, k: number): HeldMessage {
  return vectorGet(q.items, q.head + k);
}

/** The `count` oldest messages, oldest first (a fresh array). */
export function heldOldest(q: HeldQueue, count: number): HeldMessage[] {
  return vectorSlice(q.items, q.head, q.head + count);
}

/** The queue without its `count` oldest messages. */
export function heldDrop(q: HeldQueue, count: number): HeldQueue {
  if (count === 0) return q;
  const end = q.head + count;
  const size = q.items.size;
  if (end >= size) return EMPTY_HELD;
  // Keeping released slots costs memory only; rebuild once they are most of the vector, so that
  // the copy is paid for by the releases that made it necessary.
  if (end >= COMPACT_AT && 2 * end >= size) return { items: vectorFromArray(vectorSlice(q.items, end, size)), head: 0 };
  return { items: q.items, head: end };
}
