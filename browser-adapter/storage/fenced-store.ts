// One writer per node's storage: a fencing token stored beside the data and checked before every
// write. Two tabs of one origin share localStorage; if both ran the same node, the second would
// overwrite the first's acknowledged vote and log (a second vote in one term, an undone commit).
// The browser's Web Lock (browser-adapter/node/node-lock.ts) keeps a second tab from starting at
// all; this fence is what stops a writer that lost its lock, or that runs where Web Locks do not
// exist, from ever writing again.
//
//   <prefix>owner   "<epoch>:<tag>"   the writer that claimed the storage last
//
// claim() writes a new token with the next epoch; every setItem/removeItem first reads the owner
// key and refuses with FencedOut unless it still holds this store's token. Once fenced out, a
// store stays fenced out: only a new claim (a new tab, a reload) may write again, and it loads
// whatever the previous owner made durable.
//
// What it cannot do: localStorage has no compare-and-set, so a claim landing between an owner's
// check and its next setItem lets that one write through (and in Chromium another tab's writes
// reach this tab's view of localStorage a little later, which widens that window). The check
// after each write keeps the owner from acknowledging such a write, and the claimant's next
// commit replaces it. The Web Lock is the primary guard; the fence is the second line.

import type { KeyValueStore } from './key-value-store';

export const ownerKey = (prefix: string): string => `${prefix}owner`;

/** A write was refused because another writer claimed this node's storage (or the lock was lost). */
export class FencedOut extends Error {
  override readonly name = 'FencedOut';
  constructor(
    /** The owner key holding the fencing token. */
    readonly key: string,
    /** The token this writer claimed. */
    readonly token: string,
    /** The token found in its place (null when absent), or null when the fence was revoked. */
    readonly found: string | null,
    readonly detail: string,
  ) {
    super(`fenced out of ${key}: ${detail}; this writer will not write again`);
  }
}

interface OwnerToken {
  readonly epoch: number;
  readonly tag: string;
}

function parseOwner(value: string | null): OwnerToken | null {
  if (value === null) return null;
  const match = /^(\d{1,15}):([A-Za-z0-9_-]{1,64})$/.exec(value);
  return match ? { epoch: Number(match[1]), tag: match[2] } : null;
}

function randomTag(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  const words = c?.getRandomValues ? Array.from(c.getRandomValues(new Uint32Array(2))) : [Math.random() * 2 ** 32, Math.random() * 2 ** 32];
  return words.map((w) => (w >>> 0).toString(36)).join('');
}

export class FencedStore implements KeyValueStore {
  private fenced: FencedOut | null = null;

  private constructor(
    private readonly inner: KeyValueStore,
    /** The owner key this store checks. */
    readonly key: string,
    /** `<epoch>:<tag>`: what the owner key must hold for this store to write. */
    readonly token: string,
    /** 1 for the first claim of this storage, then 2, 3, ... */
    readonly epoch: number,
  ) {}

  /**
   * Takes over the storage under `prefix`: any store that claimed it before is fenced out from
   * its next write on. Call it before loading, so that what is loaded is the last state the
   * previous owner could write. Throws what the inner store throws (e.g. QuotaExceededError).
   */
  static claim(inner: KeyValueStore, prefix: string, tag: string = randomTag()): FencedStore {
    const key = ownerKey(prefix);
    const previous = parseOwner(inner.getItem(key));
    const epoch = (previous?.epoch ?? 0) + 1;
    const token = `${epoch}:${tag}`;
    if (parseOwner(token) === null) throw new RangeError(`FencedStore: tag must match [A-Za-z0-9_-]{1,64}, got ${JSON.stringify(tag)}`);
    inner.setItem(key, token);
    return new FencedStore(inner, key, token, epoch);
  }

  /** Null while this store may write; otherwise why it may not (it never may again). */
  verify(): FencedOut | null {
    if (this.fenced) return this.fenced;
    const found = this.inner.getItem(this.key);
    if (found !== this.token) {
      const who = parseOwner(found);
      const detail = who ? `epoch ${who.epoch} claimed this storage after epoch ${this.epoch}` : `the owner key holds ${found === null ? 'nothing' : 'an unreadable token'}`;
      this.fenced = new FencedOut(this.key, this.token, found, detail);
    }
    return this.fenced;
  }

  /** Stops this store writing for good (the tab lost its Web Lock: someone else may be writing). */
  revoke(reason: string): void {
    if (!this.fenced) this.fenced = new FencedOut(this.key, this.token, null, reason);
  }

  private check(): void {
    const fenced = this.verify();
    if (fenced) throw fenced;
  }

  getItem(key: string): string | null {
    return this.inner.getItem(key);
  }

  /**
   * Checks before the write, so a fenced-out writer changes nothing, and again after it: a claim
   * that landed between the check and the write (see the top of this file) must not let the
   * caller acknowledge what it wrote. The claimant loaded before that write, so the write is not
   * part of what the node acknowledged, and the claimant's next commit replaces it.
   */
  setItem(key: string, value: string): void {
    this.check();
    this.inner.setItem(key, value);
    this.check();
  }

  /** Removing the owner key itself is ignored: it belongs to the fence, and only a claim replaces it. */
  removeItem(key: string): void {
    this.check();
    if (key === this.key) return;
    this.inner.removeItem(key);
  }

  keys(): string[] {
    return this.inner.keys();
  }
}
