// Conformance cases for the semantics of a persist record. Any implementation of "apply a record to
// a durable state" (the pure reference, SimDisk, a browser storage adapter) can be run against them.
import type { DurableState, Entry, PersistRecord, Snapshot } from '../../core/types';
import { DiskWriteError, type DiskWriteErrorKind } from './durable-log';

export type ApplyFunction = (state: DurableState, record: PersistRecord) => DurableState;

export interface ApplyCase {
  readonly name: string;
  readonly initial: DurableState;
  readonly record: PersistRecord;
  /** The state after applying, or the DiskWriteError kind the record must be refused with. */
  readonly expect: DurableState | { readonly rejected: DiskWriteErrorKind };
}

const e = (term: number, data = `t${term}`): Entry => ({ term, type: 'Normal', data });
const snap = (index: number, term: number): Snapshot => ({ index, term, config: { voters: ['n1', 'n2', 'n3'] }, data: `s${index}` });
// Term 5 by default: no entry or snapshot of these cases is above it, as in any state a node writes.
const state = (entries: Entry[], extra: Partial<DurableState> = {}): DurableState => ({ term: 5, votedFor: null, snapshot: null, entries, ...extra });

export const APPLY_CASES: readonly ApplyCase[] = [
  {
    name: 'append to an empty log',
    initial: state([]),
    record: { seq: 1, appendFrom: 1, entries: [e(1, 'a'), e(1, 'b')] },
    expect: state([e(1, 'a'), e(1, 'b')]),
  },
  {
    name: 'truncate a conflicting suffix, then append over it',
    initial: state([e(1, 'a'), e(1, 'b'), e(2, 'c')]),
    record: { seq: 1, truncateFrom: 2, appendFrom: 2, entries: [e(3, 'x'), e(3, 'y')] },
    expect: state([e(1, 'a'), e(3, 'x'), e(3, 'y')]),
  },
  {
    name: 'truncate beyond the end is harmless',
    initial: state([e(1, 'a')]),
    record: { seq: 1, truncateFrom: 5 },
    expect: state([e(1, 'a')]),
  },
  {
    name: 'hard state: term and vote together',
    initial: state([e(1)], { term: 4, votedFor: 'n1' }),
    record: { seq: 1, term: 5, votedFor: 'n2' },
    expect: state([e(1)], { term: 5, votedFor: 'n2' }),
  },
  {
    name: 'a new term clears the vote',
    initial: state([], { term: 4, votedFor: 'n1' }),
    record: { seq: 1, term: 6, votedFor: null },
    expect: state([], { term: 6, votedFor: null }),
  },
  {
    name: 'snapshot whose term matches the log keeps the suffix after it',
    initial: state([e(1, 'a'), e(1, 'b'), e(2, 'c'), e(2, 'd')]),
    record: { seq: 1, snapshot: snap(2, 1) },
    expect: state([e(2, 'c'), e(2, 'd')], { snapshot: snap(2, 1) }),
  },
  {
    name: 'snapshot whose term conflicts with the log drops every entry',
    initial: state([e(1, 'a'), e(1, 'b'), e(2, 'c')]),
    record: { seq: 1, snapshot: snap(2, 3) },
    expect: state([], { snapshot: snap(2, 3) }),
  },
  {
    name: 'snapshot beyond the end of the log drops every entry',
    initial: state([e(1, 'a')]),
    record: { seq: 1, snapshot: snap(5, 2) },
    expect: state([], { snapshot: snap(5, 2) }),
  },
  {
    name: 'snapshot applies before the append in the same record',
    initial: state([e(1, 'a')]),
    record: { seq: 1, snapshot: snap(5, 2), appendFrom: 6, entries: [e(2, 'f')] },
    expect: state([e(2, 'f')], { snapshot: snap(5, 2) }),
  },
  {
    name: 'indices after a snapshot are absolute',
    initial: state([e(1, 'd'), e(2, 'e'), e(2, 'f')], { snapshot: snap(3, 1) }),
    record: { seq: 1, truncateFrom: 5, appendFrom: 5, entries: [e(3, 'x')] },
    expect: state([e(1, 'd'), e(3, 'x')], { snapshot: snap(3, 1) }),
  },
  {
    name: 'all four parts in one record',
    initial: state([e(1, 'a'), e(1, 'b'), e(1, 'c'), e(1, 'd')], { term: 1, votedFor: 'n1' }),
    record: { seq: 1, snapshot: snap(2, 1), term: 3, votedFor: 'n3', truncateFrom: 4, appendFrom: 4, entries: [e(3, 'z')] },
    expect: state([e(1, 'c'), e(3, 'z')], { snapshot: snap(2, 1), term: 3, votedFor: 'n3' }),
  },
  { name: 'append leaving a gap', initial: state([e(1)]), record: { seq: 1, appendFrom: 3, entries: [e(1)] }, expect: { rejected: 'appendGap' } },
  { name: 'append overlapping without truncation', initial: state([e(1), e(1)]), record: { seq: 1, appendFrom: 2, entries: [e(1)] }, expect: { rejected: 'appendGap' } },
  { name: 'entries without appendFrom', initial: state([]), record: { seq: 1, entries: [e(1)] }, expect: { rejected: 'missingAppendFrom' } },
  {
    name: 'truncation into the snapshot',
    initial: state([e(1)], { snapshot: snap(3, 1) }),
    record: { seq: 1, truncateFrom: 3 },
    expect: { rejected: 'truncateIntoSnapshot' },
  },
  { name: 'older snapshot', initial: state([], { snapshot: snap(3, 1) }), record: { seq: 1, snapshot: snap(2, 1) }, expect: { rejected: 'staleSnapshot' } },
  { name: 'term going down', initial: state([], { term: 5 }), record: { seq: 1, term: 4 }, expect: { rejected: 'termRegression' } },
  { name: 'an entry above the current term', initial: state([e(1)]), record: { seq: 1, appendFrom: 2, entries: [e(6)] }, expect: { rejected: 'brokenInvariant' } },
  { name: 'log terms going backward', initial: state([e(3)]), record: { seq: 1, appendFrom: 2, entries: [e(2)] }, expect: { rejected: 'brokenInvariant' } },
  { name: 'a term beyond MAX_TERM', initial: state([]), record: { seq: 1, term: 2 ** 53 - 1 }, expect: { rejected: 'brokenInvariant' } },
  {
    name: 'a snapshot configuration without voters',
    initial: state([]),
    record: { seq: 1, snapshot: { index: 1, term: 1, config: { voters: [] }, data: '' } },
    expect: { rejected: 'brokenInvariant' },
  },
  {
    name: 'second vote in one term',
    initial: state([], { term: 5, votedFor: 'n1' }),
    record: { seq: 1, votedFor: 'n2' },
    expect: { rejected: 'voteChangedInTerm' },
  },
];

/** Order-independent text of a state, for comparisons and failure messages. */
export function canonicalState(s: DurableState): string {
  const entry = (x: Entry) => [x.term, x.type, x.data];
  const snapshot = s.snapshot && [s.snapshot.index, s.snapshot.term, s.snapshot.config.voters, s.snapshot.data];
  return JSON.stringify([s.term, s.votedFor, snapshot, s.entries.map(entry)]);
}

/** Runs every case against `apply`; returns one line per failing case (empty when all pass). */
export function checkApplyFunction(apply: ApplyFunction, cases: readonly ApplyCase[] = APPLY_CASES): string[] {
  const failures: string[] = [];
  for (const c of cases) {
    let outcome: DurableState | DiskWriteError;
    try {
      outcome = apply(c.initial, c.record);
    } catch (err) {
      if (!(err instanceof DiskWriteError)) {
        failures.push(`${c.name}: threw ${String(err)}`);
        continue;
      }
      outcome = err;
    }
    if ('rejected' in c.expect) {
      if (!(outcome instanceof DiskWriteError)) failures.push(`${c.name}: accepted, expected rejection ${c.expect.rejected}`);
      else if (outcome.kind !== c.expect.rejected) failures.push(`${c.name}: rejected as ${outcome.kind}, expected ${c.expect.rejected}`);
    } else if (outcome instanceof DiskWriteError) {
      failures.push(`${c.name}: rejected (${outcome.message})`);
    } else if (canonicalState(outcome) !== canonicalState(c.expect)) {
      failures.push(`${c.name}: got ${canonicalState(outcome)}, expected ${canonicalState(c.expect)}`);
    }
  }
  return failures;
}
