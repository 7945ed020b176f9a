// §5.3 log replication: the consistency check, conflict-only truncation, fast backtracking, and
// Figure 7's six followers converging to the leader's log.

import { TestCluster } from './testing/cluster';
import { SafetyMonitor } from './testing/monitors';
import { appendRequest, entriesOfTerms, logEntries, logTerms, messagesOfType, nodeWithLog, receive, seedClusterLogs, stepSynced, tickUntilRole } from './testing/fixtures';
import type { AppendEntriesResponse, Message } from './types';

const responseOf = (messages: readonly Message[]): AppendEntriesResponse => {
  const r = messagesOfType(messages, 'AppendEntriesResponse');
  expect(r).toHaveLength(1);
  return r[0];
};

describe('§5.3 AppendEntries consistency check', () => {
  // Follower log: terms [1, 1, 2, 2], current term 3.
  const follower = nodeWithLog('n2', 3, 3, [1, 1, 2, 2]);

  it('accepts when the entry at prevLogIndex has prevLogTerm', () => {
    const r = stepSynced(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 3, prevLogIndex: 4, prevLogTerm: 2, entries: entriesOfTerms([3], 5) })));
    expect(responseOf(r.messages)).toMatchObject({ success: true, matchIndex: 5 });
    expect(logTerms(r.state)).toEqual([1, 1, 2, 2, 3]);
  });

  it('rejects when the term at prevLogIndex differs, and changes no entry', () => {
    const r = stepSynced(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 3, prevLogIndex: 4, prevLogTerm: 3, entries: entriesOfTerms([3], 5) })));
    expect(responseOf(r.messages)).toMatchObject({ success: false, conflictTerm: 2, conflictIndex: 3 });
    expect(logTerms(r.state)).toEqual([1, 1, 2, 2]);
  });

  it('rejects when prevLogIndex is beyond its log, hinting its next index', () => {
    const r = stepSynced(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 3, prevLogIndex: 9, prevLogTerm: 3 })));
    expect(responseOf(r.messages)).toMatchObject({ success: false, conflictTerm: 0, conflictIndex: 5 });
  });
});

describe('§5.3 truncation on conflict only', () => {
  const follower = nodeWithLog('n2', 3, 3, [1, 1, 2, 2, 3, 3]);

  it('a stale or duplicated AppendEntries whose entries all match never truncates the suffix after them', () => {
    const stale = appendRequest({ from: 'n1', to: 'n2', term: 3, prevLogIndex: 1, prevLogTerm: 1, entries: entriesOfTerms([1, 2], 2) });
    const once = stepSynced(follower, receive(stale));
    const twice = stepSynced(once.state, receive(stale));
    expect(logTerms(twice.state)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(once.output.persist?.truncateFrom).toBeUndefined();
    // The reply vouches only for what the message proved: index 3, not the whole log.
    expect(responseOf(twice.messages)).toMatchObject({ success: true, matchIndex: 3 });
  });

  it('an empty AppendEntries (heartbeat) never truncates', () => {
    const r = stepSynced(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 3, prevLogIndex: 2, prevLogTerm: 1 })));
    expect(logTerms(r.state)).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('a conflicting entry truncates from the conflict on and appends the leader\'s entries', () => {
    const r = stepSynced(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 4, prevLogIndex: 4, prevLogTerm: 2, entries: entriesOfTerms([4], 5) })));
    expect(logTerms(r.state)).toEqual([1, 1, 2, 2, 4]);
    expect(r.output.persist).toMatchObject({ truncateFrom: 5, appendFrom: 5 });
    expect(r.output.actions).toContain('TruncateLog');
  });

  it('the matching prefix of a batch is skipped and only the conflicting tail is rewritten', () => {
    const batch = entriesOfTerms([2, 2, 4, 4], 3);
    const r = stepSynced(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 4, prevLogIndex: 2, prevLogTerm: 1, entries: batch })));
    expect(logTerms(r.state)).toEqual([1, 1, 2, 2, 4, 4]);
    expect(r.output.persist).toMatchObject({ truncateFrom: 5, appendFrom: 5 });
  });
});

describe('§5.3 follower commit index: min(leaderCommit, index of last new entry)', () => {
  const follower = nodeWithLog('n2', 3, 2, [1, 1, 1, 1, 1, 1]);

  it('never passes what the message proved to match, even if the leader committed more', () => {
    const r = stepSynced(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 2, prevLogIndex: 1, prevLogTerm: 1, entries: entriesOfTerms([1], 2), leaderCommit: 6 })));
    expect(r.state.commitIndex).toBe(2);
    expect(r.output.apply.map((a) => a.index)).toEqual([1, 2]);
  });

  it('a heartbeat at prevLogIndex carries the commit index up to that index only', () => {
    const r = stepSynced(follower, receive(appendRequest({ from: 'n1', to: 'n2', term: 2, prevLogIndex: 4, prevLogTerm: 1, leaderCommit: 6 })));
    expect(r.state.commitIndex).toBe(4);
  });
});

describe('§5.3 fast log backtracking (conflict hints, at most one probe per term)', () => {
  // The follower agrees on 10 entries of term 1, then holds 50 divergent entries of terms 2..4
  // from leaders whose entries never reached a majority. The leader has 10 entries of term 5.
  const divergent = [...Array(17).fill(2), ...Array(17).fill(3), ...Array(16).fill(4)];

  function rejectionsToConverge(leaderTerms: number[], followerTerms: number[]): { rejections: number; cluster: TestCluster } {
    const cluster = new TestCluster({ size: 3, config: { preVote: false, checkQuorum: false } });
    seedClusterLogs(cluster, { n1: { term: 5, terms: leaderTerms }, n2: { term: 5, terms: followerTerms }, n3: { term: 5, terms: leaderTerms } });
    cluster.recordSent = true;
    tickUntilRole(cluster, 'n1', 'Leader');
    cluster.runUntil(() => logTerms(cluster.state('n2')).join() === logTerms(cluster.state('n1')).join(), 50);
    const rejections = cluster.sentLog.filter((m) => m.type === 'AppendEntriesResponse' && m.from === 'n2' && !m.success).length;
    return { rejections, cluster };
  }

  it('50 divergent entries in three terms the leader lacks cost one rejection', () => {
    const leaderTerms = [...Array(10).fill(1), ...Array(10).fill(5)];
    const { rejections, cluster } = rejectionsToConverge(leaderTerms, [...Array(10).fill(1), ...divergent]);
    expect(rejections).toBeLessThanOrEqual(1);
    expect(logEntries(cluster.state('n2'))).toEqual(logEntries(cluster.state('n1')));
  });

  it('when the leader shares some of the follower\'s terms, at most one rejection per term', () => {
    // The leader also holds a prefix of the follower's term-2 and term-3 runs.
    const leaderTerms = [...Array(10).fill(1), 2, 2, 3, 3, ...Array(10).fill(5)];
    const followerTerms = [...Array(10).fill(1), ...divergent];
    const { rejections, cluster } = rejectionsToConverge(leaderTerms, followerTerms);
    const termsInvolved = new Set(followerTerms.slice(10)).size;
    expect(rejections).toBeLessThanOrEqual(termsInvolved + 1);
    expect(rejections).toBeLessThan(10);
    expect(logEntries(cluster.state('n2'))).toEqual(logEntries(cluster.state('n1')));
  });

  it('a follower far behind is caught up with one rejection', () => {
    const leaderTerms = Array(60).fill(1);
    const { rejections } = rejectionsToConverge(leaderTerms, [1, 1]);
    expect(rejections).toBeLessThanOrEqual(1);
  });
});

describe('§5.3 Figure 7: every follower\'s log converges to the leader\'s', () => {
  // The leader of term 8 (n1) and followers (a)-(f) exactly as in the paper.
  const figure7: Record<string, number[]> = {
    n1: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
    n2: [1, 1, 1, 4, 4, 5, 5, 6, 6], // (a)
    n3: [1, 1, 1, 4], // (b)
    n4: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6], // (c)
    n5: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], // (d)
    n6: [1, 1, 1, 4, 4, 4, 4], // (e)
    n7: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], // (f)
  };

  it('n1 is elected for term 8, and (a)-(f) end up with its log plus its no-op', () => {
    const cluster = new TestCluster({ size: 7, freeze: true });
    seedClusterLogs(cluster, Object.fromEntries(Object.entries(figure7).map(([id, terms]) => [id, { term: 7, terms }])));
    const safety = new SafetyMonitor(cluster);
    tickUntilRole(cluster, 'n1', 'Leader');
    expect(cluster.state('n1').term).toBe(8);
    for (let t = 0; t < 5; t++) {
      cluster.tick('n1');
      cluster.deliverAll();
    }
    const expected = logEntries(cluster.state('n1'));
    expect(expected.map((e) => e.term)).toEqual([...figure7.n1, 8]);
    for (const id of cluster.ids) expect({ id, log: logEntries(cluster.state(id)) }).toEqual({ id, log: expected });
    for (const id of cluster.ids) expect(cluster.state(id).commitIndex).toBe(11);
    safety.checkLogMatching();
    expect(safety.violations).toEqual([]);
  });
});
