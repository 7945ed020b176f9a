import { TestCluster } from './testing/cluster';

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
