import { EMPTY_HELD, heldAt, heldCount, heldDrop, heldMessages, heldOldest, heldPush, heldReleasable, type HeldMessage, type HeldQueue } from './held-queue';
import { deepFreeze, TestCluster } from './testing/cluster';
import type { Message } from './types';

/** What a PersistAck of `seq` does to the queue. */
function heldRelease(q: HeldQueue, seq: number): { released: HeldMessage[]; rest: HeldQueue } {
  const count = heldReleasable(q, seq);
  return { released: heldOldest(q, count), rest: heldDrop(q, count) };
}

const msg = (k: number): Message => ({ type: 'TimeoutNowRequest', cluster: 'c', from: 'n1', to: `n${k}`, term: 1 });

function queueOf(seqs: readonly number[]): HeldQueue {
  let q = EMPTY_HELD;
  for (const [k, seq] of seqs.entries()) q = heldPush(q, { seq, message: msg(k) });
  return q;
}

describe('held queue: persistent, oldest first, released by sequence number', () => {
  it('releases exactly the prefix whose seq is acknowledged, in order, and keeps the rest', () => {
    const q = queueOf([1, 1, 2, 3, 3, 5]);
    const { released, rest } = heldRelease(q, 3);
    expect(released.map((h) => h.seq)).toEqual([1, 1, 2, 3, 3]);
    expect(released.map((h) => h.message.to)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(heldMessages(rest).map((h) => h.seq)).toEqual([5]);
    expect(heldCount(rest)).toBe(1);
    expect(heldRelease(rest, 4).released).toEqual([]);
    expect(heldRelease(rest, 4).rest).toBe(rest);
    expect(heldRelease(rest, 5).rest).toBe(EMPTY_HELD);
  });

  it('heldAt reads the k-th oldest in place, from a queue whose head has moved and after it is dropped', () => {
    const q = heldDrop(queueOf(Array.from({ length: 70 }, (_, k) => k + 1)), 5);
    const oldest = heldOldest(q, 40);
    expect(Array.from({ length: 40 }, (_, k) => heldAt(q, k))).toEqual(oldest);
    expect(heldAt(q, 0).seq).toBe(6);
    heldDrop(q, 40);
    expect(heldAt(q, 39).seq).toBe(45);
  });

  it('never changes a version it was given (every version is a valid state)', () => {
    const q = deepFreeze(queueOf(Array.from({ length: 100 }, (_, k) => k + 1)));
    const snapshot = JSON.stringify(q);
    const pushed = heldPush(q, { seq: 101, message: msg(0) });
    const { rest } = heldRelease(pushed, 60);
    heldPush(rest, { seq: 102, message: msg(1) });
    expect(JSON.stringify(q)).toBe(snapshot);
    expect(heldMessages(q).map((h) => h.seq)).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
    expect(heldMessages(rest).map((h) => h.seq)).toEqual(Array.from({ length: 41 }, (_, k) => k + 61));
  });

  it('an append shares every full leaf of the queue before it, and releases drop released slots once they are most of it', () => {
    const big = queueOf(Array.from({ length: 4096 }, (_, k) => k + 1));
    const pushed = heldPush(big, { seq: 4097, message: msg(0) });
    // The first 1,024 messages sit under the root's first child, untouched by a push at the end.
    expect(pushed.items.root[0]).toBe(big.items.root[0]);
    const mostly = heldRelease(pushed, 3000).rest;
    expect(mostly.head).toBe(0);
    expect(mostly.items.size).toBe(1097);
    const little = heldRelease(pushed, 10).rest;
    expect(little.head).toBe(10);
    expect(little.items).toBe(pushed.items);
  });
});

describe('a sync window: K proposals wait for one disk sync', () => {
  it("the leader's own acknowledgements released together are handled once, by the latest, and commit everything", () => {
    const cluster = new TestCluster({ size: 1, freeze: true });
    const leader = cluster.electLeader();
    cluster.autoSync = false;
    const first = cluster.state(leader).commitIndex + 1;
    for (let k = 0; k < 50; k++) cluster.propose(leader, `w${k}`);
    expect(heldCount(cluster.state(leader).held)).toBe(50);
    expect(cluster.state(leader).commitIndex).toBe(first - 1);
    const node = cluster.node(leader);
    const ackSeq = node.unsynced[node.unsynced.length - 1].seq;
    cluster.autoSync = true;
    const out = cluster.input(leader, { type: 'PersistAck', seq: ackSeq });
    expect(out.actions.filter((a) => a === 'HandleAppendEntriesResponse')).toHaveLength(1);
    expect(out.apply.map((a) => a.index)).toEqual(Array.from({ length: 50 }, (_, k) => first + k));
    expect(cluster.state(leader).commitIndex).toBe(first + 49);
    expect(heldCount(cluster.state(leader).held)).toBe(0);
  });

  it('a partial sync releases only the acknowledgements it covers', () => {
    const cluster = new TestCluster({ size: 1, freeze: true });
    const leader = cluster.electLeader();
    cluster.autoSync = false;
    const first = cluster.state(leader).commitIndex + 1;
    for (let k = 0; k < 10; k++) cluster.propose(leader, `w${k}`);
    const fourth = cluster.node(leader).unsynced[3].seq;
    cluster.input(leader, { type: 'PersistAck', seq: fourth });
    expect(cluster.state(leader).commitIndex).toBe(first + 3);
    expect(heldCount(cluster.state(leader).held)).toBe(6);
  });
});
