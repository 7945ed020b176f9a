// MIT 6.5840's TestCount3B ("RPC counts aren't too high"), scripted over the simulator.
//
// The setting: 3 servers, a 100 ms heartbeat, election timeouts of 300-600 ms, a reliable network.
// What is counted, as labrpc counts it: one RPC per request a server receives (AppendEntries,
// RequestVote, PreVote, InstallSnapshot, TimeoutNow, ReadIndex); answers travel inside their RPC
// and are not counted, and a node's messages to itself never touch the network. The script:
//   1. checkOneLeader: poll every 500 ms until exactly one leader exists; RPCs so far (total1)
//      must be at most 30.
//   2. On that leader, Start() 12 commands back to back at one instant (Start(1), then 11 more),
//      each its own proposal of one entry.
//   3. wait() for each of the first 10 commands after the first (starti+1 .. starti+10) to be
//      applied by all 3 servers, polling as wait() does: at once, then after 10, 20, 40, ... ms,
//      the backoff restarting for every index. The term must not have changed. The RPCs received
//      meanwhile (total2 - total1) must be at most (iters + 1 + 3) * 3 = 42 for iters = 10.
//   4. One second of idleness (RaftElectionTimeout) may cost at most 3 * 20 = 60 RPCs.

import type { NodeId, StepInput as Input } from '../../protocol/types';
import { scenario, type ScenarioContext } from '.';

const ITERS = 10;
const ENTRY_BOUND = (ITERS + 1 + 3) * 3;
const ELECTION_BOUND = 30;
const IDLE_BOUND = 3 * 20;

/** Request types, by traced name: core's ReadIndexRequest is an Extension message named so. */
const REQUESTS: ReadonlySet<string> = new Set([
  'AppendEntriesRequest', 'RequestVoteRequest', 'PreVoteRequest', 'InstallSnapshotRequest', 'TimeoutNowRequest', 'ReadIndexRequest',
]);

interface CountRun {
  readonly election: number;
  readonly entries: number;
  readonly idle: number;
  readonly term: number;
  readonly termAtEnd: readonly number[];
}

function countRun(seed: number): CountRun {
  let received = 0;
  let total1 = -1;
  let total2 = -1;
  let total3 = -1;
  let leader: NodeId = '';
  let term = 0;
  let starti = 0;
  let termAtEnd: number[] = [];
  const appliedByAll = (c: ScenarioContext, index: number) => c.sim.nodeIds.every((n) => c.applied(n) >= index);

  /** cfg.wait() for each index in turn: check, then sleep 10, 20, 40, ... ms (at most 1 s) between checks. */
  const waitForAll = (c: ScenarioContext, indexes: readonly number[], then: (c: ScenarioContext) => void) => {
    let next = 0;
    let sleepMs = 10;
    const poll = () => {
      while (next < indexes.length && appliedByAll(c, indexes[next])) {
        next++;
        sleepMs = 10;
      }
      if (next === indexes.length) return then(c);
      c.sim.at(c.nowMs + sleepMs, poll);
      sleepMs = Math.min(sleepMs * 2, 1_000);
    };
    poll();
  };

  const startCommands = (c: ScenarioContext) => {
    leader = c.leader();
    term = c.view(leader).term;
    total1 = received;
    starti = c.lastIndex(leader) + 1;
    for (let i = 0; i < ITERS + 2; i++) c.tracker.propose(c.sim, leader, [{ kind: 'put', key: 'k', value: String(i) }], `start${i}`);
    const indexes = Array.from({ length: ITERS }, (_, k) => starti + 1 + k);
    waitForAll(c, indexes, (done) => {
      total2 = received;
      termAtEnd = done.sim.nodeIds.map((n) => done.view(n).term);
      done.sim.at(done.nowMs + 1_000, () => {
        total3 = received;
      });
    });
  };

  /** cfg.checkOneLeader(): sleep 450-550 ms, look for exactly one leader, repeat. */
  const checkOneLeader = (c: ScenarioContext) => {
    if (c.leaders().length === 1) return startCommands(c);
    c.sim.at(c.nowMs + 500, () => checkOneLeader(c));
  };

  const r = scenario({
    nodes: 3, seed, durationMs: 6_000,
    config: { tickMs: 10, raft: { heartbeatIntervalTicks: 10, electionTimeoutTicks: 30 } },
  })
    .observe((_node, input: Input) => {
      if (input.type === 'Receive' && REQUESTS.has(input.message.type === 'Extension' ? input.message.name : input.message.type)) received++;
    })
    .at(500)
    .do(checkOneLeader)
    .run();
  expect(r.violation).toBeNull();
  expect(total3).toBeGreaterThanOrEqual(0);
  expect(r.ops.filter((o) => o.label.startsWith('start')).every((o) => o.proposedAt?.term === term)).toBe(true);
  return { election: total1, entries: total2 - total1, idle: total3 - total2, term, termAtEnd };
}

describe('MIT 6.5840 TestCount3B: RPC counts', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  const runs = seeds.map((seed) => ({ seed, ...countRun(seed) }));

  it.each(runs)('seed $seed: $election RPCs to elect the first leader (at most 30)', (run) => {
    expect(run.election).toBeGreaterThan(0);
    expect(run.election).toBeLessThanOrEqual(ELECTION_BOUND);
  });

  it.each(runs)('seed $seed: $entries RPCs to commit 10 entries proposed one per Start(), in one term (at most 42)', (run) => {
    expect(run.termAtEnd).toEqual([run.term, run.term, run.term]);
    expect(run.entries).toBeLessThanOrEqual(ENTRY_BOUND);
  });

  it.each(runs)('seed $seed: $idle RPCs in one idle second (at most 60)', (run) => {
    expect(run.idle).toBeLessThanOrEqual(IDLE_BOUND);
  });
});
