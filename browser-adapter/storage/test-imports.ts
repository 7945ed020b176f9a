// Type re-exports for the storage tests, so each test file imports from one place.
export type { Entry, PersistRecord, DurableState } from '../../core';
export type { KeyValueStore } from './key-value-store';
