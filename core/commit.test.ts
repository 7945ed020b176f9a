// §5.4.2 committing entries from previous terms (Figure 8), and the no-op a new leader appends.

import { TestCluster } from './testing/cluster';
import { SafetyMonitor } from './testing/monitors';
import { logTerms, seedClusterLogs, tickUntilRole } from './testing/fixtures';
import type { Message } from './types';
import { termAt } from './log';

const carriesTerm = (m: Message, term: number): boolean => m.type === 'AppendEntriesRequest' && m.entries.some((e) => e.term === term);

/**
 * Figure 8 (c): S1 leads term 4 with [1, 2]. S3 and S4 held only [1] and receive S1's term-2
 * entry, so S1 knows a majority (S1, S3, S4) holds index 2; S1's term-4 no-op is lost on the
 * way. S5 holds [1, 3] and is cut off.
 */
function figure8c(): { cluster: TestCluster; safety: SafetyMonitor } {
  const cluster = new TestCluster({ size: 5, config: { preVote: false, checkQuorum: false, maxEntriesPerAppend: 1 } });
  seedClusterLogs(cluster, {
    n1: { term: 3, terms: [1, 2] },
    n2: { term: 3, terms: [1, 2] },
    n3: { term: 3, terms: [1] },
    n4: { term: 3, terms: [1] },
    n5: { term: 3, terms: [1, 3] },
  });
  const safety = new SafetyMonitor(cluster);
  // Lost: every AppendEntries that would have put the no-op into a follower's log.
  const wouldAccept = (m: Message): boolean => m.type === 'AppendEntriesRequest' && termAt(cluster.state(m.to).log, m.prevLogIndex) === m.prevLogTerm;
  cluster.linkFilter = (m) => !(carriesTerm(m, 4) && wouldAccept(m)) && m.to !== 'n5' && m.from !== 'n5';
  tickUntilRole(cluster, 'n1', 'Leader');
  for (let t = 0; t < 5; t++) {
    cluster.tick('n1');
    cluster.deliverAll();
  }
  return { cluster, safety };
}

/** Figure 8 (d): S1 crashes; S5 wins term 5 with votes from S2, S3, S4 and overwrites index 2. */
function figure8d(cluster: TestCluster): void {
  cluster.crash('n1');
  cluster.healAll();
  tickUntilRole(cluster, 'n5', 'Leader', 200);
  for (let t = 0; t < 5; t++) {
    cluster.tick('n5');
    cluster.deliverAll();
  }
}

describe('§5.4.2 Figure 8: a leader never commits an old-term entry by counting replicas', () => {
  it('S1 (term 4) holds index 2 (term 2) on a majority but does not commit it', () => {
    const { cluster, safety } = figure8c();
    expect(cluster.state('n1').term).toBe(4);
    expect(logTerms(cluster.state('n3'))).toEqual([1, 2]);
    const matches = ['n3', 'n4'].map((id) => cluster.state('n1').leader?.progress[id].match);
    expect(matches).toEqual([2, 2]);
    expect(cluster.state('n1').commitIndex).toBe(0);
    expect(cluster.node('n1').applied).toEqual([]);
    figure8d(cluster);
    // S5's term-3 entry replaced index 2 everywhere; no one had applied the term-2 one.
    expect(logTerms(cluster.state('n3'))).toEqual([1, 3, 5]);
    expect(safety.violations).toEqual([]);
  });

  it('planted bug: had S1 committed index 2 by counting, state machine safety is violated after (d)', () => {
    const { cluster, safety } = figure8c();
    // Hand-modify S1 as a leader without the current-term check would behave.
    const n1 = cluster.node('n1');
    const broken = { ...n1.state, commitIndex: 2, appliedIndex: 2 };
    n1.state = broken;
    safety.recordApplied('n1', 1, 1, 'i1t1');
    safety.recordApplied('n1', 2, 2, 'i2t2');
    figure8d(cluster);
    expect(safety.violations.some((v) => v.startsWith('state machine safety') && v.includes(' at 2 '))).toBe(true);
  });

  it('once S1 replicates its term-4 no-op to a majority, index 2 commits with it (Figure 8 (e))', () => {
    const { cluster, safety } = figure8c();
    cluster.healAll();
    cluster.linkFilter = (m) => m.to !== 'n5' && m.from !== 'n5';
    for (let t = 0; t < 5; t++) {
      cluster.tick('n1');
      cluster.deliverAll();
    }
    expect(cluster.state('n1').commitIndex).toBe(3);
    expect(cluster.node('n1').applied.map((a) => a.entry.term)).toEqual([1, 2, 4]);
    // Now S5 can never be elected: a majority holds a term-4 entry.
    figure8dAttempt(cluster);
    expect(cluster.state('n5').role).not.toBe('Leader');
    expect(safety.violations).toEqual([]);
  });
});

function figure8dAttempt(cluster: TestCluster): void {
  cluster.crash('n1');
  cluster.healAll();
  for (let t = 0; t < 100; t++) {
    cluster.tick('n5');
    cluster.deliverAll();
  }
}

describe('§5.4.2 a new leader appends a no-op of its term', () => {
  it('the first entry of every new term is a Noop written by the leader', () => {
    const cluster = new TestCluster({ size: 3 });
    const leader = cluster.electLeader();
    const s = cluster.state(leader);
    const last = s.log.entries.size;
    expect(last).toBe(1);
    cluster.deliverAll();
    cluster.tickAll();
    cluster.deliverAll();
    expect(cluster.node(leader).applied).toEqual([{ index: 1, entry: { term: s.term, type: 'Noop', data: '' } }]);
  });

  it('the commit index advances only to an entry of the current term, and followers learn it', () => {
    const cluster = new TestCluster({ size: 3 });
    const leader = cluster.electLeader();
    cluster.propose(leader, 'a', 'b');
    cluster.deliverAll();
    cluster.tickAll();
    cluster.deliverAll();
    for (const id of cluster.ids) expect(cluster.state(id).commitIndex).toBe(3);
    for (const id of cluster.ids) expect(cluster.node(id).applied.map((a) => a.entry.data)).toEqual(['', 'a', 'b']);
  });
});
