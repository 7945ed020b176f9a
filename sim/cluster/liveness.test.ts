// The simulator's liveness checks must be able to fail: a cluster that can never elect a leader,
// and operations that never complete, are violations once the fault plan's quiet period has run
// for the configured bound. The same configuration without the fault passes.

import { Simulation } from './simulation';
import { makeSimConfig, type SimConfig } from '../config';
import { deafCandidates, swallowClientRequests } from '../test-support/test-bugs';

// Both checks only judge what happens after dueBy = quietAfterMs (0.7 of the duration) +
// livenessLeaderBoundMs, and clients stop invoking at duration - operationTimeoutMs. Here dueBy is
// 6100 ms and clients invoke until 7000 ms, so both checks have something to judge.
const settings = (overrides: Partial<SimConfig> = {}) =>
  makeSimConfig({ seed: 11, nodes: 3, durationMs: 8_000, livenessLeaderBoundMs: 500, livenessOperationBoundMs: 1_000, checkLinearizability: false, ...overrides });

describe('liveness checks', () => {
  it('LivenessLeader: no leader after healing when every vote response is lost', () => {
    const sim = new Simulation(settings({ faults: 'none' }), { bug: deafCandidates });
    const result = sim.run();
    expect(result.violation?.property).toBe('LivenessLeader');
    // Reported at the moment the bound expires, not at the end of the run.
    expect(result.violation?.atMs).toBe(result.faultPlan.quietAfterMs + 500);
    expect(result.violation?.detail).toContain('no leader 500 ms after faults stopped');
    expect(result.coverage.counts.leaderChanges).toBe(0);
    // Elections were attempted, so the check is about the outcome, not about silence.
    expect(Math.max(...sim.nodes.map((n) => n.view.term))).toBeGreaterThan(1);
  });

  it('LivenessLeader also fires after a faulty period the cluster cannot recover from', () => {
    const result = new Simulation(settings({ faults: 'partitions' }), { bug: deafCandidates }).run();
    expect(result.violation?.property).toBe('LivenessLeader');
  });

  it('LivenessOperations: operations invoked after healing never complete', () => {
    const result = new Simulation(settings({ faults: 'none' }), { bug: swallowClientRequests }).run();
    expect(result.violation?.property).toBe('LivenessOperations');
    expect(result.violation?.detail).toMatch(/after the cluster healed, timed out|still pending/);
    // A leader existed: the operations, not the election, are what failed.
    expect(result.coverage.counts.leaderChanges).toBeGreaterThanOrEqual(1);
    expect(result.history.every((op) => op.completeMs === null)).toBe(true);
    expect(result.history.some((op) => op.invokeMs >= result.faultPlan.quietAfterMs + 500)).toBe(true);
  });

  it('a normal run under the same settings has no violation and completes its operations', () => {
    for (const faults of ['none', 'partitions'] as const) {
      const result = new Simulation(settings({ faults })).run();
      expect(result.violation).toBeNull();
      expect(result.coverage.counts.leaderChanges).toBeGreaterThanOrEqual(1);
      expect(result.history.filter((op) => op.completeMs !== null && op.invokeMs > result.faultPlan.quietAfterMs + 500).length).toBeGreaterThan(10);
    }
  });

  // Regression: the default settings once let clients stop invoking exactly when the operation
  // check began judging (bound 2 s), so LivenessOperations could never fire in a default run.
  it('LivenessOperations can fire under the default settings (every sweep runs with them)', () => {
    const config = makeSimConfig({ seed: 11, faults: 'none', checkLinearizability: false });
    const result = new Simulation(config, { bug: swallowClientRequests }).run();
    expect(result.history.length).toBeGreaterThan(0);
    expect(result.history.every((op) => op.completeMs === null)).toBe(true);
    expect(result.violation?.property).toBe('LivenessOperations');
  });

  // Regression: the leader check was once scheduled at 0.7 of the duration + livenessLeaderBoundMs,
  // past the end of any run shorter than bound / 0.3 (3.33 s by default), so a cluster that never
  // elected anybody passed. quietFraction now leaves the liveness checks their window.
  it('a short run whose cluster never elects a leader is not silently passed', () => {
    let outcome: string;
    try {
      const result = new Simulation(makeSimConfig({ seed: 11, faults: 'none', durationMs: 3_000, checkLinearizability: false }), { bug: deafCandidates }).run();
      expect(result.coverage.counts.leaderChanges).toBe(0);
      outcome = result.violation?.property ?? 'no violation';
    } catch (e) {
      outcome = (e as Error).name;
    }
    expect(['LivenessLeader', 'SimConfigError']).toContain(outcome);
  });
});
