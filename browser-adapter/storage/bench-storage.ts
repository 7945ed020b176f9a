// Micro benchmark of RaftStorage on the in-memory store: appends per second for batches of 1 and
// 64 entries, plus what each append costs in store calls and units written. It measures this
// module's own overhead (serialising, checksumming, planning); in a browser each setItem adds
// about 20-30 us on top (field notes), so setItem calls per append is the number to watch there.
//
//   node -r ts-node/register/transpile-only browser-adapter/storage/bench-storage.ts [seconds-per-case]

import type { Entry } from '../../core';
import type { KeyValueStore } from './key-value-store';
import { MemoryStore } from './memory-store';
import { RaftStorage } from './raft-storage';

class MeteredStore implements KeyValueStore {
  sets = 0;
  setUnits = 0;
  constructor(private readonly inner: MemoryStore) {}
  getItem(k: string) {
    return this.inner.getItem(k);
  }
  setItem(k: string, v: string) {
    this.sets++;
    this.setUnits += k.length + v.length;
    this.inner.setItem(k, v);
  }
  removeItem(k: string) {
    this.inner.removeItem(k);
  }
  keys() {
    return this.inner.keys();
  }
}

interface Case {
  readonly batch: number;
  readonly dataBytes: number;
  /** Compact every this many entries, keeping the log short as a running node would. */
  readonly compactEvery: number;
}

function run(c: Case, seconds: number) {
  const store = new MeteredStore(new MemoryStore());
  const storage = new RaftStorage(store, { cluster: 'bench', node: 'n1' });
  const loaded = storage.load();
  if (!loaded.ok) throw loaded.error;
  const payload = 'x'.repeat(c.dataBytes);
  let seq = 0;
  let last = 0;
  let appends = 0;
  let sinceCompaction = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let rep = 0; rep < 50; rep++) {
      const entries: Entry[] = [];
      for (let k = 0; k < c.batch; k++) entries.push({ term: 1, type: 'Normal', data: `${payload}${last + k}` });
      storage.append({ seq: ++seq, term: 1, appendFrom: last + 1, entries });
      last += c.batch;
      appends++;
      sinceCompaction += c.batch;
      if (sinceCompaction >= c.compactEvery) {
        storage.append({ seq: ++seq, snapshot: { index: last - 100, term: 1, config: { voters: ['n1'] }, data: `state@${last}` } });
        sinceCompaction = 0;
      }
    }
  }
  const elapsed = (performance.now() - start) / 1000;
  return {
    case: `batch=${c.batch} data=${c.dataBytes}B log<=${c.compactEvery + 100}`,
    appendsPerSec: Math.round(appends / elapsed),
    entriesPerSec: Math.round((appends * c.batch) / elapsed),
    usPerAppend: +((elapsed * 1e6) / appends).toFixed(2),
    setItemPerAppend: +(store.sets / seq).toFixed(2),
    unitsWrittenPerEntry: Math.round(store.setUnits / last),
  };
}

const seconds = Number(process.argv[2] ?? 1.5);
// A browser node compacts often (localStorage is small), so the log stays around a thousand
// entries; the last two cases let it grow to 20k to show what a long log costs per append.
const cases: Case[] = [
  { batch: 1, dataBytes: 32, compactEvery: 1_000 },
  { batch: 64, dataBytes: 32, compactEvery: 1_000 },
  { batch: 1, dataBytes: 256, compactEvery: 1_000 },
  { batch: 64, dataBytes: 256, compactEvery: 1_000 },
  { batch: 1, dataBytes: 32, compactEvery: 20_000 },
  { batch: 64, dataBytes: 32, compactEvery: 20_000 },
];
run(cases[0], 0.3); // warm up the JIT
console.table(cases.map((c) => run(c, seconds)));
