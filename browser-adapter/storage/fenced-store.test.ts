import type { PersistRecord } from '../../core';
import type { KeyValueStore } from './key-value-store';
import { MemoryStore } from './memory-store';
import { FencedOut, FencedStore, ownerKey } from './fenced-store';
import { RaftStorage } from './raft-storage';
import { keyPrefix } from './layout';

const PREFIX = keyPrefix('c', 'n1');
const vote = (seq: number, term: number, votedFor: string): PersistRecord => ({ seq, term, votedFor });
const entries = (seq: number, from: number, n: number, term: number): PersistRecord => ({
  seq, appendFrom: from, entries: Array.from({ length: n }, (_, i) => ({ term, type: 'Normal' as const, data: `e${from + i}` })),
});

function caught(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('FencedStore', () => {
  it('a second claim fences the first out of every write, and the store keeps what the second wrote', () => {
    const shared = new MemoryStore();
    const a = FencedStore.claim(shared, PREFIX, 'taba');
    a.setItem(`${PREFIX}x`, 'from a');
    expect([a.epoch, a.token, shared.getItem(ownerKey(PREFIX))]).toEqual([1, '1:taba', '1:taba']);

    const b = FencedStore.claim(shared, PREFIX, 'tabb');
    expect([b.epoch, b.token]).toEqual([2, '2:tabb']);
    b.setItem(`${PREFIX}x`, 'from b');
    const before = shared.dump();
    const error = caught(() => a.setItem(`${PREFIX}x`, 'late a')) as FencedOut;
    expect(error).toBeInstanceOf(FencedOut);
    expect(error).toMatchObject({ name: 'FencedOut', key: `${PREFIX}owner`, token: '1:taba', found: '2:tabb' });
    expect(error.message).toBe(`fenced out of ${PREFIX}owner: epoch 2 claimed this storage after epoch 1; this writer will not write again`);
    expect(() => a.removeItem(`${PREFIX}x`)).toThrow(FencedOut);
    expect(shared.dump()).toEqual(before);
    // Reads still work (a fenced tab may show what it had), and fenced stays fenced.
    expect(a.getItem(`${PREFIX}x`)).toBe('from b');
    expect(a.verify()).toBe(error);
  });

  it('refuses after a write if a claim landed between its check and the write', () => {
    const shared = new MemoryStore();
    let a: FencedStore | null = null;
    // A store that lets another writer claim in the middle of a's setItem, after a's check.
    const racing: KeyValueStore = {
      getItem: (k) => shared.getItem(k),
      setItem: (k, v) => {
        if (a !== null && k === `${PREFIX}meta`) FencedStore.claim(shared, PREFIX, 'tabb');
        shared.setItem(k, v);
      },
      removeItem: (k) => shared.removeItem(k),
      keys: () => shared.keys(),
    };
    a = FencedStore.claim(racing, PREFIX, 'taba');
    expect(() => (a as FencedStore).setItem(`${PREFIX}meta`, 'm')).toThrow(FencedOut);
  });

  it('a revoked store (its tab lost the Web Lock) never writes again, though the token is still its own', () => {
    const shared = new MemoryStore();
    const a = FencedStore.claim(shared, PREFIX, 'taba');
    a.revoke('the Web Lock was lost');
    expect(() => a.setItem('k', 'v')).toThrow('fenced out of raftbed/c/n1/owner: the Web Lock was lost; this writer will not write again');
    expect(shared.getItem('k')).toBeNull();
  });

  it('keeps its owner key through removeItem, numbers epochs on from an unreadable token, and rejects a bad tag', () => {
    const shared = new MemoryStore();
    const a = FencedStore.claim(shared, PREFIX, 'taba');
    a.removeItem(ownerKey(PREFIX));
    expect(shared.getItem(ownerKey(PREFIX))).toBe('1:taba');
    shared.setItem(ownerKey(PREFIX), 'garbage');
    expect(a.verify()?.detail).toBe('the owner key holds an unreadable token');
    expect(FencedStore.claim(shared, PREFIX, 'tabc').epoch).toBe(1);
    expect(() => FencedStore.claim(shared, PREFIX, 'no spaces')).toThrow(RangeError);
    shared.removeItem(ownerKey(PREFIX));
    expect(FencedStore.claim(new MemoryStore(), PREFIX, 'x').verify()).toBeNull();
  });
});

describe('RaftStorage over a FencedStore', () => {
  it('the fenced-out writer gets a typed FencedOut, keeps getting it, and the new owner loads all it acknowledged', () => {
    const shared = new MemoryStore();
    const aStore = FencedStore.claim(shared, PREFIX, 'taba');
    const a = new RaftStorage(aStore, { cluster: 'c', node: 'n1', maxEntriesPerChunk: 4 });
    expect(a.load().ok).toBe(true);
    a.appendAll([vote(1, 2, 'n2'), entries(2, 1, 52, 2)]);

    const bStore = FencedStore.claim(shared, PREFIX, 'tabb');
    const b = new RaftStorage(bStore, { cluster: 'c', node: 'n1', maxEntriesPerChunk: 4 });
    const loaded = b.load();
    expect(loaded.ok && [loaded.state.term, loaded.state.votedFor, loaded.state.entries.length, loaded.lastSeq]).toEqual([2, 'n2', 52, 2]);
    b.recommit();

    const before = shared.dump();
    // What the duplicate tab did in Chromium: the same term with no vote and a shorter log.
    expect(() => a.append(vote(3, 2, 'n3'))).toThrow(FencedOut);
    expect(() => a.append(entries(4, 53, 1, 2))).toThrow(FencedOut);
    expect(() => a.erase()).toThrow(FencedOut);
    const reloaded = new RaftStorage(aStore, { cluster: 'c', node: 'n1' });
    expect(reloaded.load().ok).toBe(true); // reading is allowed
    expect(() => reloaded.recommit()).toThrow(FencedOut);
    expect(shared.dump()).toEqual(before);

    b.append(entries(3, 53, 2, 2));
    expect(new RaftStorage(shared, { cluster: 'c', node: 'n1' }).load()).toMatchObject({ ok: true, lastSeq: 3, state: { term: 2, votedFor: 'n2' } });
  });

  it('erase() by the owner keeps the fence in place', () => {
    const shared = new MemoryStore();
    const store = FencedStore.claim(shared, PREFIX, 'taba');
    const s = new RaftStorage(store, { cluster: 'c', node: 'n1' });
    s.load();
    s.append(vote(1, 1, 'n1'));
    s.erase();
    expect(shared.keys()).toEqual([ownerKey(PREFIX)]);
    expect(s.load().ok).toBe(true);
    s.append(vote(1, 1, 'n1'));
  });
});
