// The central property: RaftStorage is a faithful disk for core's applyPersistRecord. Whatever
// sequence of valid records goes in (in whatever batches, with reloads in between), load()
// returns exactly the fold of those records.

import fc from 'fast-check';
import type { PersistRecord } from '../../core';
import { TestCluster } from '../../core/testing/cluster';
import { MemoryStore } from './memory-store';
import { RaftStorage, RaftStorageOptions } from './raft-storage';
import { buildRecords, foldRecords, recordChoiceArb } from './test-records';

function load(store: MemoryStore, options: RaftStorageOptions) {
  const storage = new RaftStorage(store, options);
  const result = storage.load();
  if (!result.ok) throw result.error;
  return { storage, result };
}

/** The keys a store should hold for the state: exactly the metadata plus what it references. */
function referencedKeysOnly(store: MemoryStore, storage: RaftStorage): boolean {
  const before = store.keys().length;
  new RaftStorage(store, { cluster: 'c', node: 'n' }).load(); // a load collects anything unreferenced
  return store.keys().length === before && storage.usage().keys === before;
}

/** A planted bug: drops the n-th write to a log chunk without a word. */
class LossyStore extends MemoryStore {
  private chunkWrites = 0;
  constructor(private readonly loseWrite: number) {
    super();
  }
  override setItem(key: string, value: string): void {
    if (key.includes('/log/') && ++this.chunkWrites === this.loseWrite) return;
    super.setItem(key, value);
  }
}

function foldProperty(makeStore: () => MemoryStore) {
  return fc.property(
    fc.array(recordChoiceArb, { minLength: 1, maxLength: 25 }),
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 1, max: 8 }),
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 25, maxLength: 25 }),
    fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
    (choices, maxEntriesPerChunk, maxSnapshotPartUnits, batchSizes, reloads) => {
      const records = buildRecords(choices);
      const options = { cluster: 'c', node: 'n', maxEntriesPerChunk, maxSnapshotPartUnits };
      const store = makeStore();
      let { storage } = load(store, options);
      let done = 0;
      for (let b = 0; done < records.length; b++) {
        const batch = records.slice(done, done + batchSizes[b]);
        storage.appendAll(batch);
        done += batch.length;
        const expected = foldRecords(records.slice(0, done));
        expect(storage.state).toEqual(expected);
        if (reloads[b]) {
          const reloaded = load(store, options);
          expect(reloaded.result.state).toEqual(expected);
          expect(reloaded.result.lastSeq).toBe(records[done - 1].seq);
          storage = reloaded.storage;
        }
      }
      const final = load(store, options).result;
      expect(final.state).toEqual(foldRecords(records));
      expect(final.lastSeq).toBe(records.length);
      expect(referencedKeysOnly(store, storage)).toBe(true);
    },
  );
}

describe('RaftStorage against applyPersistRecord', () => {
  it('loads the fold of any record sequence, across batches and reloads', () => {
    fc.assert(foldProperty(() => new MemoryStore()), { seed: 20240601, numRuns: 200 });
  });

  it('catches a planted bug: a store that silently loses one log write', () => {
    // If the property could not see a lost write, it could not see RaftStorage forgetting one.
    expect(() => fc.assert(foldProperty(() => new LossyStore(3)), { seed: 20240601, numRuns: 200 })).toThrow();
  });

  it('persists what core emits: a TestCluster with crashes, restarts and snapshots', () => {
    // Every node's synced records go through RaftStorage; restarts come from load(), not from
    // the cluster's own fold, so storage is what the cluster actually runs on.
    const cluster = new TestCluster({ size: 3, seed: 7, autoSync: false, config: { snapshotChunkBytes: 16 } });
    const stores = new Map(cluster.ids.map((id) => [id, new MemoryStore()] as const));
    const options = (id: string): RaftStorageOptions => ({ cluster: 'test', node: id, maxEntriesPerChunk: 3, maxSnapshotPartUnits: 7 });
    const storages = new Map(cluster.ids.map((id) => [id, load(stores.get(id) as MemoryStore, options(id)).storage] as const));
    const synced = new Map<string, PersistRecord[]>(cluster.ids.map((id) => [id, []]));
    let persistedRecords = 0;

    const syncAll = (): void => {
      for (const id of cluster.ids) {
        const node = cluster.node(id);
        if (!node.up || node.unsynced.length === 0) continue;
        const records = node.unsynced.slice();
        (storages.get(id) as RaftStorage).appendAll(records);
        (synced.get(id) as PersistRecord[]).push(...records);
        persistedRecords += records.length;
        cluster.sync(id);
        expect((storages.get(id) as RaftStorage).state).toEqual(node.durable);
      }
    };
    const round = (): void => {
      cluster.tickAll();
      for (let k = 0; k < 5; k++) {
        syncAll();
        cluster.deliverAll(200);
      }
      syncAll();
    };

    cluster.recordSent = true;
    for (let step = 0; step < 120; step++) {
      // n3 misses a compaction while cut off, so it must catch up by InstallSnapshot.
      if (step === 30) cluster.isolate('n3');
      if (step === 60) cluster.healAll();
      round();
      const leader = cluster.leaders()[0];
      if (leader) cluster.propose(leader, `v${step}`, `w${step}`);
      if (step % 17 === 5) {
        for (const id of cluster.ids) {
          const s = cluster.state(id);
          if (cluster.node(id).up && s.appliedIndex > (s.snapshot?.index ?? 0)) cluster.input(id, { type: 'Snapshot', index: s.appliedIndex, data: `snap-${id}-${s.appliedIndex}`.repeat(3) });
        }
      }
      if (step % 23 === 11) {
        const victim = cluster.ids[step % 3];
        cluster.crash(victim);
        const reloaded = load(stores.get(victim) as MemoryStore, options(victim));
        expect(reloaded.result.state).toEqual(cluster.node(victim).durable);
        expect(reloaded.result.lastSeq).toBe(cluster.node(victim).lastDurableSeq);
        storages.set(victim, reloaded.storage);
        cluster.restart(victim);
      }
    }
    for (const id of cluster.ids) {
      expect(load(stores.get(id) as MemoryStore, options(id)).result.state).toEqual(cluster.node(id).durable);
    }
    // The scenario must actually have exercised storage: many records, a snapshot, a long log.
    expect(persistedRecords).toBeGreaterThan(200);
    expect(cluster.sentLog.some((m) => m.type === 'InstallSnapshotRequest')).toBe(true);
    expect(cluster.ids.some((id) => cluster.node(id).durable.snapshot !== null)).toBe(true);
    expect(Math.max(...cluster.ids.map((id) => cluster.state(id).commitIndex))).toBeGreaterThan(100);
  });
});
