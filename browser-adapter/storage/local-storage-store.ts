// KeyValueStore over the Web Storage API (window.localStorage in the browser).

import type { KeyValueStore } from './key-value-store';

/** The slice of the Web Storage interface this adapter uses; any Storage object satisfies it. */
export interface WebStorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class LocalStorageStore implements KeyValueStore {
  private readonly storage: WebStorageLike;

  /**
   * @param storage defaults to `globalThis.localStorage`. Reading that property can itself throw
   * (SecurityError when storage is disabled for the origin); the error surfaces here, at
   * construction, rather than at the first write.
   */
  constructor(storage?: WebStorageLike) {
    const chosen = storage ?? (globalThis as { localStorage?: WebStorageLike }).localStorage;
    if (!chosen) throw new Error('LocalStorageStore: no localStorage in this environment (pass a Storage object)');
    this.storage = chosen;
  }

  getItem(key: string): string | null {
    return this.storage.getItem(key);
  }

  setItem(key: string, value: string): void {
    this.storage.setItem(key, value);
  }

  removeItem(key: string): void {
    this.storage.removeItem(key);
  }

  keys(): string[] {
    const keys: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key !== null) keys.push(key);
    }
    return keys;
  }
}
