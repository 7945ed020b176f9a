import { MemoryStore } from './memory-store';
import { LocalStorageStore, WebStorageLike } from './local-storage-store';
import { CrashingStore, SimulatedCrash } from './crashing-store';
import { isQuotaExceededError } from './key-value-store';

describe('MemoryStore', () => {
  it('stores, replaces and removes values', () => {
    const s = new MemoryStore();
    expect(s.getItem('a')).toBeNull();
    s.setItem('a', '1');
    s.setItem('a', '22');
    s.setItem('b', '');
    expect(s.getItem('a')).toBe('22');
    expect(s.getItem('b')).toBe('');
    expect(s.keys().sort()).toEqual(['a', 'b']);
    s.removeItem('a');
    s.removeItem('missing');
    expect(s.keys()).toEqual(['b']);
  });

  it('counts keys plus values in UTF-16 units', () => {
    const s = new MemoryStore();
    s.setItem('key', 'value');
    s.setItem('k2', '😀'); // two code units
    expect(s.usedUnits).toBe(3 + 5 + 2 + 2);
    s.setItem('key', 'v');
    expect(s.usedUnits).toBe(3 + 1 + 2 + 2);
    s.removeItem('key');
    expect(s.usedUnits).toBe(4);
  });

  it('throws a QuotaExceededError past the quota and keeps the old value', () => {
    const s = new MemoryStore({ quotaUnits: 10 });
    s.setItem('k', '123456789'); // exactly 10
    let thrown: unknown;
    try {
      s.setItem('k', '1234567890');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeDefined();
    expect((thrown as Error).name).toBe('QuotaExceededError');
    expect(isQuotaExceededError(thrown)).toBe(true);
    expect(s.getItem('k')).toBe('123456789');
    expect(s.usedUnits).toBe(10);
    expect(() => s.setItem('x', '')).toThrow(/units/);
    s.setItem('k', '1'); // shrinking is always allowed
    s.setItem('x', '');
  });

  it('clone is independent', () => {
    const s = new MemoryStore();
    s.setItem('a', '1');
    const c = s.clone();
    c.setItem('a', '2');
    expect(s.getItem('a')).toBe('1');
    expect(c.dump()).toEqual({ a: '2' });
  });
});

describe('isQuotaExceededError', () => {
  it('recognises the browser variants and nothing else', () => {
    expect(isQuotaExceededError(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaExceededError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaExceededError({ code: 1014 })).toBe(true);
    expect(isQuotaExceededError(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaExceededError(new DOMException('x', 'SecurityError'))).toBe(false);
    expect(isQuotaExceededError(null)).toBe(false);
    expect(isQuotaExceededError('QuotaExceededError')).toBe(false);
  });
});

describe('LocalStorageStore', () => {
  function fakeStorage(): WebStorageLike & { map: Map<string, string> } {
    const map = new Map<string, string>();
    return {
      map,
      get length() {
        return map.size;
      },
      key: (i) => Array.from(map.keys())[i] ?? null,
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
      removeItem: (k) => void map.delete(k),
    };
  }

  it('delegates to a Web Storage object and lists its keys', () => {
    const storage = fakeStorage();
    const s = new LocalStorageStore(storage);
    s.setItem('a', '1');
    s.setItem('b', '2');
    s.removeItem('a');
    expect(s.getItem('b')).toBe('2');
    expect(s.keys()).toEqual(['b']);
    expect(storage.map.get('b')).toBe('2');
  });

  it('says clearly when there is no localStorage', () => {
    expect(() => new LocalStorageStore()).toThrow(/no localStorage/);
  });
});

describe('CrashingStore', () => {
  it('lets k mutations through, then fails every call', () => {
    const inner = new MemoryStore();
    const s = new CrashingStore(inner, 2);
    s.setItem('a', '1');
    s.removeItem('a');
    expect(() => s.setItem('b', '2')).toThrow(SimulatedCrash);
    expect(inner.getItem('b')).toBeNull();
    expect(() => s.getItem('a')).toThrow(SimulatedCrash);
    expect(() => s.keys()).toThrow(SimulatedCrash);
    expect(s.mutations).toBe(2);
  });
});
