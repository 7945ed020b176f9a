// Damaged storage must never load as a plausible state: each kind of damage is reported as a
// StorageCorruption naming the key and the reason, and the node then refuses to write.

import type { Entry } from '../../core';
import { MemoryStore } from './memory-store';
import { RaftStorage, RaftStorageOptions } from './raft-storage';
import { CorruptionReason, StorageCorruption, StorageUnavailable } from './errors';
import { seal, unseal } from './checksum';

const OPTIONS: RaftStorageOptions = { cluster: 'c', node: 'n', maxEntriesPerChunk: 4, maxSnapshotPartUnits: 8 };
const META = 'raftbed/c/n/meta';
const entries = (n: number, from: number): Entry[] => Array.from({ length: n }, (_, i) => ({ term: 2, type: 'Normal', data: `v${from + i}` }));

/** A store holding a snapshot (3 parts), a log of 3 chunks and a vote. */
function healthyStore(): MemoryStore {
  const store = new MemoryStore();
  const storage = new RaftStorage(store, OPTIONS);
  expect(storage.load().ok).toBe(true);
  storage.append({ seq: 1, term: 2, votedFor: 'n2', appendFrom: 1, entries: entries(14, 1) });
  storage.append({ seq: 2, snapshot: { index: 3, term: 2, config: { voters: ['n1', 'n2'] }, data: 'snapshot-data-of-20!' } });
  const keys = store.keys();
  expect(keys.filter((k) => k.includes('/snap/'))).toHaveLength(3);
  expect(keys.filter((k) => k.includes('/log/'))).toHaveLength(4);
  return store;
}

const keyOf = (store: MemoryStore, part: string): string => {
  const key = store.keys().sort().find((k) => k.includes(part));
  if (!key) throw new Error(`no key with ${part}`);
  return key;
};

function expectCorruption(store: MemoryStore, key: string, reason: CorruptionReason, detail?: RegExp): StorageCorruption {
  const before = store.dump();
  const storage = new RaftStorage(store, OPTIONS);
  const result = storage.load();
  expect(result.ok).toBe(false);
  const error = (result as { error: unknown }).error;
  expect(error).toBeInstanceOf(StorageCorruption);
  const corruption = error as StorageCorruption;
  expect({ key: corruption.key, reason: corruption.reason }).toEqual({ key, reason });
  if (detail) expect(corruption.detail).toMatch(detail);
  // Evidence is preserved and the node cannot write over it.
  expect(store.dump()).toEqual(before);
  expect(() => storage.append({ seq: 3, term: 5 })).toThrow(StorageUnavailable);
  return corruption;
}

function flip(value: string, at: number): string {
  const c = value[at] === 'a' ? 'b' : 'a';
  return value.slice(0, at) + c + value.slice(at + 1);
}

/** Rewrites a sealed JSON value through `edit`, resealing it so the checksum is valid. */
function resealJson(store: MemoryStore, key: string, edit: (json: any) => unknown): void {
  const opened = unseal(store.getItem(key) as string);
  if (!opened.ok) throw new Error('not sealed');
  store.setItem(key, seal(JSON.stringify(edit(JSON.parse(opened.text)))));
}

describe('RaftStorage corruption detection', () => {
  it('loads the healthy store (the baseline the damage is applied to)', () => {
    const result = new RaftStorage(healthyStore(), OPTIONS).load();
    expect(result.ok && result.state.entries.map((e) => e.data)).toEqual(entries(11, 4).map((e) => e.data));
  });

  it('reports a flipped character in a chunk, the metadata or a snapshot part', () => {
    for (const part of ['/log/', '/meta', '/snap/']) {
      const store = healthyStore();
      const key = keyOf(store, part);
      store.setItem(key, flip(store.getItem(key) as string, 20));
      expectCorruption(store, key, 'ChecksumMismatch', /does not match/);
    }
  });

  it('never loads a store with any single character changed anywhere', () => {
    const pristine = healthyStore();
    let damaged = 0;
    for (const key of pristine.keys()) {
      const value = pristine.getItem(key) as string;
      for (let at = 0; at < value.length; at++) {
        const store = pristine.clone();
        store.setItem(key, flip(value, at));
        expect(new RaftStorage(store, OPTIONS).load().ok).toBe(false);
        damaged++;
      }
    }
    expect(damaged).toBeGreaterThan(400);
  });

  it('reports a missing chunk and a missing snapshot part', () => {
    for (const part of ['/log/', '/snap/']) {
      const store = healthyStore();
      const key = keyOf(store, part);
      store.removeItem(key);
      expectCorruption(store, key, 'MissingKey');
    }
  });

  it('reports content that is not JSON behind a valid checksum', () => {
    for (const part of ['/log/', '/meta']) {
      const store = healthyStore();
      const key = keyOf(store, part);
      store.setItem(key, seal('{"first":1,"e":[[2,0,"v1"]'));
      expectCorruption(store, key, 'Unparseable');
    }
  });

  it('reports an unknown format version', () => {
    const store = healthyStore();
    resealJson(store, META, (m) => ({ ...m, v: 2 }));
    expectCorruption(store, META, 'UnsupportedVersion', /version 2/);
  });

  it('reports values of the wrong shape', () => {
    const store = healthyStore();
    resealJson(store, META, (m) => ({ ...m, term: -1 }));
    expectCorruption(store, META, 'BadShape', /term/);

    const store2 = healthyStore();
    const chunk = keyOf(store2, '/log/');
    resealJson(store2, chunk, (c) => ({ ...c, e: [[2, 7, 'bad type code'], ...c.e.slice(1)] }));
    expectCorruption(store2, chunk, 'BadShape', /entry 0 must be/);

    const store3 = healthyStore();
    resealJson(store3, META, (m) => ({ ...m, snapshot: { ...m.snapshot, config: { voters: 'n1' } } }));
    expectCorruption(store3, META, 'BadShape', /voters/);
  });

  it('reports a stale chunk: a valid value, but not the version the metadata names', () => {
    const store = healthyStore();
    const [a, b] = store.keys().filter((k) => k.includes('/log/')).sort();
    store.setItem(a, store.getItem(b) as string);
    expectCorruption(store, a, 'ChecksumMismatch', /stale or foreign/);
  });

  it('reports metadata that disagrees with itself or its chunks', () => {
    const gap = healthyStore();
    resealJson(gap, META, (m) => ({ ...m, chunks: m.chunks.filter((_: unknown, i: number) => i !== 1) }));
    expectCorruption(gap, META, 'Inconsistent', /gap/);

    const short = healthyStore();
    resealJson(short, META, (m) => ({ ...m, last: m.last + 1 }));
    expectCorruption(short, META, 'Inconsistent', /not at the last index/);

    const first = healthyStore();
    resealJson(first, META, (m) => ({ ...m, first: 1 }));
    expectCorruption(first, META, 'Inconsistent', /does not follow the snapshot/);

    const count = healthyStore();
    resealJson(count, META, (m) => ({ ...m, chunks: m.chunks.map((c: number[], i: number) => (i === m.chunks.length - 1 ? [c[0], c[1], c[2] + 1, c[3]] : c)) }));
    expectCorruption(count, keyOf(count, '/log/3'), 'Inconsistent', /holds 2 entries/);

    const length = healthyStore();
    resealJson(length, META, (m) => ({ ...m, snapshot: { ...m.snapshot, length: 3 } }));
    expectCorruption(length, META, 'Inconsistent', /snapshot data/);
  });

  it('reports unreadable storage as StorageUnavailable, not as corruption', () => {
    const store = healthyStore();
    store.getItem = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    const result = new RaftStorage(store, OPTIONS).load();
    expect(!result.ok && result.error).toBeInstanceOf(StorageUnavailable);
    expect(!result.ok && result.error.message).toMatch(/denied/);
  });
});
