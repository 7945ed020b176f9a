// persist.ts (what a PersistRecord means to storage) and log.ts (term lookups used by fast
// backtracking).

import fc from 'fast-check';
import { applyPersistRecord, EMPTY_DURABLE_STATE, PersistSequenceError } from './persist';
import { compactTo, firstIndexOfTerm, lastIndex, lastIndexOfTerm, lastTerm, logFromEntries, termAt, truncateFrom, entriesBetween } from './log';
import { entriesOfTerms } from './testing/fixtures';
import type { DurableState, Snapshot } from './types';

const snap = (index: number, term: number, data = 's'): Snapshot => ({ index, term, config: { voters: ['n1'] }, data });

describe('applyPersistRecord', () => {
  it('hard state: term and votedFor change only when present; null clears the vote', () => {
    let d: DurableState = EMPTY_DURABLE_STATE;
    d = applyPersistRecord(d, { seq: 1, term: 3, votedFor: 'n2' });
    expect(d).toMatchObject({ term: 3, votedFor: 'n2' });
    d = applyPersistRecord(d, { seq: 2 });
    expect(d).toMatchObject({ term: 3, votedFor: 'n2' });
    d = applyPersistRecord(d, { seq: 3, term: 4, votedFor: null });
    expect(d).toMatchObject({ term: 4, votedFor: null });
  });

  it('appends must follow the stored log; truncation then append in one record', () => {
    let d = applyPersistRecord(EMPTY_DURABLE_STATE, { seq: 1, term: 3, appendFrom: 1, entries: entriesOfTerms([1, 1, 2]) });
    expect(d.entries.map((e) => e.term)).toEqual([1, 1, 2]);
    d = applyPersistRecord(d, { seq: 2, truncateFrom: 3, appendFrom: 3, entries: entriesOfTerms([3, 3], 3) });
    expect(d.entries.map((e) => e.term)).toEqual([1, 1, 3, 3]);
    expect(() => applyPersistRecord(d, { seq: 3, appendFrom: 7, entries: entriesOfTerms([3], 7) })).toThrow(PersistSequenceError);
    expect(() => applyPersistRecord(d, { seq: 3, appendFrom: 2, entries: entriesOfTerms([3], 2) })).toThrow(PersistSequenceError);
  });

  it('a snapshot keeps the suffix after a matching entry, drops the log otherwise; then later parts apply', () => {
    const d = applyPersistRecord(EMPTY_DURABLE_STATE, { seq: 1, term: 5, appendFrom: 1, entries: entriesOfTerms([1, 1, 2, 2]) });
    const kept = applyPersistRecord(d, { seq: 2, snapshot: snap(2, 1) });
    expect(kept.snapshot?.index).toBe(2);
    expect(kept.entries.map((e) => e.data)).toEqual(['i3t2', 'i4t2']);
    const dropped = applyPersistRecord(d, { seq: 2, snapshot: snap(3, 5) });
    expect(dropped.entries).toEqual([]);
    const beyond = applyPersistRecord(d, { seq: 2, snapshot: snap(9, 2), appendFrom: 10, entries: entriesOfTerms([2], 10) });
    expect(beyond.entries.map((e) => e.data)).toEqual(['i10t2']);
    expect(() => applyPersistRecord(kept, { seq: 3, truncateFrom: 2 })).toThrow(PersistSequenceError);
  });

  it('is pure: the given state is never modified', () => {
    const d = applyPersistRecord(EMPTY_DURABLE_STATE, { seq: 1, term: 2, appendFrom: 1, entries: entriesOfTerms([1, 1]) });
    const json = JSON.stringify(d);
    applyPersistRecord(d, { seq: 2, truncateFrom: 1, appendFrom: 1, entries: entriesOfTerms([2]) });
    applyPersistRecord(d, { seq: 2, appendFrom: 3, entries: entriesOfTerms([2], 3) });
    expect(JSON.stringify(d)).toBe(json);
    expect(EMPTY_DURABLE_STATE.entries).toEqual([]);
  });
});

describe('log lookups', () => {
  // Terms never decrease along a log; a snapshot may cut any prefix.
  const logArb = fc.tuple(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 80 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 3 })).map(([steps, cut, start]) => {
    let term = start;
    const terms = steps.map((s) => (term += s === 0 ? 1 : 0));
    const snapIndex = Math.min(cut, terms.length);
    const snapTerm = snapIndex === 0 ? 0 : terms[snapIndex - 1];
    return { terms, snapIndex, snapTerm, log: logFromEntries(snapIndex, snapTerm, entriesOfTerms(terms.slice(snapIndex), snapIndex + 1)) };
  });

  it('lastIndexOfTerm and firstIndexOfTerm agree with a linear scan', () => {
    fc.assert(fc.property(logArb, fc.integer({ min: 0, max: 30 }), fc.nat(100), ({ terms, snapIndex, snapTerm, log }, term, at) => {
      const termOf = (i: number) => (i === snapIndex ? snapTerm : terms[i - 1]);
      let expectedLast: number | undefined;
      for (let i = snapIndex; i <= terms.length; i++) if (termOf(i) === term) expectedLast = i;
      expect(lastIndexOfTerm(log, term)).toBe(expectedLast);
      const hi = Math.min(at, terms.length);
      let expectedFirst = hi < snapIndex + 1 ? snapIndex + 1 : hi;
      for (let i = snapIndex + 1; i <= hi; i++) if (termOf(i) >= term) { expectedFirst = i; break; }
      expect(firstIndexOfTerm(log, term, at)).toBe(expectedFirst);
    }), { seed: 17, numRuns: 500 });
  });

  it('termAt, lastIndex, lastTerm, truncateFrom, compactTo', () => {
    const log = logFromEntries(0, 0, entriesOfTerms([1, 1, 2, 3]));
    expect([lastIndex(log), lastTerm(log), termAt(log, 0), termAt(log, 3), termAt(log, 5)]).toEqual([4, 3, 0, 2, undefined]);
    expect(lastIndex(truncateFrom(log, 3))).toBe(2);
    const compacted = compactTo(log, 2, 1);
    expect([compacted.snapshotIndex, termAt(compacted, 1), termAt(compacted, 2), lastIndex(compacted)]).toEqual([2, undefined, 1, 4]);
    expect(entriesBetween(compacted, 1, 9).map((e) => e.term)).toEqual([2, 3]);
    const mismatched = compactTo(log, 3, 9);
    expect([lastIndex(mismatched), lastTerm(mismatched)]).toEqual([3, 9]);
  });
});
