import { PersistSequenceError } from '../../core';
import type { Entry, PersistRecord } from '../../core';
import type { KeyValueStore } from './key-value-store';
import { MemoryStore } from './memory-store';
import { RaftStorage, RaftStorageOptions } from './raft-storage';
import { StorageUnavailable } from './errors';
import { keyPrefix } from './layout';

/** Records every mutation, so tests can assert how much an append rewrites. */
class CountingStore implements KeyValueStore {
  sets: string[] = [];
  removes: string[] = [];
  constructor(readonly inner: MemoryStore = new MemoryStore()) {}
  getItem(k: string) {
    return this.inner.getItem(k);
  }
  setItem(k: string, v: string) {
    this.sets.push(k);
    this.inner.setItem(k, v);
  }
  removeItem(k: string) {
    this.removes.push(k);
    this.inner.removeItem(k);
  }
  keys() {
    return this.inner.keys();
  }
  reset() {
    this.sets = [];
    this.removes = [];
  }
}

const OPTS: RaftStorageOptions = { cluster: 'c1', node: 'n1' };
const entries = (n: number, term = 1, tag = 'e'): Entry[] => Array.from({ length: n }, (_, i) => ({ term, type: 'Normal', data: `${tag}${i}` }));

function opened(store: KeyValueStore, options: Partial<RaftStorageOptions> = {}): RaftStorage {
  const s = new RaftStorage(store, { ...OPTS, ...options });
  const loaded = s.load();
  if (!loaded.ok) throw loaded.error;
  return s;
}

function reload(store: KeyValueStore, options: Partial<RaftStorageOptions> = {}) {
  const result = new RaftStorage(store, { ...OPTS, ...options }).load();
  if (!result.ok) throw result.error;
  return result;
}

describe('RaftStorage round trips', () => {
  it('loads fresh storage as the empty state with lastSeq 0', () => {
    const r = reload(new MemoryStore());
    expect(r.state).toEqual({ term: 0, votedFor: null, snapshot: null, entries: [] });
    expect(r.lastSeq).toBe(0);
  });

  it('persists hard state, entries and a snapshot, and loads them back', () => {
    const store = new MemoryStore();
    const s = opened(store);
    s.append({ seq: 1, term: 3, votedFor: 'n2' });
    s.append({ seq: 2, appendFrom: 1, entries: [{ term: 3, type: 'Noop', data: '' }, { term: 3, type: 'Config', data: '{"voters":["n1"]}' }] });
    s.append({ seq: 3, appendFrom: 3, entries: entries(5, 3, 'x') });
    s.append({ seq: 5, snapshot: { index: 4, term: 3, config: { voters: ['n1', 'n2'] }, data: 'state-at-4 "quoted" \ud800' } });
    s.append({ seq: 6, votedFor: null, truncateFrom: 6, appendFrom: 6, entries: [{ term: 3, type: 'Normal', data: 'replaced' }] });
    const r = reload(store);
    expect(r.lastSeq).toBe(6);
    expect(r.state).toEqual(s.state);
    expect(r.state).toEqual({
      term: 3, votedFor: null,
      snapshot: { index: 4, term: 3, config: { voters: ['n1', 'n2'] }, data: 'state-at-4 "quoted" \ud800' },
      entries: [entries(5, 3, 'x')[2], { term: 3, type: 'Normal', data: 'replaced' }],
    });
  });

  it('applies a batch with one metadata write, all or nothing', () => {
    const store = new CountingStore();
    const s = opened(store);
    const records: PersistRecord[] = [
      { seq: 1, term: 1, appendFrom: 1, entries: entries(3) },
      { seq: 2, truncateFrom: 2, appendFrom: 2, entries: entries(2, 1, 'y') },
      { seq: 3, term: 2, votedFor: 'n1' },
    ];
    store.reset();
    s.appendAll(records);
    expect(store.sets.filter((k) => k.endsWith('/meta'))).toHaveLength(1);
    expect(reload(store).state.entries.map((e) => e.data)).toEqual(['e0', 'y0', 'y1']);
    expect(reload(store).lastSeq).toBe(3);

    // A bad record in the middle of a batch: nothing at all is written.
    store.reset();
    expect(() => s.appendAll([{ seq: 4, term: 5 }, { seq: 5, appendFrom: 99, entries: entries(1) }])).toThrow(PersistSequenceError);
    expect(store.sets).toEqual([]);
    expect(reload(store).lastSeq).toBe(3);
    expect(s.state.term).toBe(2);
  });

  it('keeps node prefixes apart and escapes odd ids', () => {
    const store = new MemoryStore();
    const a = opened(store, { node: 'a/b' });
    const b = opened(store, { node: 'a' });
    a.append({ seq: 1, term: 7 });
    b.append({ seq: 1, term: 9 });
    expect(reload(store, { node: 'a/b' }).state.term).toBe(7);
    expect(reload(store, { node: 'a' }).state.term).toBe(9);
    expect(keyPrefix('c', 'a/b')).toBe('raftbed/c/a%2Fb/');
    expect(store.keys().every((k) => k.startsWith('raftbed/c1/a%2Fb/') || k.startsWith('raftbed/c1/a/'))).toBe(true);
  });
});

describe('RaftStorage write pattern', () => {
  it('writes a hard-state-only record as a single metadata write', () => {
    const store = new CountingStore();
    const s = opened(store);
    s.append({ seq: 1, term: 1, appendFrom: 1, entries: entries(10) });
    store.reset();
    s.append({ seq: 2, term: 4, votedFor: 'n3' });
    expect(store.sets).toEqual(['raftbed/c1/n1/meta']);
    expect(store.removes).toEqual([]);
  });

  it('rewrites only the last chunk and the metadata on a small append', () => {
    const store = new CountingStore();
    const s = opened(store, { maxEntriesPerChunk: 8 });
    s.append({ seq: 1, term: 1, appendFrom: 1, entries: entries(20) }); // chunks of 8, 8, 4
    expect(store.sets).toHaveLength(4);
    store.reset();
    s.append({ seq: 2, appendFrom: 21, entries: entries(1, 1, 'z') });
    expect(store.sets).toHaveLength(2); // the refilled last chunk, then the metadata
    expect(store.sets[1]).toBe('raftbed/c1/n1/meta');
    expect(store.removes).toHaveLength(1); // the superseded last chunk, after the commit
    store.reset();
    s.append({ seq: 3, appendFrom: 22, entries: entries(11, 1, 'w') }); // fills 8, then a new chunk
    expect(store.sets).toHaveLength(3);
    expect(reload(store, { maxEntriesPerChunk: 8 }).state.entries).toHaveLength(32);
    expect(s.usage().keys).toBe(1 + 4);
  });

  it('closes a chunk by size as well as by count, and gives an oversized entry its own chunk', () => {
    const store = new MemoryStore();
    const s = opened(store, { maxChunkUnits: 200 });
    const big: Entry = { term: 1, type: 'Normal', data: 'x'.repeat(500) };
    s.append({ seq: 1, term: 1, appendFrom: 1, entries: [...entries(3), big, ...entries(30)] });
    const chunkValues = store.keys().filter((k) => k.includes('/log/')).map((k) => store.getItem(k) as string);
    expect(chunkValues.length).toBeGreaterThan(3);
    expect(chunkValues.filter((v) => v.length > 200)).toHaveLength(1);
    expect(reload(store).state.entries).toEqual(s.state.entries);
  });

  it('splits a large snapshot into parts and drops the old parts when replaced', () => {
    const store = new MemoryStore();
    const s = opened(store, { maxSnapshotPartUnits: 10 });
    const data = 'abcdefghij'.repeat(4) + 'xyz';
    s.append({ seq: 1, term: 2, snapshot: { index: 5, term: 2, config: { voters: ['n1'] }, data } });
    expect(store.keys().filter((k) => k.includes('/snap/'))).toHaveLength(5);
    expect(reload(store).state.snapshot?.data).toBe(data);
    s.append({ seq: 2, snapshot: { index: 6, term: 2, config: { voters: ['n1'] }, data: '' } });
    expect(store.keys().filter((k) => k.includes('/snap/'))).toHaveLength(0);
    expect(reload(store).state.snapshot).toEqual({ index: 6, term: 2, config: { voters: ['n1'] }, data: '' });
  });

  it('keeps the log past a matching snapshot without rewriting it', () => {
    const store = new CountingStore();
    const s = opened(store, { maxEntriesPerChunk: 4 });
    s.append({ seq: 1, term: 1, appendFrom: 1, entries: entries(12) });
    store.reset();
    s.append({ seq: 2, snapshot: { index: 6, term: 1, config: { voters: ['n1'] }, data: 's' } });
    // One snapshot part plus the metadata: chunk 5..8 straddles the snapshot and stays.
    expect(store.sets.filter((k) => k.includes('/log/'))).toEqual([]);
    expect(store.removes.filter((k) => k.includes('/log/'))).toHaveLength(1);
    expect(reload(store, { maxEntriesPerChunk: 4 }).state.entries.map((e) => e.data)).toEqual(['e6', 'e7', 'e8', 'e9', 'e10', 'e11']);
  });

  it('discards the whole log for a snapshot that does not match it', () => {
    const store = new MemoryStore();
    const s = opened(store, { maxEntriesPerChunk: 4 });
    s.append({ seq: 1, term: 2, appendFrom: 1, entries: entries(12) });
    s.append({ seq: 2, snapshot: { index: 6, term: 2, config: { voters: ['n1'] }, data: 's' } });
    expect(s.state.entries).toEqual([]);
    expect(store.keys().filter((k) => k.includes('/log/'))).toEqual([]);
    expect(reload(store).state).toEqual(s.state);
  });
});

describe('RaftStorage misuse', () => {
  it('refuses to append before load()', () => {
    const s = new RaftStorage(new MemoryStore(), OPTS);
    expect(() => s.append({ seq: 1, term: 1 })).toThrow(StorageUnavailable);
  });

  it('rejects a seq that does not increase, and a record that does not follow the log', () => {
    const s = opened(new MemoryStore());
    s.append({ seq: 3, term: 1 });
    expect(() => s.append({ seq: 3, term: 2 })).toThrow(PersistSequenceError);
    expect(() => s.append({ seq: 4, appendFrom: 2, entries: entries(1) })).toThrow(PersistSequenceError);
    expect(s.lastSeq).toBe(3);
  });

  it('rejects bad options with a clear error', () => {
    expect(() => new RaftStorage(new MemoryStore(), { ...OPTS, maxEntriesPerChunk: 0 })).toThrow(/maxEntriesPerChunk/);
  });

  it('collects leftovers of an interrupted write on load, and only its own', () => {
    const store = new MemoryStore();
    const s = opened(store);
    s.append({ seq: 1, term: 1, appendFrom: 1, entries: entries(3) });
    store.setItem('raftbed/c1/n1/log/zz', 'leftover');
    store.setItem('raftbed/c1/n1/snap/zz/0', 'leftover');
    store.setItem('raftbed/c1/n2/log/zz', 'another node');
    store.setItem('unrelated', 'app data');
    reload(store);
    expect(store.keys().sort()).toEqual(['raftbed/c1/n1/log/0', 'raftbed/c1/n1/meta', 'raftbed/c1/n2/log/zz', 'unrelated']);
  });

  it('erase() leaves empty storage and refuses writes until loaded again', () => {
    const store = new MemoryStore();
    const s = opened(store);
    s.append({ seq: 1, term: 2, appendFrom: 1, entries: entries(3, 2) });
    s.erase();
    expect(store.keys()).toEqual([]);
    expect(() => s.append({ seq: 2, term: 3 })).toThrow(StorageUnavailable);
    expect(s.load()).toEqual({ ok: true, state: { term: 0, votedFor: null, snapshot: null, entries: [] }, lastSeq: 0 });
  });
});
