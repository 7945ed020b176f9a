// The durable-state invariants (durable-invariants.ts): each forged state is refused with the
// invariant it breaks, every state a correct writer produces passes, and the incremental check
// used on writes (recordViolation) agrees with the whole-state check used on loads.

import fc from 'fast-check';
import { DURABLE_INVARIANTS, DurableInvariant, checkDurableState, recordViolation } from './durable-invariants';
import { applyPersistRecord, DurableInvariantError, EMPTY_DURABLE_STATE, PersistSequenceError } from './persist';
import { MAX_TERM } from './terms';
import { TestCluster } from './testing/cluster';
import { FORGED_STATES, FORGED_VOTERS, VALID_STATE, forgedEntry, forgedSnapshot } from './testing/forged-states';
import type { DurableState, Entry, PersistRecord } from './types';

const VOTERS = FORGED_VOTERS;
const e = forgedEntry;
const snap = forgedSnapshot;
const valid = VALID_STATE;

describe('checkDurableState', () => {
  it('passes the valid baseline (so each forged state below fails for its one fault)', () => {
    expect(checkDurableState(valid)).toBeNull();
    expect(checkDurableState(EMPTY_DURABLE_STATE)).toBeNull();
  });

  it.each(FORGED_STATES)('refuses %s: %s', (invariant, _what, state) => {
    expect(checkDurableState(state, { voters: VOTERS })).toEqual({ invariant, detail: expect.any(String) });
  });

  it('covers every invariant it names', () => {
    expect(new Set(FORGED_STATES.map(([name]) => name))).toEqual(new Set(DURABLE_INVARIANTS));
  });

  it('checks a vote against the node ids the deployment knows, and not at all without them', () => {
    const noSnapshot: DurableState = { term: 2, votedFor: 'n9', snapshot: null, entries: [e(1)] };
    expect(checkDurableState(noSnapshot)).toBeNull();
    expect(checkDurableState(noSnapshot, { voters: VOTERS })?.invariant).toBe('VoteForMember');
    expect(checkDurableState({ ...noSnapshot, votedFor: 'n3' }, { voters: VOTERS })).toBeNull();
    // Not against the snapshot's configuration: under membership changes a node may vote for a
    // voter that only a Config entry named, since cut from its log by a leader of the same term.
    expect(checkDurableState({ ...valid, votedFor: 'n7' }, { voters: ['n1', 'n7'] })).toBeNull();
    expect(checkDurableState({ ...valid, votedFor: 'n7' })).toBeNull();
    expect(checkDurableState({ ...valid, votedFor: 'n8' }, { voters: ['n1', 'n7'] })?.invariant).toBe('VoteForMember');
  });
});

describe('writes refuse what loads would refuse', () => {
  it.each<[DurableInvariant, PersistRecord]>([
    ['TermInRange', { seq: 1, term: 2 ** 53 - 1 }],
    ['TermInRange', { seq: 1, term: -1 }],
    ['EntryTermNotAboveCurrent', { seq: 1, appendFrom: 7, entries: [e(5)] }],
    ['LogTermsNonDecreasing', { seq: 1, appendFrom: 7, entries: [e(4), e(3)] }],
    ['LogTermsNonDecreasing', { seq: 1, appendFrom: 7, entries: [e(3)] }],
    ['LogFollowsSnapshotTerm', { seq: 1, snapshot: snap(9, 3), appendFrom: 10, entries: [e(2)] }],
    ['SnapshotTermNotAboveCurrent', { seq: 1, snapshot: snap(9, 5) }],
    ['SnapshotHasVoters', { seq: 1, snapshot: snap(9, 4, []) }],
    ['EntryTermNotAboveCurrent', { seq: 1, term: 3 }],
  ])('%s: applyPersistRecord refuses %j with DurableInvariantError and leaves the state as it was', (invariant, record) => {
    const before = JSON.stringify(valid);
    let caught: unknown;
    try {
      applyPersistRecord(valid, record);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DurableInvariantError);
    expect(caught).toBeInstanceOf(PersistSequenceError);
    expect((caught as DurableInvariantError).violation.invariant).toBe(invariant);
    expect(JSON.stringify(valid)).toBe(before);
  });

  it('VoteForMember: a write is judged against the node ids storage was given, like its load', () => {
    expect(() => applyPersistRecord(valid, { seq: 1, term: 5, votedFor: 'n9' }, { voters: VOTERS })).toThrow(DurableInvariantError);
    expect(applyPersistRecord(valid, { seq: 1, term: 5, votedFor: 'n9' }).votedFor).toBe('n9');
  });

  it('every state a correct cluster writes passes, on every node, after every step (TestCluster storage applies with the check)', () => {
    const cluster = new TestCluster({ size: 3, seed: 7, config: { preVote: true } });
    const leader = cluster.electLeader();
    for (let i = 0; i < 30; i++) cluster.propose(leader, `v${i}`);
    cluster.deliverAll();
    cluster.input(leader, { type: 'Snapshot', index: cluster.state(leader).commitIndex, data: 'kv' });
    cluster.crash(leader);
    const next = cluster.electLeader(2000);
    cluster.propose(next, 'after');
    cluster.deliverAll();
    for (const id of cluster.ids) expect(checkDurableState(cluster.node(id).durable, { voters: cluster.ids })).toBeNull();
  });
});

// -------------------------------------------------------------------------------------------------
// recordViolation against checkDurableState on the applied result: the write check looks only at
// what a record changes; it must refuse exactly the records whose result the load check refuses.
// -------------------------------------------------------------------------------------------------

/** The record semantics, written the slow, obvious way (index by index): the oracle. */
function applyNaively(state: DurableState, r: PersistRecord): DurableState {
  const byIndex = new Map<number, Entry>();
  const base = state.snapshot ? state.snapshot.index : 0;
  state.entries.forEach((x, i) => byIndex.set(base + 1 + i, x));
  let snapshot = state.snapshot;
  if (r.snapshot) {
    const matches = byIndex.get(r.snapshot.index)?.term === r.snapshot.term;
    for (const index of [...byIndex.keys()]) if (!matches || index <= r.snapshot.index) byIndex.delete(index);
    snapshot = r.snapshot;
  }
  if (r.truncateFrom !== undefined) for (const index of [...byIndex.keys()]) if (index >= r.truncateFrom) byIndex.delete(index);
  (r.entries ?? []).forEach((x, i) => byIndex.set((r.appendFrom as number) + i, x));
  const entries = [...byIndex.keys()].sort((a, b) => a - b).map((k) => byIndex.get(k) as Entry);
  return { term: r.term ?? state.term, votedFor: r.votedFor !== undefined ? r.votedFor : state.votedFor, snapshot, entries };
}

const validStateArb: fc.Arbitrary<DurableState> = fc
  .record({
    steps: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 8 }),
    start: fc.integer({ min: 1, max: 3 }),
    snapshotIndex: fc.option(fc.integer({ min: 1, max: 6 })),
    extraTerm: fc.integer({ min: 0, max: 2 }),
    vote: fc.constantFrom(null, 'n1', 'n3'),
  })
  .map(({ steps, start, snapshotIndex, extraTerm, vote }) => {
    let t = start;
    const entries = steps.map((s, i) => e((t += s === 0 ? 1 : 0), `x${i}`));
    const snapshot = snapshotIndex === null ? null : snap(snapshotIndex, start);
    const last = entries.length ? entries[entries.length - 1].term : snapshot ? snapshot.term : 0;
    return { term: last + extraTerm, votedFor: vote, snapshot, entries };
  });

/** Records that follow the state (so only invariants, not sequence rules, can refuse them). */
function recordArb(state: DurableState): fc.Arbitrary<PersistRecord> {
  const top = state.term;
  // Mostly plausible terms (around the current one), sometimes absurd ones.
  const termOf = fc.oneof(
    { arbitrary: fc.integer({ min: Math.max(0, top - 2), max: top + 2 }), weight: 8 },
    { arbitrary: fc.constantFrom(MAX_TERM, MAX_TERM + 1, 2 ** 53 - 1, -1, 1.5), weight: 1 },
  );
  const votersOf = fc.oneof({ arbitrary: fc.constant(VOTERS), weight: 6 }, { arbitrary: fc.constantFrom(['n1'], [] as string[]), weight: 1 });
  return fc
    .record({
      term: fc.option(termOf, { nil: undefined }),
      votedFor: fc.option(fc.constantFrom(null, 'n1', 'n2', 'n9'), { nil: undefined }),
      snapshot: fc.option(fc.record({ index: fc.integer({ min: 1, max: 12 }), term: termOf, voters: votersOf }), { nil: undefined, freq: 3 }),
      truncateAt: fc.option(fc.nat(12), { nil: undefined }),
      entryTerms: fc.oneof(fc.array(termOf, { maxLength: 4 }), termOf.map((t) => [t, t])),
    })
    .map(({ term, votedFor, snapshot: s, truncateAt, entryTerms }) => {
      const r: { -readonly [K in keyof PersistRecord]: PersistRecord[K] } = { seq: 1 };
      if (term !== undefined) r.term = term;
      if (votedFor !== undefined) r.votedFor = votedFor;
      let base = state.snapshot ? state.snapshot.index : 0;
      let last = base + state.entries.length;
      if (s) {
        r.snapshot = snap(s.index, s.term, s.voters);
        const kept = applyNaively(state, { seq: 0, snapshot: r.snapshot });
        base = s.index;
        last = base + kept.entries.length;
      }
      if (truncateAt !== undefined) {
        r.truncateFrom = Math.min(last + 1, base + 1 + truncateAt);
        last = r.truncateFrom - 1;
      }
      if (entryTerms.length > 0) {
        r.appendFrom = last + 1;
        r.entries = entryTerms.map((t, i) => e(t, `r${i}`));
      }
      return r;
    });
}

describe('recordViolation agrees with checkDurableState on the result', () => {
  it('property: a record is refused exactly when its result breaks an invariant', () => {
    let refused = 0;
    let accepted = 0;
    fc.assert(
      fc.property(validStateArb.chain((state) => fc.tuple(fc.constant(state), recordArb(state))), ([state, record]) => {
        expect(checkDurableState(state)).toBeNull();
        const predicted = recordViolation(state, record);
        const actual = checkDurableState(applyNaively(state, record));
        expect(predicted === null).toBe(actual === null);
        if (predicted === null) {
          expect(applyPersistRecord(state, record)).toEqual(applyNaively(state, record));
          accepted++;
        } else {
          expect(() => applyPersistRecord(state, record)).toThrow(DurableInvariantError);
          refused++;
        }
      }),
      { seed: 5309, numRuns: 2000 },
    );
    // Both outcomes are exercised in earnest.
    expect(Math.min(refused, accepted)).toBeGreaterThan(300);
  });
});
