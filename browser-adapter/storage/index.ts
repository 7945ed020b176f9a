// The browser adapter's durable storage: what the tick driver needs to persist a node and
// restart it. Typical use:
//   const storage = new RaftStorage(new LocalStorageStore(), { cluster, node });
//   const loaded = storage.load();            // refuse to start the node when !loaded.ok
//   let state = restartState(config, loaded.state, loaded.lastSeq);
//   ... for each Output with persist: storage.append(persist); then step PersistAck{seq}.
export type { KeyValueStore } from './key-value-store';
export { isQuotaExceededError, makeQuotaExceededError } from './key-value-store';
export { LocalStorageStore } from './local-storage-store';
export type { WebStorageLike } from './local-storage-store';
export { MemoryStore } from './memory-store';
export type { MemoryStoreOptions } from './memory-store';
export { CrashingStore, SimulatedCrash } from './crashing-store';
export { RaftStorage, DEFAULT_STORAGE_LIMITS } from './raft-storage';
export type { RaftStorageOptions, LoadResult, LoadError, StorageUsage } from './raft-storage';
export { StorageCorruption, StorageFull, StorageUnavailable } from './errors';
export { FencedStore, FencedOut, ownerKey } from './fenced-store';
export type { CorruptionReason } from './errors';
export { keyPrefix, FORMAT_VERSION } from './layout';
export { fnv1a32, checksumHex } from './checksum';
