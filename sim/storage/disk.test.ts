import type { DurableState, Entry, PersistRecord } from '../../core/types';
import { AleaRng, type Rng } from '../random/rng';
import { APPLY_CASES, canonicalState, checkApplyFunction } from './apply-cases';
import { applyRecord, DiskStateError, DiskWriteError, DurableLog, EMPTY_DURABLE_STATE, SimDisk } from './disk';
import { FORGED_STATES, FORGED_VOTERS, VALID_STATE } from '../../core/testing/forged-states';

const e = (term: number, data = `t${term}`): Entry => ({ term, type: 'Normal', data });

/** An Rng whose int() and chance() answers are scripted, to place a crash exactly. */
class ScriptedRng implements Rng {
  constructor(private readonly ints: number[], private readonly chances: boolean[] = []) {}
  next(): number { return 0; }
  int(lo: number, hi: number): number {
    const v = this.ints.shift();
    if (v === undefined || v < lo || v >= hi) throw new Error(`script wanted int in [${lo}, ${hi}), has ${v}`);
    return v;
  }
  chance(): boolean { return this.chances.shift() ?? false; }
  pick<T>(arr: readonly T[]): T { return arr[0]!; }
  shuffle<T>(arr: readonly T[]): T[] { return arr.slice(); }
  exponential(): number { return 0; }
  between(lo: number): number { return lo; }
  uint32(): number { return 0; }
}

function diskApply(state: DurableState, record: PersistRecord): DurableState {
  const disk = new SimDisk(state);
  disk.write(record);
  disk.sync(record.seq);
  return disk.durableState();
}

describe('persist record semantics', () => {
  it('applyRecord passes every conformance case', () => {
    expect(checkApplyFunction(applyRecord)).toEqual([]);
  });

  it('SimDisk (write + sync) passes every conformance case', () => {
    expect(checkApplyFunction(diskApply)).toEqual([]);
  });

  it('catches a planted bug: truncation applied after the append', () => {
    const truncateAfterAppend = (s: DurableState, r: PersistRecord): DurableState => {
      const hard = applyRecord(s, { seq: r.seq, term: r.term, votedFor: r.votedFor, snapshot: r.snapshot });
      const base = hard.snapshot ? hard.snapshot.index : 0;
      let entries = [...hard.entries, ...(r.entries ?? [])];
      if (r.truncateFrom !== undefined) entries = entries.slice(0, Math.max(0, r.truncateFrom - base - 1));
      return { ...hard, entries };
    };
    const failures = checkApplyFunction(truncateAfterAppend);
    expect(failures.some((f) => f.startsWith('truncate a conflicting suffix'))).toBe(true);
  });

  it('catches a planted bug: a snapshot that always discards the log', () => {
    const dropAll = (s: DurableState, r: PersistRecord): DurableState => {
      const out = applyRecord(s, r);
      return r.snapshot ? { ...out, entries: out.entries.slice(out.entries.length - (r.entries?.length ?? 0)) } : out;
    };
    const failures = checkApplyFunction(dropAll);
    expect(failures.some((f) => f.startsWith('snapshot whose term matches the log keeps the suffix'))).toBe(true);
  });

  it('applyRecord is pure: its input is left untouched', () => {
    const initial: DurableState = { term: 1, votedFor: null, snapshot: null, entries: [e(1, 'a'), e(1, 'b')] };
    const before = canonicalState(initial);
    applyRecord(initial, { seq: 1, term: 2, truncateFrom: 1, appendFrom: 1, entries: [e(2)] });
    expect(canonicalState(initial)).toBe(before);
  });

  it('has a conformance case for every rejection kind a record can cause', () => {
    const kinds = new Set(APPLY_CASES.flatMap((c) => ('rejected' in c.expect ? [c.expect.rejected] : [])));
    expect([...kinds].sort()).toEqual(['appendGap', 'brokenInvariant', 'missingAppendFrom', 'staleSnapshot', 'termRegression', 'truncateIntoSnapshot', 'voteChangedInTerm']);
  });

  it('refuses malformed records with a typed error', () => {
    const bad = [{ seq: 1, term: -1 }, { seq: 1, appendFrom: 0, entries: [] }, { seq: Number.NaN }, { seq: 1, truncateFrom: 1.5 }];
    for (const r of bad) {
      expect(() => applyRecord(EMPTY_DURABLE_STATE, r as PersistRecord)).toThrow(DiskWriteError);
    }
  });
});

describe('SimDisk', () => {
  it('keeps synced records and drops unsynced ones when nothing survives', () => {
    const disk = new SimDisk();
    disk.write({ seq: 1, term: 1, appendFrom: 1, entries: [e(1, 'a')] });
    disk.write({ seq: 2, appendFrom: 2, entries: [e(1, 'b')] });
    disk.sync(1);
    expect(disk.lastSyncedSeq).toBe(1);
    expect(disk.pendingSeqs()).toBe(1);
    disk.write({ seq: 3, appendFrom: 3, entries: [e(1, 'c'), e(1, 'd')] });
    const report = disk.crash(new ScriptedRng([0]));
    expect(report).toEqual({ unsyncedRecords: 2, survivedRecords: 0, torn: false, lostEntries: 3 });
    expect(disk.durableState().entries).toEqual([e(1, 'a')]);
    expect(disk.lastSeq).toBe(1);
    expect(disk.pendingSeqs()).toBe(0);
  });

  it('lets a prefix of unsynced records survive, the last one torn', () => {
    const disk = new SimDisk();
    disk.write({ seq: 1, term: 2, votedFor: 'n1', appendFrom: 1, entries: [e(2, 'a')] });
    disk.write({ seq: 2, truncateFrom: 1, appendFrom: 1, entries: [e(2, 'x'), e(2, 'y'), e(2, 'z')] });
    disk.write({ seq: 3, appendFrom: 4, entries: [e(2, 'w')] });
    // Two of three survive; the second is torn after one of its three entries.
    const report = disk.crash(new ScriptedRng([2, 1], [true]));
    expect(report).toEqual({ unsyncedRecords: 3, survivedRecords: 2, torn: true, lostEntries: 3 });
    const after = disk.durableState();
    expect(after.term).toBe(2);
    expect(after.votedFor).toBe('n1');
    // The torn record's truncation survived whole: 'a' is gone even though only 'x' was written.
    expect(after.entries).toEqual([e(2, 'x')]);
    expect(disk.lastSeq).toBe(2);
    expect(disk.lastSyncedSeq).toBe(2);
  });

  it('lets every unsynced record survive intact', () => {
    const disk = new SimDisk();
    disk.write({ seq: 1, term: 1, appendFrom: 1, entries: [e(1, 'a')] });
    disk.write({ seq: 2, appendFrom: 2, entries: [e(1, 'b')] });
    const report = disk.crash(new ScriptedRng([2], [false]));
    expect(report).toEqual({ unsyncedRecords: 2, survivedRecords: 2, torn: false, lostEntries: 0 });
    expect(disk.durableState().entries).toEqual([e(1, 'a'), e(1, 'b')]);
  });

  it('after a crash validates new writes against what survived, not what was written', () => {
    const disk = new SimDisk();
    disk.write({ seq: 1, term: 1, appendFrom: 1, entries: [e(1, 'a')] });
    disk.sync(1);
    disk.write({ seq: 2, appendFrom: 2, entries: [e(1, 'b')] });
    disk.crash(new ScriptedRng([0]));
    expect(() => disk.write({ seq: 2, appendFrom: 3, entries: [e(1, 'c')] })).toThrow(DiskWriteError);
    disk.write({ seq: 2, appendFrom: 2, entries: [e(1, 'b2')] });
    disk.sync(2);
    expect(disk.durableState().entries).toEqual([e(1, 'a'), e(1, 'b2')]);
  });

  it('refuses a corrupt write, names it, and stays usable', () => {
    const disk = new SimDisk();
    disk.write({ seq: 1, term: 1, appendFrom: 1, entries: [e(1, 'a')] });
    let caught: unknown;
    try {
      disk.write({ seq: 2, appendFrom: 5, entries: [e(1, 'b')] });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DiskWriteError);
    expect((caught as DiskWriteError).kind).toBe('appendGap');
    expect((caught as DiskWriteError).seq).toBe(2);
    expect(disk.lastSeq).toBe(1);
    disk.write({ seq: 2, appendFrom: 2, entries: [e(1, 'b')] });
    disk.sync(2);
    expect(disk.durableState().entries).toEqual([e(1, 'a'), e(1, 'b')]);
  });

  it('refuses seqs that do not increase', () => {
    const disk = new SimDisk();
    disk.write({ seq: 3, term: 1 });
    expect(() => disk.write({ seq: 3, term: 2 })).toThrow(expect.objectContaining({ kind: 'seqNotIncreasing' }));
    expect(() => disk.write({ seq: 1, term: 2 })).toThrow(DiskWriteError);
  });

  it('starts from an initial state and hands out copies', () => {
    const initial: DurableState = { term: 3, votedFor: 'n2', snapshot: null, entries: [e(1), e(3)] };
    const disk = new SimDisk(initial);
    const copy = disk.durableState();
    expect(canonicalState(copy)).toBe(canonicalState(initial));
    (copy.entries as Entry[]).push(e(9));
    expect(disk.durableState().entries).toHaveLength(2);
    disk.write({ seq: 1, appendFrom: 3, entries: [e(3)] });
    expect(initial.entries).toHaveLength(2);
  });

  it('sync of a seq between records makes exactly the earlier ones durable', () => {
    const disk = new SimDisk();
    for (let s = 1; s <= 5; s++) disk.write({ seq: s * 10, term: 1, appendFrom: s, entries: [e(1, `${s}`)] });
    disk.sync(35);
    expect(disk.lastSyncedSeq).toBe(30);
    expect(disk.pendingSeqs()).toBe(2);
    disk.crash(new ScriptedRng([0]));
    expect(disk.durableState().entries.map((x) => x.data)).toEqual(['1', '2', '3']);
  });
});

/** Random valid write sequences, drawn against a model of the log as written. */
function randomRecord(rng: Rng, model: DurableLog, seq: number): PersistRecord {
  const base = model.base;
  const last = model.lastIndex;
  const entries = (n: number) => Array.from({ length: n }, (_, i) => e(model.term, `${seq}.${i}`));
  switch (rng.int(0, 6)) {
    case 0:
    case 1:
      return { seq, appendFrom: last + 1, entries: entries(rng.int(1, 4)) };
    case 2: {
      const from = rng.int(base + 1, last + 2);
      return { seq, truncateFrom: from, appendFrom: from, entries: entries(rng.int(0, 3)) };
    }
    case 3:
      return { seq, term: model.term + 1, votedFor: rng.pick(['n1', 'n2', null]) };
    case 4: {
      const index = rng.int(base, last + 1);
      const term = model.termAt(index) ?? 0;
      if (index === 0) return { seq, term: model.term };
      return { seq, snapshot: { index, term, config: { voters: ['n1', 'n2'] }, data: `snap${seq}` } };
    }
    default: {
      const index = rng.int(base + 1, last + 4);
      return { seq, snapshot: { index, term: model.term + 1, config: { voters: ['n1', 'n2'] }, data: `snap${seq}` }, term: model.term + 1 };
    }
  }
}

describe('SimDisk against the pure reference under random crashes', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: durable state = synced records + the reported surviving prefix', (seed) => {
    const rng = new AleaRng(`disk-property-${seed}`);
    const disk = new SimDisk();
    let reference: DurableState = EMPTY_DURABLE_STATE;
    let model = new DurableLog();
    let seq = 0;
    for (let life = 0; life < 6; life++) {
      const unsynced: PersistRecord[] = [];
      const writes = rng.int(0, 30);
      for (let i = 0; i < writes; i++) {
        const record = randomRecord(rng, model, ++seq);
        model.apply(record);
        disk.write(record);
        unsynced.push(record);
        if (rng.chance(0.2)) {
          const upto = unsynced[rng.int(0, unsynced.length)]!.seq;
          disk.sync(upto);
          while (unsynced.length > 0 && unsynced[0]!.seq <= upto) reference = applyRecord(reference, unsynced.shift()!);
        }
      }
      const report = disk.crash(rng);
      expect(report.unsyncedRecords).toBe(unsynced.length);
      const survivors = unsynced.slice(0, report.survivedRecords);
      const lostWhole = unsynced.slice(report.survivedRecords).reduce((n, r) => n + (r.entries?.length ?? 0), 0);
      survivors.forEach((r, i) => {
        const isTorn = report.torn && i === survivors.length - 1;
        const kept = (r.entries?.length ?? 0) - (report.lostEntries - lostWhole);
        reference = applyRecord(reference, isTorn ? { ...r, entries: r.entries!.slice(0, kept) } : r);
      });
      if (!report.torn) expect(report.lostEntries).toBe(lostWhole);
      expect(canonicalState(disk.durableState())).toBe(canonicalState(reference));
      // The restarted node continues from what survived.
      model = new DurableLog(disk.durableState());
      seq = disk.lastSeq;
    }
  });
});

describe('SimDisk refuses states no correct node writes (the same checks as the browser\'s load)', () => {
  it('starts from the valid baseline', () => {
    expect(canonicalState(new SimDisk(VALID_STATE, { voters: FORGED_VOTERS }).durableState())).toBe(canonicalState(VALID_STATE));
  });

  it.each(FORGED_STATES.map(([invariant, what, state]) => [what, invariant, state] as const))('refuses to start from %s (%s)', (_what, invariant, state) => {
    expect(() => new SimDisk(state, { voters: FORGED_VOTERS })).toThrow(expect.objectContaining({ name: 'DiskStateError', violation: expect.objectContaining({ invariant }) }));
  });

  it('refuses a write whose result breaks an invariant, naming it, and stays as it was', () => {
    const disk = new SimDisk(VALID_STATE);
    let caught: unknown;
    try {
      disk.write({ seq: 1, appendFrom: 7, entries: [e(3)] });
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ kind: 'brokenInvariant', invariant: 'LogTermsNonDecreasing', seq: 1 });
    disk.sync(1);
    expect(canonicalState(disk.durableState())).toBe(canonicalState(VALID_STATE));
  });

  it('checks again at restore: a disk bug that breaks an invariant is caught there, not replayed into the node', () => {
    const disk = new SimDisk(undefined, { voters: FORGED_VOTERS });
    disk.write({ seq: 1, term: 2, votedFor: 'n1', appendFrom: 1, entries: [e(2)] });
    disk.sync(1);
    // A planted bug in the disk: it flips the stored vote to a stranger behind the checks' back.
    (disk as unknown as { durable: { votedFor: string } }).durable.votedFor = 'n9';
    expect(() => disk.durableState()).toThrow(DiskStateError);
    expect(() => disk.durableState()).toThrow(/VoteForMember/);
  });
});
