// Test support: valid PersistRecord sequences, built from fast-check's random choices against the
// state they will apply to (so every record is one core could have produced or storage must accept).

import fc from 'fast-check';
import { applyPersistRecord, EMPTY_DURABLE_STATE } from '../../core';
import type { DurableState, Entry, EntryType, PersistRecord } from '../../core';

export interface RecordChoice {
  readonly termBump: number;
  readonly vote: 'keep' | 'clear' | 'set';
  /** Where to truncate, as a fraction of the log (null: no truncation). */
  readonly truncateAt: number | null;
  readonly appendCount: number;
  /** Snapshot at this fraction of [1, last + 2] (null: no snapshot). */
  readonly snapshotAt: number | null;
  /** Use the log's own term at the snapshot index when it has one (the log is then kept). */
  readonly snapshotMatches: boolean;
  readonly data: readonly string[];
  readonly types: readonly number[];
  readonly snapshotData: string;
}

const ENTRY_TYPES: readonly EntryType[] = ['Normal', 'Noop', 'Config'];
// Strings that stress JSON escaping and UTF-16 (lone surrogates, quotes, control characters).
const nastyString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('"', '\\', '\u0000', '\ud800', '\udfff\ud800', '{"x":[1]}', ''),
);

export const recordChoiceArb: fc.Arbitrary<RecordChoice> = fc.record({
  termBump: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 3 })),
  vote: fc.constantFrom('keep', 'keep', 'clear', 'set'),
  truncateAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 4 }),
  appendCount: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 20 })),
  snapshotAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 6 }),
  snapshotMatches: fc.boolean(),
  data: fc.array(nastyString, { minLength: 20, maxLength: 20 }),
  types: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 20, maxLength: 20 }),
  snapshotData: fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 10 })),
}) as fc.Arbitrary<RecordChoice>;

function lastIndex(state: DurableState): number {
  return (state.snapshot ? state.snapshot.index : 0) + state.entries.length;
}

function termAt(state: DurableState, index: number): number | undefined {
  const first = state.snapshot ? state.snapshot.index + 1 : 1;
  if (state.snapshot && index === state.snapshot.index) return state.snapshot.term;
  return state.entries[index - first]?.term;
}

/** Turns choices into records that apply cleanly, one after another, starting from `start`. */
export function buildRecords(choices: readonly RecordChoice[], start: DurableState = EMPTY_DURABLE_STATE, firstSeq = 1): PersistRecord[] {
  const records: PersistRecord[] = [];
  let state = start;
  let seq = firstSeq;
  for (const c of choices) {
    const record: { -readonly [K in keyof PersistRecord]: PersistRecord[K] } = { seq: seq++ };
    const term = state.term + c.termBump;
    if (c.termBump > 0) record.term = term;
    if (c.vote === 'clear') record.votedFor = null;
    if (c.vote === 'set') record.votedFor = `n${(term % 3) + 1}`;
    let snapshotIndex = state.snapshot ? state.snapshot.index : 0;
    if (c.snapshotAt !== null) {
      const index = 1 + Math.floor(c.snapshotAt * (lastIndex(state) + 2));
      const own = termAt(state, index);
      const snapTerm = c.snapshotMatches && own !== undefined ? own : Math.min(term, (own ?? state.term) + 1);
      record.snapshot = { index, term: snapTerm, config: { voters: ['n1', 'n2', 'n3'] }, data: c.snapshotData };
      snapshotIndex = index;
    }
    const afterSnapshot = record.snapshot ? applyPersistRecord(state, { seq: 0, term: record.term, snapshot: record.snapshot }) : state;
    const base = snapshotIndex + 1;
    let end = lastIndex(afterSnapshot) + 1;
    if (c.truncateAt !== null && end > base) {
      record.truncateFrom = base + Math.floor(c.truncateAt * (end - base));
      end = record.truncateFrom;
    }
    if (c.appendCount > 0) {
      const lastTerm = termAt(afterSnapshot, end - 1) ?? 0;
      const entries: Entry[] = [];
      // Terms never go back along a log: the batch steps up (to at most the current term) once, halfway.
      for (let k = 0; k < c.appendCount; k++) {
        const step = 2 * k >= c.appendCount ? 1 : 0;
        entries.push({ term: Math.max(lastTerm, Math.min(term, lastTerm + step)), type: ENTRY_TYPES[c.types[k % 20]], data: c.data[k % 20] });
      }
      record.appendFrom = end;
      record.entries = entries;
    }
    state = applyPersistRecord(state, record);
    records.push(record);
  }
  return records;
}

export function foldRecords(records: readonly PersistRecord[], start: DurableState = EMPTY_DURABLE_STATE): DurableState {
  return records.reduce((state: DurableState, record) => applyPersistRecord(state, record), start);
}
