// CommitSurvivesElections on hand-built logs: the paper's Figure 8 (c) moment, caught; the same
// cluster once the leader's own no-op is durable, and a plain majority commit, passed.

import { CommitProtection, type CommitProtectionLogs } from './commit-protection';
import type { ObservedLogReader } from './observed';
import { SafetyViolation } from './violation';

/** A log reader over entry terms from index 1 (no snapshot). */
function log(terms: readonly number[]): ObservedLogReader {
  return { termAt: (i) => (i === 0 ? 0 : terms[i - 1]), snapshotIndex: 0, lastIndex: terms.length };
}

function cluster(logs: Record<string, { written: number[]; durable?: number[] }>): CommitProtection {
  const byId = new Map<string, CommitProtectionLogs>(Object.entries(logs).map(([id, l]) => [id, { written: log(l.written), durable: log(l.durable ?? l.written) }]));
  return new CommitProtection([...byId.keys()], (id) => byId.get(id) as CommitProtectionLogs);
}

const voters = ['s1', 's2', 's3', 's4', 's5'];

describe('CommitSurvivesElections', () => {
  // Figure 8 (c): s1 leads term 4, has replicated its term-2 entry at index 2 to s2 and s3, and
  // its term-4 entry at index 3 is on no durable log yet; s5 holds a term-3 entry at index 2.
  const figure8 = (s1Durable: number[], s2: number[], s3: number[]) => cluster({
    s1: { written: [1, 2, 4], durable: s1Durable },
    s2: { written: s2 },
    s3: { written: s3 },
    s4: { written: [1] },
    s5: { written: [1, 3] },
  });

  it('fires when an old-term entry is committed by counting replicas (Figure 8 c)', () => {
    const check = figure8([1, 2], [1, 2], [1, 2]);
    expect(() => check.afterLeaderCommit('s1', 4, 2, 2, voters)).toThrow(
      new SafetyViolation('CommitSurvivesElections', 's1 committed 2@2 in term 4, but s5 (last 2@3, term 3 at 2) could still be elected by s1, s2, s3, s4, s5 on their durable logs', 's1'),
    );
  });

  it('fires when the leader counts its own write before it is durable (only followers hold the new-term entry)', () => {
    // s2 has the term-4 entry durably, s3 only the term-2 one: s1 (durably at index 2), s3, s4 and s5 can elect s5.
    const check = figure8([1, 2], [1, 2, 4], [1, 2]);
    expect(() => check.afterLeaderCommit('s1', 4, 2, 2, voters)).toThrow(/CommitSurvivesElections/);
  });

  it('passes once a majority durably holds an entry of the leader term (Figure 8 e)', () => {
    const check = figure8([1, 2, 4], [1, 2, 4], [1, 2, 4]);
    expect(() => check.afterLeaderCommit('s1', 4, 3, 4, voters)).not.toThrow();
    // And the term-2 entry below it is then committed safely too.
    expect(() => check.afterLeaderCommit('s1', 4, 2, 2, voters)).not.toThrow();
  });

  it('passes a plain commit in the leader term, laggards and all', () => {
    const check = cluster({ s1: { written: [1, 1, 1] }, s2: { written: [1, 1, 1] }, s3: { written: [1] } });
    expect(() => check.afterLeaderCommit('s1', 1, 3, 1, ['s1', 's2', 's3'])).not.toThrow();
  });

  it('ignores nodes whose snapshot covers the index', () => {
    const compacted: ObservedLogReader = { termAt: (i) => (i === 5 ? 3 : undefined), snapshotIndex: 5, lastIndex: 5 };
    const logs = new Map<string, CommitProtectionLogs>([
      ['a', { written: log([1, 1, 2, 2, 3]), durable: log([1, 1, 2, 2, 3]) }],
      ['b', { written: compacted, durable: compacted }],
      ['c', { written: log([1, 1, 2, 2, 3]), durable: log([1, 1, 2, 2, 3]) }],
    ]);
    const check = new CommitProtection(['a', 'b', 'c'], (id) => logs.get(id) as CommitProtectionLogs);
    expect(() => check.afterLeaderCommit('a', 3, 5, 3, ['a', 'b', 'c'])).not.toThrow();
  });
});
