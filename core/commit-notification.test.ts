import { TestCluster } from './testing/cluster';
import type { AppendEntriesRequest, Message } from './types';

// §5.3: followers learn the commit index from the leader's AppendEntries. A follower whose answer
// arrives after the commit was already reached must still be told, or it applies (and answers its
// clients) only at the next heartbeat.
describe('§5.3 commit notification: a follower acknowledged after the commit still learns it at once', () => {
  function run(): { leaderCommit: number; lateFollowerCommit: number; index: number } {
    const c = new TestCluster({ size: 3 });
    const leader = c.electLeader();
    c.deliverAll();
    c.tickAll();
    c.deliverAll();
    const [early, late] = c.ids.filter((id) => id !== leader);
    c.propose(leader, 'x');
    const index = c.state(leader).commitIndex + 1;
    // No ticks from here on: only messages. The late follower's answer waits until the early one's
    // has been handled, so the commit is reached without it.
    for (let guard = 0; c.queue.length > 0 && guard < 100; guard++) {
      const earlyAnswerPending = c.queue.some((m) => m.from === early && m.type === 'AppendEntriesResponse');
      const k = c.queue.findIndex((m) => !(earlyAnswerPending && m.from === late && m.type === 'AppendEntriesResponse'));
      const [m] = c.queue.splice(k, 1);
      c.input(m.to, { type: 'Receive', message: m });
    }
    return { leaderCommit: c.state(leader).commitIndex, lateFollowerCommit: c.state(late).commitIndex, index };
  }

  it('commits, and the late follower learns the commit index without waiting for a tick', () => {
    const r = run();
    expect(r.leaderCommit).toBe(r.index);
    expect(r.lateFollowerCommit).toBe(r.index);
  });
});

// Never a message that teaches the follower nothing: while a follower's acknowledgements are in
// flight, commits reached through the other follower used to send it one empty AppendEntries per
// advance, each capped at its stale match, so identical (prevLogIndex, leaderCommit) pairs.
describe('commit notification sends nothing redundant', () => {
  it('a follower whose answers are in flight gets no commit-only AppendEntries; once they arrive, one tells it the final commit', () => {
    const c = new TestCluster({ size: 3 });
    const leader = c.electLeader();
    c.deliverAll();
    c.tickAll();
    c.deliverAll();
    const [slow, fast] = c.ids.filter((id) => id !== leader);
    const first = c.state(leader).commitIndex + 1;
    for (let k = 0; k < 5; k++) c.propose(leader, `e${k}`);
    const last = first + 4;
    c.recordSent = true;
    // Every append reaches both followers; the slow follower's answers are kept back while the fast
    // one's arrive one at a time, each moving the commit index by one.
    const slowAnswers: Message[] = [];
    for (let guard = 0; c.queue.length > 0 && guard < 1000; guard++) {
      const m = c.queue.shift() as Message;
      if (m.type === 'AppendEntriesResponse' && m.from === slow) slowAnswers.push(m);
      else c.input(m.to, { type: 'Receive', message: m });
    }
    expect(c.state(leader).commitIndex).toBe(last);
    const emptyTo = (id: string) => c.sentLog.filter((m): m is AppendEntriesRequest => m.type === 'AppendEntriesRequest' && m.to === id && m.entries.length === 0);
    expect(emptyTo(slow)).toEqual([]);
    // The fast follower acknowledged each append before the next commit: it needed each commit index.
    expect(emptyTo(fast).length).toBeGreaterThanOrEqual(1);
    expect(c.state(slow).commitIndex).toBeLessThan(last);
    c.sentLog.length = 0;
    c.queue.push(...slowAnswers);
    c.deliverAll();
    expect(emptyTo(slow)).toHaveLength(1);
    expect(emptyTo(slow)[0].leaderCommit).toBe(last);
    expect(c.state(slow).commitIndex).toBe(last);
  });

  it('no follower is sent the same (prevLogIndex, leaderCommit) twice within one heartbeat round', () => {
    const c = new TestCluster({ size: 3 });
    const leader = c.electLeader();
    c.deliverAll();
    c.recordSent = true;
    for (let k = 0; k < 12; k++) c.propose(leader, `s${k}`);
    c.deliverAll();
    const seen = new Set<string>();
    for (const m of c.sentLog) {
      if (m.type !== 'AppendEntriesRequest' || m.entries.length > 0) continue;
      const key = `${m.to} ${m.round} ${m.prevLogIndex} ${m.leaderCommit}`;
      expect(seen.has(key) ? key : null).toBeNull();
      seen.add(key);
    }
    expect(c.ids.filter((id) => c.state(id).commitIndex === c.state(leader).commitIndex)).toHaveLength(3);
  });
});
