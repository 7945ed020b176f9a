// A tab can close between any two setItem calls. For every record and every such point, the
// storage must load as exactly the state before the record or exactly the state after it, and
// the metadata write must be the line between the two.

import fc from 'fast-check';
import type { PersistRecord } from '../../core';
import { MemoryStore } from './memory-store';
import { CrashingStore, SimulatedCrash } from './crashing-store';
import { RaftStorage, RaftStorageOptions } from './raft-storage';
import { buildRecords, foldRecords, recordChoiceArb } from './test-records';

const OPTIONS: RaftStorageOptions = { cluster: 'c', node: 'n', maxEntriesPerChunk: 3, maxSnapshotPartUnits: 4 };

function loadOk(store: MemoryStore | CrashingStore) {
  const storage = new RaftStorage(store, OPTIONS);
  const result = storage.load();
  if (!result.ok) throw result.error;
  return { storage, ...result };
}

/** How many mutations appending `record` makes to `base`, and how many of them are setItem. */
function measure(base: MemoryStore, record: PersistRecord): { mutations: number; sets: number } {
  const probe = new CrashingStore(base.clone());
  const { storage } = loadOk(probe);
  const before = { mutations: probe.mutations, sets: probe.sets };
  storage.append(record);
  return { mutations: probe.mutations - before.mutations, sets: probe.sets - before.sets };
}

const sequences: PersistRecord[][] = fc
  .sample(fc.array(recordChoiceArb, { minLength: 2, maxLength: 10 }), { seed: 4242, numRuns: 25 })
  .map((choices) => buildRecords(choices));

describe('RaftStorage crash consistency', () => {
  it('loads the previous or the new state after a crash before any mutation of an append', () => {
    let crashPoints = 0;
    let sawLeftovers = false;
    for (const records of sequences) {
      const base = new MemoryStore();
      let { storage } = loadOk(base);
      for (let i = 0; i < records.length; i++) {
        const previous = foldRecords(records.slice(0, i));
        const next = foldRecords(records.slice(0, i + 1));
        const { mutations, sets } = measure(base, records[i]);
        expect(sets).toBeGreaterThanOrEqual(1); // at least the metadata
        for (let k = 0; k < mutations; k++) {
          crashPoints++;
          const disk = base.clone();
          const crashing = new CrashingStore(disk);
          const victim = loadOk(crashing).storage;
          crashing.crashAfter(k);
          let threw: unknown = null;
          try {
            victim.append(records[i]);
          } catch (e) {
            threw = e;
          }
          const committed = k >= sets; // the metadata is the last setItem
          if (!committed) expect(threw).toBeInstanceOf(SimulatedCrash);

          // Recovery: a new page load. GC of leftovers may itself be cut short; that is harmless.
          if (disk.size > base.size) sawLeftovers = true;
          const half = new CrashingStore(disk);
          half.crashAfter(k % 2);
          expect(new RaftStorage(half, OPTIONS).load().ok).toBe(true);
          const recovered = loadOk(disk);
          expect(recovered.state).toEqual(committed ? next : previous);
          expect(recovered.lastSeq).toBe(committed ? records[i].seq : i === 0 ? 0 : records[i - 1].seq);

          // And the node carries on from there to the same end state.
          recovered.storage.appendAll(records.slice(committed ? i + 1 : i));
          expect(loadOk(disk).state).toEqual(foldRecords(records));
        }
        storage.append(records[i]);
        expect(loadOk(base).state).toEqual(next);
        storage = loadOk(base).storage;
      }
    }
    expect(crashPoints).toBeGreaterThan(500);
    expect(sawLeftovers).toBe(true);
  });

  it('catches a planted bug: metadata written before the chunks it names', () => {
    // The same crash check against a RaftStorage whose writes are reordered metadata-first.
    const records = buildRecords(fc.sample(fc.array(recordChoiceArb, { minLength: 6, maxLength: 6 }), { seed: 7, numRuns: 1 })[0]);
    const base = new MemoryStore();
    loadOk(base).storage.appendAll(records.slice(0, 3));
    const start = foldRecords(records.slice(0, 3));
    const appendFrom = (start.snapshot?.index ?? 0) + start.entries.length + 1;
    const record: PersistRecord = { seq: 100, term: 99, appendFrom, entries: [{ term: 99, type: 'Normal', data: 'x' }, { term: 99, type: 'Normal', data: 'y' }] };
    let failures = 0;
    for (let k = 0; k < 4; k++) {
      const disk = base.clone();
      const crashing = new CrashingStore(disk);
      const victim = loadOk(crashing).storage;
      const writeInOrder = (victim as unknown as { writeInOrder(w: [string, string][]): void }).writeInOrder.bind(victim);
      (victim as unknown as { writeInOrder(w: [string, string][]): void }).writeInOrder = (w) => writeInOrder([w[w.length - 1], ...w.slice(0, -1)]);
      crashing.crashAfter(k);
      try {
        victim.append(record);
      } catch {
        // the crash
      }
      if (!new RaftStorage(disk, OPTIONS).load().ok) failures++;
    }
    expect(failures).toBeGreaterThan(0);
  });

  it('refuses further writes from an instance whose write failed unexpectedly', () => {
    const disk = new MemoryStore();
    const crashing = new CrashingStore(disk);
    const { storage } = loadOk(crashing);
    crashing.crashAfter(0);
    expect(() => storage.append({ seq: 1, term: 1 })).toThrow(SimulatedCrash);
    expect(() => storage.append({ seq: 1, term: 1 })).toThrow(/load\(\) again/);
  });
});
