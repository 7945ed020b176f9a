// Durable states that no correct node writes, one per way of breaking a durable invariant
// (core/durable-invariants.ts). Each storage layer's tests forge them on its own medium, with
// valid checksums, and expect them refused with the invariant named.

import type { DurableInvariant } from '../durable-invariants';
import { MAX_TERM } from '../terms';
import type { DurableState, Entry, Snapshot } from '../types';

export const FORGED_VOTERS: readonly string[] = ['n1', 'n2', 'n3'];
export const forgedEntry = (term: number, data = `t${term}`): Entry => ({ term, type: 'Normal', data });
export const forgedSnapshot = (index: number, term: number, voters: readonly string[] = FORGED_VOTERS): Snapshot => ({ index, term, config: { voters }, data: `s${index}` });

/** The state every forged one differs from in one fault: it satisfies every invariant. */
export const VALID_STATE: DurableState = { term: 4, votedFor: 'n2', snapshot: forgedSnapshot(3, 2), entries: [forgedEntry(2), forgedEntry(3), forgedEntry(4)] };

const e = forgedEntry;
const snap = forgedSnapshot;
const valid = VALID_STATE;

/** [invariant, what, state]: the seven states first found loading without complaint, then other ways to break one. */
export const FORGED_STATES: readonly (readonly [DurableInvariant, string, DurableState])[] = [
  ['LogTermsNonDecreasing', 'log terms going backward', { ...valid, entries: [e(2), e(4), e(3)] }],
  ['EntryTermNotAboveCurrent', 'an entry term above the current term', { ...valid, entries: [e(2), e(3), e(5)] }],
  ['SnapshotTermNotAboveCurrent', 'a snapshot term above the current term', { ...valid, snapshot: snap(3, 5), entries: [] }],
  ['LogFollowsSnapshotTerm', 'a first entry term below the snapshot\'s term', { ...valid, entries: [e(1), e(3)] }],
  ['VoteForMember', 'a vote for a node that is not a member', { ...valid, votedFor: 'n9' }],
  ['SnapshotHasVoters', 'a snapshot configuration with no voters', { ...valid, snapshot: snap(3, 2, []) }],
  ['TermInRange', 'a current term of 2^53 - 1', { ...valid, term: 2 ** 53 - 1 }],
  ['TermInRange', 'a current term just above MAX_TERM', { ...valid, term: MAX_TERM + 1 }],
  ['TermInRange', 'a fractional entry term', { ...valid, entries: [e(2), e(2.5)] }],
  ['SnapshotHasVoters', 'a snapshot configuration naming a voter twice', { ...valid, snapshot: snap(3, 2, ['n1', 'n1']) }],
  ['WellFormed', 'an entry of unknown type', { ...valid, entries: [{ term: 2, type: 'Weird' as 'Normal', data: '' }] }],
];
