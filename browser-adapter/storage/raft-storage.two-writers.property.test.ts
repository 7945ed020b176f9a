// Two writers of one node's storage (two tabs of one origin running the same node). Writer A owns
// the storage; just before any one of A's writes reaches the store (after A's fence check, the
// worst moment), writer B claims it, loads, and goes on writing; A keeps trying (with its stale
// state, and again after reloading). The properties:
//   - nothing acknowledged is lost: B loads exactly the fold of the batches A's appendAll returned;
//   - the loser never changes what the winner wrote: every attempt of A after B's claim throws
//     FencedOut and leaves every key of the store as it was;
//   - the end state is the fold of A's acknowledged batches followed by B's.
// Without the fence (the planted bug below) A's late writes erase B's, as two tabs did in Chromium.

import fc from 'fast-check';
import type { PersistRecord } from '../../core';
import type { KeyValueStore } from './key-value-store';
import { MemoryStore } from './memory-store';
import { FencedOut, FencedStore } from './fenced-store';
import { RaftStorage, RaftStorageOptions } from './raft-storage';
import { buildRecords, foldRecords, recordChoiceArb } from './test-records';

/** Runs `hook` before every mutation, so a test can put another writer's claim between any two writes. */
class BeforeEachMutation implements KeyValueStore {
  constructor(private readonly inner: KeyValueStore, private readonly hook: () => void) {}
  getItem(key: string): string | null {
    return this.inner.getItem(key);
  }
  setItem(key: string, value: string): void {
    this.hook();
    this.inner.setItem(key, value);
  }
  removeItem(key: string): void {
    this.hook();
    this.inner.removeItem(key);
  }
  keys(): string[] {
    return this.inner.keys();
  }
}

/** How a writer takes over the shared store: the real fence, or (planted bug) none at all. */
type Claim = (inner: KeyValueStore, prefix: string) => KeyValueStore;
const fencedClaim: Claim = (inner, prefix) => FencedStore.claim(inner, prefix);
const noFence: Claim = (inner) => inner;

function loaded(store: KeyValueStore, options: RaftStorageOptions): RaftStorage {
  const storage = new RaftStorage(store, options);
  const result = storage.load();
  if (!result.ok) throw result.error;
  return storage;
}

function batches<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let at = 0, b = 0; at < items.length; b++) {
    const n = sizes[b % sizes.length];
    out.push(items.slice(at, at + n));
    at += n;
  }
  return out;
}

function twoWritersProperty(claim: Claim) {
  return fc.property(
    fc.array(recordChoiceArb, { minLength: 1, maxLength: 14 }),
    fc.array(recordChoiceArb, { minLength: 1, maxLength: 8 }),
    fc.array(recordChoiceArb, { minLength: 1, maxLength: 4 }),
    fc.integer({ min: 0, max: 40 }),
    fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 1, max: 4 }),
    (aChoices, bChoices, lateChoices, claimAtMutation, batchSizes, maxEntriesPerChunk) => {
      const options = { cluster: 'c', node: 'n', maxEntriesPerChunk, maxSnapshotPartUnits: 5 };
      const shared = new MemoryStore();
      const prefix = new RaftStorage(shared, options).prefix;

      // B claims the storage between A's fence check and A's mutation number claimAtMutation (or
      // after A's last): the hook sits below A's fence.
      let aMutations = 0;
      let armed = false; // from A's first write after its own claim and load
      let b: { store: KeyValueStore; storage: RaftStorage } | null = null;
      const bClaims = (): void => {
        const store = claim(shared, prefix);
        b = { store, storage: loaded(store, options) };
      };
      const aStore = claim(new BeforeEachMutation(shared, () => {
        if (armed && b === null && aMutations++ === claimAtMutation) bClaims();
      }), prefix);
      let a = loaded(aStore, options);
      armed = true;

      const aRecords = buildRecords(aChoices);
      const acknowledged: PersistRecord[] = [];
      for (const batch of batches(aRecords, batchSizes)) {
        try {
          a.appendAll(batch);
          acknowledged.push(...batch);
        } catch (e) {
          if (!(e instanceof FencedOut)) throw e;
        }
      }
      if (b === null) bClaims();
      const winner = b as unknown as { store: KeyValueStore; storage: RaftStorage };
      // B's first write, after A's write that was under way at the claim has landed.
      winner.storage.recommit();

      // Nothing A acknowledged is lost.
      expect(winner.storage.state).toEqual(foldRecords(acknowledged));
      expect(winner.storage.lastSeq).toBe(acknowledged.length);

      /** A tries again (stale, then reloaded with records that follow what it loads); nothing may change. */
      const aTriesAgain = (): void => {
        const before = shared.dump();
        const stale = buildRecords(lateChoices, foldRecords(acknowledged), acknowledged.length + 1);
        expect(() => a.appendAll(stale)).toThrow(FencedOut);
        a = new RaftStorage(aStore, options);
        const reload = a.load();
        if (reload.ok) expect(() => a.appendAll(buildRecords(lateChoices, reload.state, reload.lastSeq + 1))).toThrow(FencedOut);
        expect(shared.dump()).toEqual(before);
      };

      const bRecords = buildRecords(bChoices, winner.storage.state, winner.storage.lastSeq + 1);
      for (const batch of batches(bRecords, batchSizes)) {
        aTriesAgain();
        winner.storage.appendAll(batch);
      }
      aTriesAgain();

      const final = loaded(shared, options);
      expect(final.state).toEqual(foldRecords(bRecords, foldRecords(acknowledged)));
      expect(final.lastSeq).toBe(acknowledged.length + bRecords.length);
    },
  );
}

describe('RaftStorage with two writers on one store', () => {
  it('the writer that lost the fence never changes what the winner wrote, and nothing acknowledged is lost', () => {
    fc.assert(twoWritersProperty(fencedClaim), { seed: 20240917, numRuns: 100 });
  });

  it('catches the bug it guards against: without a fence the loser overwrites the winner', () => {
    expect(() => fc.assert(twoWritersProperty(noFence), { seed: 20240917, numRuns: 100 })).toThrow();
  });
});
