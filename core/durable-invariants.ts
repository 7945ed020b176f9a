// The invariants of a node's durable state: what every state a correct node writes satisfies, so
// a state that breaks one was forged or damaged, and must not be restored. Checksums catch damage
// to bytes; these catch a state that is well formed byte by byte but impossible for Raft (a log
// whose terms go backward, a vote for a stranger, a term nobody can exceed).
//
// One checker serves every storage layer: the browser's RaftStorage on load, the simulator's disk
// on restore, and applyPersistRecord on every write (through recordViolation), so storage never
// accepts a record whose result its own load would refuse.
//
// Each invariant is one that core keeps for every input it accepts, hostile messages included
// (validateMessage and the term range in ./terms see to the inputs): otherwise a peer could make
// a node write a state that the node then refuses to restart from.

import type { DurableState, Entry, NodeId, PersistRecord, Snapshot, SnapshotMeta, Term } from './types';
import { MAX_TERM, isTerm } from './terms';

export type DurableInvariant =
  /** Every term stored (the current term, each entry's, the snapshot's) is an integer in [0, MAX_TERM]. */
  | 'TermInRange'
  /** Fields have the types storage can write and read back: string ids and data, integer indices, known entry types. */
  | 'WellFormed'
  /** No log entry has a term above the current term (a node adopts a term before storing its entries). */
  | 'EntryTermNotAboveCurrent'
  /** The snapshot's term is not above the current term. */
  | 'SnapshotTermNotAboveCurrent'
  /** Terms never decrease along the log (§5.3: a leader appends only entries of its own term). */
  | 'LogTermsNonDecreasing'
  /** The first entry after the snapshot has a term at least the snapshot's (the same rule across the boundary). */
  | 'LogFollowsSnapshotTerm'
  /** The vote, if any, went to a voter of the configuration. */
  | 'VoteForMember'
  /** The snapshot's configuration has at least one voter, each a distinct node id. */
  | 'SnapshotHasVoters';

export const DURABLE_INVARIANTS: readonly DurableInvariant[] = [
  'TermInRange', 'WellFormed', 'EntryTermNotAboveCurrent', 'SnapshotTermNotAboveCurrent', 'LogTermsNonDecreasing', 'LogFollowsSnapshotTerm',
  'VoteForMember', 'SnapshotHasVoters',
];

export interface DurableViolation {
  readonly invariant: DurableInvariant;
  readonly detail: string;
}

export interface DurableCheckOptions {
  /**
   * Every node id the deployment may ever have (voters, and nodes that may join), for
   * VoteForMember. Without it the vote is not checked: storage alone cannot know them.
   */
  readonly voters?: readonly NodeId[];
}

const violation = (invariant: DurableInvariant, detail: string): DurableViolation => ({ invariant, detail });

const ENTRY_TYPES: ReadonlySet<unknown> = new Set(['Normal', 'Noop', 'Config']);

function snapshotViolation(snapshot: Snapshot, term: Term): DurableViolation | null {
  if (!Number.isSafeInteger(snapshot.index) || snapshot.index < 0 || typeof snapshot.data !== 'string') {
    return violation('WellFormed', `a snapshot needs an integer index >= 0 and string data, got index ${snapshot.index} and data of type ${typeof snapshot.data}`);
  }
  if (!isTerm(snapshot.term)) return violation('TermInRange', `snapshot term ${snapshot.term} is not an integer in [0, ${MAX_TERM}]`);
  if (snapshot.term > term) {
    return violation('SnapshotTermNotAboveCurrent', `snapshot term ${snapshot.term} is above the current term ${term}`);
  }
  const voters: unknown = snapshot.config?.voters;
  if (!Array.isArray(voters) || voters.length === 0 || !voters.every((v) => typeof v === 'string' && v !== '') || new Set(voters).size !== voters.length) {
    return violation('SnapshotHasVoters', `snapshot at ${snapshot.index} has configuration ${JSON.stringify(snapshot.config)}; it needs at least one voter, each a distinct node id`);
  }
  return null;
}

function voteViolation(votedFor: NodeId | null, options: DurableCheckOptions): DurableViolation | null {
  if (votedFor === null) return null;
  if (typeof votedFor !== 'string') return violation('WellFormed', `votedFor must be a node id or null, got a ${typeof votedFor}`);
  // Judged against the node ids the deployment knows, never against a configuration in the state:
  // under membership changes a node may vote for a voter named only by a Config entry that a leader
  // of the same term later cut from its log, so no configuration it still holds names the candidate.
  // Without the deployment's ids there is nothing sound to judge the vote by.
  if (options.voters === undefined || options.voters.includes(votedFor)) return null;
  return violation('VoteForMember', `voted for ${JSON.stringify(votedFor)}, who is not among the known node ids ${JSON.stringify(options.voters)}`);
}

/**
 * Checks `entries`, the first at log index `firstIndex`, against the term before them
 * (`previousTerm`: the entry before, or the snapshot's term, or 0) and the current term.
 */
function logViolation(entries: readonly Entry[], previousTerm: Term, afterSnapshot: boolean, firstIndex: number, term: Term): DurableViolation | null {
  let previous = previousTerm;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const t = e.term;
    if (!isTerm(t)) return violation('TermInRange', `entry ${firstIndex + i} has term ${t}, not an integer in [0, ${MAX_TERM}]`);
    if (!ENTRY_TYPES.has(e.type) || typeof e.data !== 'string') return violation('WellFormed', `entry ${firstIndex + i} needs a type Normal, Noop or Config and string data`);
    if (t < previous) {
      return i === 0 && afterSnapshot
        ? violation('LogFollowsSnapshotTerm', `the first entry (index ${firstIndex}) has term ${t}, below the snapshot's term ${previous}`)
        : violation('LogTermsNonDecreasing', `entry ${firstIndex + i} has term ${t}, below the term ${previous} before it`);
    }
    previous = t;
  }
  // Terms do not decrease, so the last entry has the largest.
  if (entries.length > 0 && !(entries[entries.length - 1].term <= term)) {
    return violation('EntryTermNotAboveCurrent', `entry ${firstIndex + entries.length - 1} has term ${entries[entries.length - 1].term}, above the current term ${term}`);
  }
  return null;
}

/** The first invariant `state` breaks, or null. O(entries). */
export function checkDurableState(state: DurableState, options: DurableCheckOptions = {}): DurableViolation | null {
  if (!isTerm(state.term)) return violation('TermInRange', `current term ${state.term} is not an integer in [0, ${MAX_TERM}]`);
  const snapshot = state.snapshot;
  if (snapshot) {
    const broken = snapshotViolation(snapshot, state.term);
    if (broken) return broken;
  }
  const firstIndex = snapshot ? snapshot.index + 1 : 1;
  return logViolation(state.entries, snapshot ? snapshot.term : 0, snapshot !== null, firstIndex, state.term) ?? voteViolation(state.votedFor, options);
}

/**
 * Where the stored entries that outlive a new snapshot begin (an index into `entries`), or null
 * when none do: the log survives only past an entry matching the snapshot's index and term. The
 * one rule that both applying a record and checking it follow.
 */
export function entriesSurvivingSnapshot(entries: readonly Entry[], current: Snapshot | null, next: SnapshotMeta): number | null {
  const at = next.index - (current ? current.index + 1 : 1);
  return at >= 0 && at < entries.length && entries[at].term === next.term ? at + 1 : null;
}

/**
 * The first invariant that applying `record` to `state` would break, or null; `state` is assumed
 * to satisfy them all (storage checks it on load). Looks only at what the record changes, so it
 * costs O(entries in the record), and mutates nothing: a refused record leaves storage as it was.
 * It must agree with applyPersistRecordInPlace on what the record does (the property test in
 * durable-invariants.test.ts compares it with checkDurableState on the applied result).
 */
export function recordViolation(state: DurableState, record: PersistRecord, options: DurableCheckOptions = {}): DurableViolation | null {
  const term = record.term ?? state.term;
  if (!isTerm(term)) return violation('TermInRange', `term ${term} is not an integer in [0, ${MAX_TERM}]`);

  // The log the record keeps, as entries[keepFrom, keepTo) of one of the arrays, after its snapshot.
  let snapshot = state.snapshot;
  const entries = state.entries;
  let keepFrom = 0;
  let keepTo = entries.length;
  if (record.snapshot) {
    const broken = snapshotViolation(record.snapshot, term);
    if (broken) return broken;
    const survivesFrom = entriesSurvivingSnapshot(entries, snapshot, record.snapshot);
    keepFrom = survivesFrom ?? 0;
    keepTo = survivesFrom === null ? 0 : entries.length;
    snapshot = record.snapshot;
  } else if (snapshot && snapshot.term > term) {
    return violation('SnapshotTermNotAboveCurrent', `snapshot term ${snapshot.term} is above the new term ${term}`);
  }
  const firstIndex = snapshot ? snapshot.index + 1 : 1;
  if (record.truncateFrom !== undefined) keepTo = Math.max(keepFrom, Math.min(keepTo, keepFrom + record.truncateFrom - firstIndex));

  const votedFor = record.votedFor !== undefined ? record.votedFor : state.votedFor;
  const kept = keepTo - keepFrom;
  const beforeAppend: Term = kept > 0 ? entries[keepTo - 1].term : snapshot ? snapshot.term : 0;
  if (record.entries !== undefined && record.entries.length > 0) {
    // Only the seam and the new entries can break the order; the kept prefix was in order already.
    const broken = logViolation(record.entries, beforeAppend, kept === 0 && snapshot !== null, firstIndex + kept, term);
    if (broken) return broken;
  } else if (kept > 0 && beforeAppend > term) {
    return violation('EntryTermNotAboveCurrent', `entry ${firstIndex + kept - 1} has term ${beforeAppend}, above the new term ${term}`);
  }
  return voteViolation(votedFor, options);
}
