// An in-memory KeyValueStore for Node tests and benchmarks. It can enforce a quota the way
// browsers do for localStorage: keys plus values, counted in UTF-16 code units.

import { KeyValueStore, makeQuotaExceededError } from './key-value-store';

export interface MemoryStoreOptions {
  /** Past this many UTF-16 code units (keys plus values) setItem throws QuotaExceededError. */
  readonly quotaUnits?: number;
}

export class MemoryStore implements KeyValueStore {
  private readonly map = new Map<string, string>();
  private used = 0;
  readonly quotaUnits: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.quotaUnits = options.quotaUnits ?? Infinity;
  }

  getItem(key: string): string | null {
    const value = this.map.get(key);
    return value === undefined ? null : value;
  }

  setItem(key: string, value: string): void {
    key = String(key);
    value = String(value);
    const old = this.map.get(key);
    const after = old === undefined ? this.used + key.length + value.length : this.used - old.length + value.length;
    if (after > this.quotaUnits) {
      throw makeQuotaExceededError(`MemoryStore: writing ${key} would use ${after} of ${this.quotaUnits} units`);
    }
    this.map.set(key, value);
    this.used = after;
  }

  removeItem(key: string): void {
    const old = this.map.get(key);
    if (old === undefined) return;
    this.map.delete(key);
    this.used -= key.length + old.length;
  }

  keys(): string[] {
    return Array.from(this.map.keys());
  }

  /** UTF-16 code units in use, keys plus values. */
  get usedUnits(): number {
    return this.used;
  }

  get size(): number {
    return this.map.size;
  }

  /** An independent copy (same quota): tests fork a store to replay a crash at every point. */
  clone(): MemoryStore {
    const copy = new MemoryStore({ quotaUnits: this.quotaUnits });
    for (const [k, v] of this.map) copy.setItem(k, v);
    return copy;
  }

  /** A plain object of every key and value, for assertions. */
  dump(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}
