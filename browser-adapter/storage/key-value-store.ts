// The one storage primitive the browser adapter needs: a synchronous string map. localStorage is
// the first implementation; anything else (an in-memory map for Node tests, a fault-injecting
// wrapper) only has to provide these four calls.
//
// The interface is synchronous on purpose: a write is durable when setItem has returned, which is
// what lets RaftStorage acknowledge a PersistRecord without an extra round trip through the event
// loop. An IndexedDB backend would need either a write-behind cache (and then an explicit
// "durable up to" callback) or an async variant of this interface; RaftStorage keeps every store
// call in a few private methods so that change stays local.

export interface KeyValueStore {
  /** The stored value, or null when the key is absent. */
  getItem(key: string): string | null;
  /** Replaces the value atomically: after a throw the old value (or absence) is still in place. */
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  /** Every key present now, in no particular order. Used to find leftovers after a crash. */
  keys(): string[];
}

/**
 * True for the error browsers throw when an origin's storage quota is exhausted. Chromium and the
 * spec use the name 'QuotaExceededError' (legacy code 22); old Firefox used
 * 'NS_ERROR_DOM_QUOTA_REACHED' (code 1014).
 */
export function isQuotaExceededError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}

/** A DOMException named QuotaExceededError where the platform has DOMException (browsers, Node >= 17). */
export function makeQuotaExceededError(message: string): Error {
  if (typeof DOMException === 'function') return new DOMException(message, 'QuotaExceededError');
  const error = new Error(message);
  error.name = 'QuotaExceededError';
  return error;
}
