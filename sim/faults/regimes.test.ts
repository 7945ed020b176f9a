// The later fault classes, inside the simulator: wan makes heartbeat answers arrive after the next
// heartbeat has gone out (the condition of a replication stall that no sweep reached before), and
// divergence cuts off whoever leads and builds logs that are longer but older than a voter's.

import type { Input, RaftState } from '../../core';
import type { PlantedBug } from '../bugs/types';
import { makeSimConfig, type SimConfig } from '../config';
import { runSeed } from '../run-seed';
import { MemoryTrace } from '../../trace/sink';
import { parseTrace } from '../../trace/read';

/** A pass-through "bug" that watches the leader's inputs: how many heartbeat answers come back late. */
function lateAnswerProbe(): { bug: PlantedBug; late: () => number } {
  let answers = 0;
  let late = 0;
  const bug: PlantedBug = {
    name: 'probe-late-heartbeat-answers',
    description: 'observes only',
    caughtBy: [],
    step: (core) => (state: RaftState, input: Input) => {
      if (input.type === 'Receive' && input.message.type === 'AppendEntriesResponse' && state.leader !== null && input.message.term === state.term) {
        answers++;
        // Answered a round older than the newest one sent: another heartbeat went out meanwhile.
        if (input.message.round < state.leader.round) late++;
      }
      return core(state, input);
    },
  };
  return { bug, late: () => (answers === 0 ? 0 : late / answers) };
}

const run = (faults: SimConfig['faults'], seed: number, extra: Partial<SimConfig> = {}) => {
  const probe = lateAnswerProbe();
  const result = runSeed(makeSimConfig({ seed, faults, nodes: 3, durationMs: 4_000, ...extra }), { bug: probe.bug });
  return { result, lateShare: probe.late() };
};

describe('wan in the simulator', () => {
  it('makes most heartbeat answers arrive after the next heartbeat went out, where a calm network makes few (answers to entries wait for the follower\'s fsync)', () => {
    // Without clients: reads open heartbeat rounds of their own, and only the periodic ones count here.
    const idle = { workload: { clients: 0 } as SimConfig['workload'] };
    for (const seed of [1, 2, 3]) {
      const calm = run('none', seed, idle);
      const wan = run('wan', seed, idle);
      expect(calm.result.violation).toBeNull();
      expect(wan.result.violation).toBeNull();
      expect(calm.lateShare).toBeLessThan(0.2);
      expect(wan.lateShare).toBeGreaterThan(0.5);
      expect(wan.result.coverage.counts.drops).toBeGreaterThan(0);
    }
  });

  it('stays slow, not broken: clients get their answers', () => {
    for (const seed of [1, 2, 3]) {
      const { result } = run('wan', seed);
      expect(result.violation).toBeNull();
      expect(result.linearizability?.verdict).toBe('ok');
    }
  });

  it('scales with the heartbeat interval it is given, within what the clients\' timeouts allow', () => {
    const slow = { raft: { heartbeatIntervalTicks: 3, electionTimeoutTicks: 20 } };
    const { result } = run('wan', 4, slow);
    // Half a 30 ms heartbeat would be 15 ms; the clients' 150 ms attempts cap the floor at 0.7 x 150 / 8.
    expect(result.faultPlan.network.delay.minMs).toBeCloseTo((0.7 * 150) / 8, 1);
    expect(result.faultPlan.network.delay.meanMs).toBeLessThanOrEqual(150 / 8 + 0.05); // rounded to 0.1 ms
    expect(result.faultPlan.network.delay.meanMs).toBeGreaterThan(result.faultPlan.network.delay.minMs);
    expect(result.violation).toBeNull();
  });
});

describe('divergence in the simulator', () => {
  it('isolates whoever leads at that moment (traced), again and again, and the cluster recovers each time', () => {
    const trace = new MemoryTrace(true);
    const result = runSeed(makeSimConfig({ seed: 3, faults: 'divergence', nodes: 3, durationMs: 6_000 }), { trace });
    expect(result.violation).toBeNull();
    expect(result.linearizability?.verdict).toBe('ok');
    const lines = parseTrace(trace.ndjson()).lines.slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
    let lastLeaderOf = new Map<string, number>();
    let isolations = 0;
    let freshCuts = 0;
    for (const e of lines) {
      if (e.ev === 'Step' && (e.state as { role: string }).role === 'Leader') lastLeaderOf.set(e.node as string, (e.state as { term: number }).term);
      if (e.ev === 'Step' && (e.state as { role: string }).role !== 'Leader') lastLeaderOf.delete(e.node as string);
      if (e.ev !== 'Fault' || (e.fault as { kind: string }).kind !== 'isolateLeader') continue;
      const { leader, next } = e.fault as { leader?: string | null; next?: true };
      // A cut of a fresh leader (sim/faults/fresh-leader.ts) is armed without a leader and fires in
      // the step that elects one, before that step's trace line has been read here.
      if (leader === null || leader === undefined) continue;
      if (next) {
        isolations++;
        freshCuts++;
        continue;
      }
      isolations++;
      const newest = Math.max(...lastLeaderOf.values());
      expect(lastLeaderOf.get(leader)).toBe(newest);
    }
    expect(isolations).toBe(result.coverage.counts.leaderIsolations);
    expect(isolations).toBeGreaterThanOrEqual(6);
    // A fresh cut and the chain's next link may cut off the same leader: no election between them.
    expect(result.coverage.counts.leaderChanges).toBeGreaterThanOrEqual(isolations - freshCuts);
    lastLeaderOf = new Map();
  });

  it('builds logs that are longer but older than a voter\'s at elections, which the classic profiles rarely do', () => {
    const count = (faults: SimConfig['faults']) => {
      let total = 0;
      for (const seed of [1, 2, 3, 4]) {
        const { result } = run(faults, seed, { nodes: 5, durationMs: 6_000 });
        expect(result.violation).toBeNull();
        total += result.coverage.counts.longerButOlderVotes;
      }
      return total;
    };
    const divergence = count('divergence');
    const partitions = count('partitions');
    expect(divergence).toBeGreaterThanOrEqual(4);
    expect(divergence).toBeGreaterThan(2 * partitions);
  });
});
