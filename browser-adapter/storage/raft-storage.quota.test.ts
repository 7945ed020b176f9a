// localStorage gives an origin about 5M UTF-16 units. Running out must be a typed StorageFull
// that leaves the previous state loadable and no half-written keys behind; compaction must keep
// the footprint bounded so a long-running node does not run out at all.

import type { DurableState, Entry, PersistRecord } from '../../core';
import { MemoryStore } from './memory-store';
import { RaftStorage, RaftStorageOptions } from './raft-storage';
import { StorageFull } from './errors';

const OPTIONS: RaftStorageOptions = { cluster: 'c', node: 'n', maxEntriesPerChunk: 8, maxSnapshotPartUnits: 64 };
const entry = (i: number): Entry => ({ term: 1, type: 'Normal', data: `payload-${i}-${'x'.repeat(i % 13)}` });

function load(store: MemoryStore): { storage: RaftStorage; state: DurableState; lastSeq: number } {
  const storage = new RaftStorage(store, OPTIONS);
  const result = storage.load();
  if (!result.ok) throw result.error;
  return { storage, state: result.state, lastSeq: result.lastSeq };
}

const lastIndex = (s: DurableState): number => (s.snapshot?.index ?? 0) + s.entries.length;

describe('RaftStorage under a quota', () => {
  it('fails with StorageFull when a log chunk does not fit, leaving the previous state and no leftovers', () => {
    const failedAt = new Set<string>();
    for (let quota = 1500; quota < 2100; quota += 11) {
      const store = new MemoryStore({ quotaUnits: quota });
      const { storage } = load(store);
      let seq = 0;
      let error: unknown = null;
      for (let i = 1; i < 1000 && !error; i++) {
        // Every few records only the metadata changes (a vote for an id of varying length).
        const record: PersistRecord = i % 4 === 0 ? { seq: seq + 1, term: i, votedFor: 'candidate-'.repeat(1 + (i % 9)) } : { seq: seq + 1, term: 1, appendFrom: lastIndex(storage.state) + 1, entries: [entry(i)] };
        try {
          storage.append(record);
          seq++;
        } catch (e) {
          error = e;
        }
      }
      expect(error).toBeInstanceOf(StorageFull);
      const full = error as StorageFull;
      failedAt.add(full.key.replace(/^raftbed\/c\/n\/(meta|log|snap).*$/, '$1'));
      expect(full.attemptedUnits).toBeGreaterThan(0);

      // Nothing committed: same state in memory and on disk, and nothing unreferenced to collect.
      const keysBefore = store.keys().sort();
      const reloaded = load(store);
      expect(reloaded.state).toEqual(storage.state);
      expect(reloaded.lastSeq).toBe(seq);
      expect(store.keys().sort()).toEqual(keysBefore);

      // The instance is still usable: compaction frees room and appends go on.
      const compactAt = lastIndex(storage.state);
      // A new term clears the vote: storage refuses a vote for someone the snapshot's configuration does not list.
      storage.append({ seq: seq + 1, term: storage.state.term + 1, votedFor: null, snapshot: { index: compactAt, term: 1, config: { voters: ['n'] }, data: 'compacted' } });
      storage.append({ seq: seq + 2, appendFrom: compactAt + 1, entries: [entry(1), entry(2)] });
      expect(load(store).state.entries).toEqual([entry(1), entry(2)]);
    }
    expect(failedAt).toEqual(new Set(['log']));
  });

  it('fails with StorageFull on the metadata write itself (the commit point) without committing', () => {
    const roomy = new MemoryStore();
    const { storage: first } = load(roomy);
    first.append({ seq: 1, term: 1, appendFrom: 1, entries: [entry(1), entry(2)] });
    // The same data in a store with 10 units to spare: the next write must be the one that fails.
    const store = new MemoryStore({ quotaUnits: roomy.usedUnits + 10 });
    for (const [k, v] of Object.entries(roomy.dump())) store.setItem(k, v);
    const { storage } = load(store);
    const before = store.dump();
    let error: unknown;
    try {
      storage.append({ seq: 2, term: 2, votedFor: 'a-candidate-with-a-long-name' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StorageFull);
    expect((error as StorageFull).key).toBe('raftbed/c/n/meta');
    expect(store.dump()).toEqual(before);
    expect(storage.state.term).toBe(1);
    expect(load(store).lastSeq).toBe(1);
    // A record that fits still goes through on the same instance.
    storage.append({ seq: 3, term: 2 });
    expect(load(store).state.term).toBe(2);
  });

  it('removes the parts of a snapshot that does not fit', () => {
    const store = new MemoryStore({ quotaUnits: 2000 });
    const { storage } = load(store);
    storage.append({ seq: 1, term: 1, appendFrom: 1, entries: [entry(1), entry(2), entry(3)] });
    const before = store.dump();
    expect(() => storage.append({ seq: 2, snapshot: { index: 2, term: 1, config: { voters: ['n'] }, data: 's'.repeat(5000) } })).toThrow(StorageFull);
    expect(store.dump()).toEqual(before);
    expect(load(store).lastSeq).toBe(1);
  });

  it('stays bounded in keys and units across many compactions', () => {
    // The rounds append several times the quota in all: that fits only if compaction frees space.
    const quota = 20_000;
    const store = new MemoryStore({ quotaUnits: quota });
    let { storage } = load(store);
    let seq = 0;
    let maxKeys = 0;
    let appendedUnits = 0;
    for (let round = 0; round < 400; round++) {
      const from = lastIndex(storage.state) + 1;
      const batch = Array.from({ length: 20 }, (_, k) => entry(from + k));
      appendedUnits += batch.reduce((n, e) => n + e.data.length, 0);
      storage.append({ seq: ++seq, term: 1, appendFrom: from, entries: batch });
      const last = lastIndex(storage.state);
      storage.append({ seq: ++seq, snapshot: { index: last - 5, term: 1, config: { voters: ['n'] }, data: `state@${last - 5}`.repeat(10) } });
      maxKeys = Math.max(maxKeys, store.size);
      if (round % 97 === 0) storage = load(store).storage;
    }
    expect(appendedUnits).toBeGreaterThan(5 * quota);
    // meta + snapshot parts (at most 3 of 64 units) + chunks covering 5 live entries (a straddler and one more).
    expect(maxKeys).toBeLessThanOrEqual(1 + 3 + 2);
    const final = load(store);
    expect(final.state.entries).toHaveLength(5);
    expect(final.lastSeq).toBe(seq);
    expect(store.usedUnits).toBeLessThan(2_000);
  });
});
