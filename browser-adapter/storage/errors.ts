import type { DurableInvariant } from '../../core';

// Typed failures of RaftStorage. A node whose storage fails to load must refuse to take part in
// the cluster: voting or acknowledging entries with a damaged log could break Raft's safety.

export type CorruptionReason =
  /** A key the metadata refers to is absent. */
  | 'MissingKey'
  /** The stored checksum does not match the content. */
  | 'ChecksumMismatch'
  /** The checksum matches but the content is not JSON. */
  | 'Unparseable'
  /** Written by a format this code does not read. */
  | 'UnsupportedVersion'
  /** JSON of the wrong shape (a field missing or of the wrong type). */
  | 'BadShape'
  /** Each value is well formed, but they disagree (gaps in the log, wrong counts, ...). */
  | 'Inconsistent'
  /**
   * Everything is well formed and consistent, but the state breaks a Raft invariant that every
   * correct writer keeps (`invariant` names it): forged, or written by a buggy node.
   */
  | 'BrokenInvariant';

export class StorageCorruption extends Error {
  override readonly name = 'StorageCorruption';
  constructor(
    /** The storage key holding the bad (or missing) value. */
    readonly key: string,
    readonly reason: CorruptionReason,
    readonly detail: string,
    /** For reason 'BrokenInvariant': which one. */
    readonly invariant?: DurableInvariant,
  ) {
    super(`${reason}${invariant ? ` (${invariant})` : ''} at ${key}: ${detail}`);
  }
}

/**
 * The quota ran out during a write. Nothing was committed: storage still holds the previous
 * consistent state, and the record was not applied. Free space (compact the log) or stop the node.
 */
export class StorageFull extends Error {
  override readonly name = 'StorageFull';
  constructor(
    /** The key whose write hit the quota. */
    readonly key: string,
    /** UTF-16 code units this persist tried to add. */
    readonly attemptedUnits: number,
    override readonly cause: unknown,
  ) {
    super(`storage quota exceeded writing ${key} (${attemptedUnits} units attempted); the previous state is intact`);
  }
}

/**
 * The store cannot be used: not loaded yet, reading it threw, or an earlier write failed in a way
 * that leaves this instance unsure what is on disk. Reload (a new RaftStorage and load()) to recover.
 */
export class StorageUnavailable extends Error {
  override readonly name = 'StorageUnavailable';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}
