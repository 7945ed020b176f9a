// The availability and catch-up properties of liveness mode must each catch a planted bug of
// their class, and stay quiet on a healthy cluster, including one that legitimately changes
// leader, streams a long snapshot, or loses a follower to a partition after the quiet point.
//
// Settings as in liveness.test.ts: quietAfterMs 5500 ms, a leader due by 6000 ms, clients invoke
// until 7000 ms, the run ends at 8000 ms. Bounds (default timing, calm network): leaderless 600
// ms, stalled operation 550 ms, catch-up 600 ms.

import { Simulation } from './simulation';
import { livenessBounds } from './liveness-bounds';
import { makeSimConfig, type SimConfig } from '../config';
import { finalizePlan } from '../faults';
import { CALM_NETWORK, type NetworkParams } from '../network/params';
import type { PlantedBug } from '../bugs/types';
import {
  electionsFailFor, neverResendLostAppends, noHeartbeatsToOneFollower, snapshotStallsAfterFirstChunk, stallingHandOff,
} from '../test-support/liveness-bugs';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const QUIET_MS = 5_500;

const settings = (overrides: Partial<SimConfig> = {}) =>
  makeSimConfig({ seed: 11, nodes: 5, durationMs: 8_000, livenessLeaderBoundMs: 500, livenessOperationBoundMs: 1_000, checkLinearizability: false, faults: 'none', ...overrides });

function run(config: SimConfig, bug?: PlantedBug, script?: (sim: Simulation) => void) {
  const sim = new Simulation(config, { bug });
  script?.(sim);
  return { sim, result: sim.run() };
}

/** Between fromMs and toMs, every AppendEntries carrying entries to one follower of the leader is lost. */
function loseAppendsToOneFollower(fromMs: number, toMs: number, chosen: { follower: string }) {
  return (sim: Simulation) => {
    let filter = 0;
    sim.at(fromMs, (s) => {
      const leader = s.nodes.find((n) => n.view.role === 'Leader');
      chosen.follower = s.nodes.find((n) => n !== leader)!.id;
      filter = s.network.addFilter((m) => (m.type === 'AppendEntriesRequest' && m.entries.length > 0 && m.to === chosen.follower ? 'drop' : 'pass'));
    });
    sim.at(toMs, (s) => void s.network.removeFilter(filter));
  };
}

/** n3 is down from 1 s to the quiet point, so it comes back needing the leader's snapshot. */
function n3NeedsASnapshot(overrides: Partial<SimConfig>): SimConfig {
  const faultPlan = finalizePlan(NODES, CALM_NETWORK, [{ atMs: 1_000, kind: 'crash', node: 'n3' }], QUIET_MS);
  return settings({ faultPlan, ...overrides });
}

describe('LivenessCommitCatchUp', () => {
  it('catches a leader that never re-sends appends a follower lost before the quiet point', () => {
    const chosen = { follower: '' };
    const { result } = run(settings(), neverResendLostAppends, loseAppendsToOneFollower(5_000, 5_100, chosen));
    expect(result.faultPlan.quietAfterMs).toBe(QUIET_MS);
    expect(result.violation).toMatchObject({ property: 'LivenessCommitCatchUp', node: chosen.follower });
    // The first window opens once the links booked before the quiet point have drained (a few ms
    // after it), and closes a bound (600 ms) later.
    const windowStartMs = (result.violation?.atMs ?? 0) - 600;
    expect(windowStartMs).toBeGreaterThanOrEqual(QUIET_MS);
    expect(windowStartMs).toBeLessThan(QUIET_MS + 50);
    expect(result.violation?.detail).toMatch(new RegExp(`^${chosen.follower}, up and connected to leader n\\d \\(term \\d+\\) throughout, has commitIndex \\d+ at [\\d.]+ ms: below \\d+, the leader's commitIndex at [\\d.]+ ms`));
    // The majority kept committing: no other property could see this follower left behind.
    expect(result.history.filter((op) => op.completeMs !== null && op.invokeMs > QUIET_MS).length).toBeGreaterThan(10);
  });

  it('the same lost appends with an unmodified core: the follower catches up, nothing fires', () => {
    const chosen = { follower: '' };
    const { sim, result } = run(settings(), undefined, loseAppendsToOneFollower(5_000, 5_100, chosen));
    expect(result.violation).toBeNull();
    expect(result.availability.catchUpWindowsJudged).toBeGreaterThanOrEqual(5);
    const leaderCommit = Math.max(...sim.nodes.map((n) => n.view.commitIndex));
    expect(sim.nodeById(chosen.follower).view.commitIndex).toBe(leaderCommit);
  });

  it('catches a follower that hears no heartbeats, once the clients stop and nothing else carries the commit index', () => {
    const { sim, result } = run(settings(), noHeartbeatsToOneFollower);
    const leader = sim.nodes.find((n) => n.view.role === 'Leader')!.id;
    const victim = NODES.filter((n) => n !== leader).at(-1);
    expect(result.violation).toMatchObject({ property: 'LivenessCommitCatchUp', node: victim });
    // Only the windows after the clients stopped (7000 ms) can see it.
    expect(result.violation!.atMs).toBeGreaterThanOrEqual(7_000 + 600);
  });

  it('does not judge a follower cut off by a partition after the quiet point', () => {
    const chosen = { follower: '' };
    const { result } = run(settings(), neverResendLostAppends, (sim) => {
      loseAppendsToOneFollower(5_000, 5_100, chosen)(sim);
      sim.at(QUIET_MS + 1, (s) => s.applyFault({ atMs: s.nowMs, kind: 'partition', shape: 'isolate', node: chosen.follower }));
    });
    expect(result.violation).toBeNull();
  });

  it('gives a follower streaming a long snapshot more time while bytes keep arriving', () => {
    // Two-byte chunks: the ~400-byte snapshot takes over a second, longer than the 600 ms bound.
    // A leader streams only its latest snapshot, so a compaction during the stream starts it over:
    // snapshots every 400 entries leave the stream a second or more (every 200 left it a race
    // with the clients' commit rate, which it lost once commits got faster).
    const { sim, result } = run(n3NeedsASnapshot({ snapshotEveryEntries: 400, raft: { snapshotChunkBytes: 2 } }));
    expect(result.violation).toBeNull();
    expect(result.coverage.counts.snapshotInstalls).toBeGreaterThanOrEqual(1);
    expect(result.availability.catchUpExtensions).toBeGreaterThanOrEqual(1);
    expect(sim.nodeById('n3').view.commitIndex).toBe(Math.max(...sim.nodes.map((n) => n.view.commitIndex)));
  });

  it('catches a snapshot transfer that never gets past its first chunk (resent chunks are not progress)', () => {
    const { result } = run(n3NeedsASnapshot({ snapshotEveryEntries: 200, raft: { snapshotChunkBytes: 2 } }), snapshotStallsAfterFirstChunk);
    expect(result.violation).toMatchObject({ property: 'LivenessCommitCatchUp', node: 'n3' });
    expect(result.violation!.atMs).toBeLessThanOrEqual(QUIET_MS + 2 * 600);
  });
});

describe('AvailabilityStalledOperation', () => {
  it('catches a leader that refuses proposals for 700 ms while handing off to a lagging follower', () => {
    const { result } = run(settings(), stallingHandOff(620, 70));
    expect(result.violation?.property).toBe('AvailabilityStalledOperation');
    expect(result.violation?.detail).toMatch(/^operation \d+, invoked at [\d.]+ ms once a leader was due \(6000 ms\), was answered only at [\d.]+ ms: [\d.]+ ms \(bound 550 ms\)$/);
    // Slow, but within the operation timeout: LivenessOperations could never have seen it.
    expect(result.availability.maxOperationMs).toBeGreaterThan(550);
    expect(result.availability.maxOperationMs).toBeLessThan(1_000);
    expect(result.coverage.counts.unknownOutcomes).toBe(0);
  });

  it('a leader that hands off at once (core bounds a transfer) passes', () => {
    const { result } = run(settings(), stallingHandOff(620, 0));
    expect(result.violation).toBeNull();
    expect(result.coverage.counts.leaderChanges).toBeGreaterThanOrEqual(2);
  });
});

describe('AvailabilityLeaderless', () => {
  it('catches a cluster without a leader for 1.5 s, well after LivenessLeader was satisfied', () => {
    const { result } = run(settings(), electionsFailFor(620, 150));
    expect(result.violation?.property).toBe('AvailabilityLeaderless');
    expect(result.violation?.detail).toMatch(/^no leader from \d+ ms to \d+ ms, after faults stopped at 5500 ms \(bound 600 ms\)$/);
    expect(result.violation!.atMs).toBeGreaterThan(6_200 + 600);
  });

  it('judges a leader lost after the quiet point by its own stretch, even when the leader was due meanwhile', () => {
    // The leader goes quiet at 5700 ms, after leading past the quiet point, and nobody can be elected
    // until 6100 ms: leaderless at 6000 ms, when LivenessLeader is due, but for less than the bound.
    // (A leader whose own removal commits after the quiet point steps down just so.)
    const { result } = run(settings(), electionsFailFor(570, 40));
    expect(result.violation).toBeNull();
    expect(result.availability.maxLeaderlessMs).toBeGreaterThan(100);
    // A stretch longer than the bound is still caught, and by the stretch's own property.
    expect(run(settings(), electionsFailFor(570, 150)).result.violation?.property).toBe('AvailabilityLeaderless');
  });

  it('a shorter stretch than the bound passes', () => {
    const { result } = run(settings(), electionsFailFor(620, 30));
    expect(result.violation).toBeNull();
    expect(result.availability.maxLeaderlessMs).toBeGreaterThan(0);
  });
});

describe('healthy clusters pass every availability property', () => {
  it('a leader handing off every 400 ms after the quiet point (legitimate leader changes)', () => {
    const { result } = run(settings(), undefined, (sim) => {
      for (let t = QUIET_MS + 100; t < 7_500; t += 400) {
        sim.at(t, (s) => {
          const leader = s.nodes.find((n) => n.up && n.view.role === 'Leader');
          if (leader) s.stepNode(leader, { type: 'TransferLeadership', to: s.nodes[(leader.index + 1) % s.nodes.length].id });
        });
      }
    });
    expect(result.violation).toBeNull();
    expect(result.coverage.counts.leaderChanges).toBeGreaterThanOrEqual(5);
  });

  it('a majority crashed by a script after the quiet point is an injury, not an availability failure', () => {
    // No clients: LivenessOperations keeps its old rule and judges scripted injuries too.
    const { result } = run(settings({ workload: { ...makeSimConfig().workload, clients: 0 } }), undefined, (sim) => {
      for (const node of ['n1', 'n2', 'n3']) sim.at(6_500, (s) => s.applyFault({ atMs: s.nowMs, kind: 'crash', node }));
    });
    expect(result.violation).toBeNull();
    expect(result.availability.maxLeaderlessMs).toBeGreaterThan(1_000);
  });

  it.each(['none', 'partitions', 'crashes', 'all', 'swarm'] as const)('profile %s: within bounds, with windows judged', (faults) => {
    for (const seed of [1, 2, 3]) {
      const { result } = run(settings({ seed, faults }));
      expect(result.violation).toBeNull();
      const a = result.availability;
      expect(a.catchUpWindowsJudged).toBeGreaterThan(0);
      expect(a.maxLeaderlessMs).toBeLessThanOrEqual(a.bounds!.leaderlessMs);
      expect(a.maxOperationMs).toBeLessThanOrEqual(a.bounds!.stalledOperationMs);
    }
  });

  it('a slow network (round trips longer than the heartbeat interval) widens the bounds instead of failing', () => {
    const slow: NetworkParams = { ...CALM_NETWORK, delay: { minMs: 15, meanMs: 25, tailProbability: 0, tailMeanMs: 0 } };
    const faultPlan = finalizePlan(NODES, slow, [], QUIET_MS);
    const { result } = run(settings({ faultPlan }));
    expect(result.violation).toBeNull();
    expect(result.availability.catchUpWindowsJudged).toBeGreaterThan(0);
    expect(result.availability.bounds!.catchUpMs).toBeGreaterThan(livenessBounds(settings(), { electionTimeoutTicks: 10 }, CALM_NETWORK).catchUpMs);
  });
});

describe('livenessBounds', () => {
  const base = makeSimConfig();
  it('derives every bound from the timing: election timeout, fsync, network delays', () => {
    const b = livenessBounds(base, { electionTimeoutTicks: 10 }, CALM_NETWORK);
    // 2 * 10 ticks * 10 ms; a hop is 1 + 10 * (3 - 1) ms; a round trip two hops and an 8 ms fsync.
    expect(b).toEqual({ electionTimeoutMaxMs: 200, roundTripMs: 50, leaderlessMs: 1_000, catchUpMs: 600, stalledOperationMs: 550 });
    const slower = livenessBounds(base, { electionTimeoutTicks: 30 }, { ...CALM_NETWORK, delay: { minMs: 20, meanMs: 30, tailProbability: 0, tailMeanMs: 0 } });
    expect(slower).toEqual({ electionTimeoutMaxMs: 600, roundTripMs: 248, leaderlessMs: 2_192, catchUpMs: 2_192, stalledOperationMs: 1_742 });
  });
});
