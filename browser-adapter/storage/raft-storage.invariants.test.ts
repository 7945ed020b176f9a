// Checksums vouch for bytes, not for Raft. A state that is sealed correctly but that no correct
// node writes (forged, or written by a buggy one) must not load: load() names the broken
// invariant. And append() must never accept a record whose result load() would then refuse.

import fc from 'fast-check';
import { DurableInvariantError, MAX_TERM, PersistSequenceError } from '../../core';
import type { DurableState, PersistRecord } from '../../core';
import { FORGED_STATES, FORGED_VOTERS, VALID_STATE } from '../../core/testing/forged-states';
import { MemoryStore } from './memory-store';
import { RaftStorage, RaftStorageOptions } from './raft-storage';
import { StorageCorruption, StorageUnavailable } from './errors';
import { Meta, chunkKey, encodeChunk, encodeMeta, encodeSnapshotPart, keyPrefix, metaKey, snapshotPartKey } from './layout';
import { buildRecords, recordChoiceArb } from './test-records';

const OPTIONS: RaftStorageOptions = { cluster: 'c', node: 'n' };
const PREFIX = keyPrefix('c', 'n');

/** Writes `state` the way RaftStorage lays it out, every value sealed with a valid checksum. */
function forge(state: DurableState): MemoryStore {
  const store = new MemoryStore();
  const first = state.snapshot ? state.snapshot.index + 1 : 1;
  let snapshot: Meta['snapshot'] = null;
  if (state.snapshot) {
    const part = encodeSnapshotPart(state.snapshot.data);
    store.setItem(snapshotPartKey(PREFIX, 0, 0), part);
    const { index, term, config, data } = state.snapshot;
    snapshot = { id: 0, index, term, config, length: data.length, parts: [part.slice(0, 8)] };
  }
  const chunks: Meta['chunks'][number][] = [];
  if (state.entries.length > 0) {
    const chunk = encodeChunk(first, state.entries);
    store.setItem(chunkKey(PREFIX, 1), chunk);
    chunks.push({ id: 1, first, count: state.entries.length, sum: chunk.slice(0, 8) });
  }
  const meta: Meta = { seq: 7, term: state.term, votedFor: state.votedFor, first, last: first + state.entries.length - 1, nextId: 2, snapshot, chunks };
  store.setItem(metaKey(PREFIX), encodeMeta(meta));
  return store;
}

/** Entries the chunk format can hold at all: anything else is refused earlier, as BadShape. */
const representable = (state: DurableState): boolean => state.entries.every((e) => Number.isSafeInteger(e.term) && ['Normal', 'Noop', 'Config'].includes(e.type));

describe('RaftStorage.load refuses sealed states that break a Raft invariant', () => {
  it('loads the valid forged baseline (so each case below fails for its one fault)', () => {
    const result = new RaftStorage(forge(VALID_STATE), { ...OPTIONS, voters: FORGED_VOTERS }).load();
    expect(result).toEqual({ ok: true, state: VALID_STATE, lastSeq: 7 });
  });

  it.each(FORGED_STATES.map(([invariant, what, state]) => [what, invariant, state] as const))('refuses %s (%s), keeps the evidence, and refuses to write', (_what, invariant, state) => {
    const store = forge(state);
    const before = store.dump();
    // The deployment's node ids: a vote is judged against them (core/durable-invariants.ts).
    const storage = new RaftStorage(store, { ...OPTIONS, voters: FORGED_VOTERS });
    const result = storage.load();
    expect(result.ok).toBe(false);
    const error = (result as { error: unknown }).error as StorageCorruption;
    expect(error).toBeInstanceOf(StorageCorruption);
    if (representable(state)) {
      expect({ reason: error.reason, invariant: error.invariant, key: error.key }).toEqual({ reason: 'BrokenInvariant', invariant, key: metaKey(PREFIX) });
      expect(error.message).toContain(invariant);
    } else {
      expect(error.reason).toBe('BadShape');
    }
    expect(store.dump()).toEqual(before);
    expect(() => storage.append({ seq: 8, term: 9 })).toThrow(StorageUnavailable);
  });

  it('refuses a vote for a stranger without a snapshot when it knows the voters, and only then', () => {
    const state: DurableState = { term: 3, votedFor: 'n9', snapshot: null, entries: [] };
    expect(new RaftStorage(forge(state), OPTIONS).load().ok).toBe(true);
    const result = new RaftStorage(forge(state), { ...OPTIONS, voters: FORGED_VOTERS }).load();
    expect(!result.ok && result.error instanceof StorageCorruption && result.error.invariant).toBe('VoteForMember');
  });
});

describe('RaftStorage.append accepts only what load() accepts', () => {
  it('a term of 2^53 - 1 is refused on write with DurableInvariantError, writing nothing', () => {
    const store = new MemoryStore();
    const storage = new RaftStorage(store, OPTIONS);
    expect(storage.load().ok).toBe(true);
    storage.append({ seq: 1, term: 3 });
    const before = store.dump();
    expect(() => storage.append({ seq: 2, term: 2 ** 53 - 1 })).toThrow(DurableInvariantError);
    expect(store.dump()).toEqual(before);
    storage.append({ seq: 2, term: MAX_TERM });
    expect(new RaftStorage(store, OPTIONS).load()).toMatchObject({ ok: true, state: { term: MAX_TERM } });
  });

  /** One field of one record replaced by something hostile. */
  const sabotage = fc.record({
    at: fc.nat(),
    how: fc.constantFrom('term', 'entryTerm', 'vote', 'snapshotTerm', 'snapshotVoters'),
    value: fc.constantFrom(2 ** 53 - 1, 2 ** 53, MAX_TERM, MAX_TERM + 1, -1, 1.5, NaN, 0, 1, 7),
  });

  function applySabotage(records: PersistRecord[], s: { at: number; how: string; value: number }): PersistRecord[] {
    const out = records.slice();
    const i = s.at % out.length;
    const r: Record<string, unknown> = { ...out[i] };
    if (s.how === 'term') r.term = s.value;
    if (s.how === 'vote') r.votedFor = s.value % 2 === 0 ? 'n9' : 'n2';
    if (s.how === 'entryTerm' && out[i].entries?.length) r.entries = out[i].entries!.map((e, k) => (k === 0 ? { ...e, term: s.value } : e));
    if (s.how === 'snapshotTerm' && out[i].snapshot) r.snapshot = { ...out[i].snapshot, term: s.value };
    if (s.how === 'snapshotVoters' && out[i].snapshot) r.snapshot = { ...out[i].snapshot, config: { voters: s.value > 1 ? [] : ['n1', 'n1'] } };
    out[i] = r as unknown as PersistRecord;
    return out;
  }

  it('property: whatever append() accepts, a fresh load() returns; whatever it refuses leaves storage as it was', () => {
    let refusals = 0;
    let cases = 0;
    fc.assert(
      fc.property(fc.array(recordChoiceArb, { minLength: 1, maxLength: 12 }), sabotage, (choices, s) => {
        cases++;
        const records = applySabotage(buildRecords(choices), s);
        const store = new MemoryStore();
        const storage = new RaftStorage(store, OPTIONS);
        expect(storage.load().ok).toBe(true);
        for (const record of records) {
          const before = store.dump();
          try {
            storage.append(record);
          } catch (e) {
            expect(e).toBeInstanceOf(PersistSequenceError);
            expect(store.dump()).toEqual(before);
            refusals++;
            return;
          }
          const reloaded = new RaftStorage(store, OPTIONS).load();
          if (!reloaded.ok) throw new Error(`append accepted seq ${record.seq} but load refuses: ${reloaded.error.message}`);
          expect(reloaded.state).toEqual(storage.state);
        }
      }),
      { seed: 9001, numRuns: 400 },
    );
    expect(cases).toBe(400);
    expect(refusals).toBeGreaterThan(100);
  });
});
