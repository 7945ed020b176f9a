// Replication over a network whose round trip is longer than the heartbeat interval. Every answer a
// leader receives then belongs to an older heartbeat round than its newest one, so nothing in core
// may wait for "an answer to the newest round" before it acts.

import type { RaftState } from '../../core';
import { CoreProtocolNode } from '../../protocol/core-node';
import type { Message, NodeId } from '../../protocol/types';
import { scenario, type ScenarioContext } from '.';

/**
 * Core's internal state, for this test of core's own flow control. It is not part of the scenario
 * API, which speaks only the protocol, so that scripts run unchanged against any implementation.
 */
function coreState(c: ScenarioContext, id: NodeId): RaftState {
  const life = c.node(id).life;
  if (!(life instanceof CoreProtocolNode)) throw new Error(`${id} is not raftbed's core in process`);
  return life.state;
}

const put = (key: string, value: string) => ({ kind: 'put' as const, key, value });

/** Matches the first message satisfying `pred`, then nothing: one targeted loss. */
function once(pred: (m: Message) => boolean): (m: Message) => boolean {
  let used = false;
  return (m) => {
    if (used || !pred(m)) return false;
    used = true;
    return true;
  };
}

describe('slow network: a 12 ms round trip against a 10 ms heartbeat', () => {
  // 3 nodes, one tick (= one heartbeat) every 10 ms, every message takes exactly 6 ms each way.
  const slow = { nodes: 3, seed: 4, durationMs: 2_000, network: { delay: { minMs: 6, meanMs: 6 } }, config: { tickMs: 10 } };

  it('a lost AppendEntries to a follower in Replicate mode is re-sent without further proposals', () => {
    let follower: NodeId = '';
    let leader: NodeId = '';
    let lostAt = -1;
    let caughtUpAt = -1;
    const r = scenario(slow)
      .at(600)
      .do((c) => {
        leader = c.leader();
        follower = c.sim.nodeIds.find((n) => n !== leader) as NodeId;
        // The follower has answered appends already: its progress is in Replicate (pipelined) mode.
        expect(coreState(c, leader).leader?.progress[follower].mode).toBe('Replicate');
        expect(c.view(follower).commitIndex).toBe(c.view(leader).commitIndex);
      })
      .drop(once((m) => m.type === 'AppendEntriesRequest' && m.entries.length > 0 && m.to === follower && (lostAt = m.prevLogIndex + 1) > 0))
      .propose(() => leader, put('k', 'v'), 'w')
      .observe((node, _input, result, c) => {
        if (caughtUpAt < 0 && lostAt > 0 && node === follower && result.view.commitIndex >= lostAt) caughtUpAt = c.nowMs;
      })
      .expect(1_900, (c) => {
        expect(lostAt).toBeGreaterThan(0);
        expect(c.op('w').committedMs).not.toBeNull();
        expect(c.view(c.leader()).term).toBe(c.view(leader).term);
      })
      .run();
    expect(r.violation).toBeNull();
    // The lost entry reaches the follower within a few round trips (a heartbeat's answer shows the
    // gap, the leader re-sends), not "whenever the next proposal happens to come".
    expect(caughtUpAt).toBeGreaterThan(0);
    expect(caughtUpAt - 600).toBeLessThanOrEqual(60);
  });
});
