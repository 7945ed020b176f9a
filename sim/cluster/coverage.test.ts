// Fault injection that silently does nothing is a classic simulator failure; missingCoverage is the
// guard. It must flag a profile whose faults never fired, and stay quiet on a normal sweep.

import { Simulation } from './simulation';
import { COVERAGE_COUNTERS, Coverage, missingCoverage, PROFILE_EXPECTS, type CoverageCounter } from './coverage';
import { makeSimConfig } from '../config';
import { FAULT_PROFILES, finalizePlan } from '../faults';

const counts = (value: number): Record<CoverageCounter, number> => Object.fromEntries(COVERAGE_COUNTERS.map((c) => [c, value])) as Record<CoverageCounter, number>;

describe('missingCoverage', () => {
  it('names every counter a profile promises when nothing happened, and none when everything did', () => {
    // Runs whose implementation had every capability: everything the profile promises is demanded.
    const capable = { runsWithSnapshots: 1, runsWithMembership: 1 };
    for (const profile of FAULT_PROFILES) {
      expect(missingCoverage(profile, { ...counts(0), ...capable })).toEqual(PROFILE_EXPECTS[profile]);
      expect(missingCoverage(profile, counts(1))).toEqual([]);
    }
    expect(missingCoverage('crashes', { ...counts(1), restarts: 0 })).toEqual(['restarts']);
    // An implementation without snapshots or membership is not asked for what only they produce.
    expect(missingCoverage('swarm', { ...counts(1), runsWithSnapshots: 0, snapshotsTaken: 0, compactions: 0 })).toEqual([]);
    expect(missingCoverage('membership', { ...counts(1), runsWithMembership: 0, confChanges: 0 })).toEqual([]);
    expect(missingCoverage('membership', { ...counts(1), confChanges: 0 })).toEqual(['confChanges']);
  });

  it('asks a one-node sweep only for what a node alone can do', () => {
    const alone = { ...counts(1), receives: 0, drops: 0, duplicates: 0, partitions: 0, leaseReads: 0, transferRequests: 0, confChanges: 0 };
    expect(missingCoverage('all', alone, 1)).toEqual([]);
    expect(missingCoverage('all', alone, 3)).toEqual(['drops', 'duplicates', 'partitions', 'receives', 'leaseReads', 'transferRequests']);
    expect(missingCoverage('crashes', { ...alone, crashes: 0 }, 1)).toEqual(['crashes']);
    for (const faults of ['all', 'swarm', 'crashes', 'membership'] as const) {
      const total = new Coverage();
      // A node alone runs cheaply: 10 s runs, so its crashes find unsynced writes to lose.
      for (let seed = 1; seed <= 3; seed++) {
        const result = new Simulation(makeSimConfig({ seed, faults, nodes: 1, durationMs: 10_000, checkLinearizability: false })).run();
        expect(result.violation).toBeNull();
        total.merge(result.coverage.counts);
      }
      expect({ faults, missing: missingCoverage(faults, total.counts, 1) }).toEqual({ faults, missing: [] });
    }
  });

  it('flags a crashes run whose plan was stripped of its crashes', () => {
    const config = makeSimConfig({ seed: 4, faults: 'crashes', durationMs: 3_000, checkLinearizability: false });
    const probe = new Simulation(config);
    const generated = probe.faultPlan;
    expect(generated.schedule.some((f) => f.kind === 'crash')).toBe(true);
    const kept = generated.schedule.filter((f) => f.atMs < generated.quietAfterMs && f.kind !== 'crash' && f.kind !== 'restart');
    const stripped = finalizePlan(probe.nodeIds, generated.network, kept, generated.quietAfterMs);
    const result = new Simulation({ ...config, faultPlan: stripped }).run();
    expect(result.violation).toBeNull();
    const missing = missingCoverage('crashes', result.coverage.counts);
    expect(missing).toEqual(expect.arrayContaining(['crashes', 'restarts', 'lostUnsyncedWrites']));
    // Pauses were left in the plan, happened, and are not reported.
    expect(missing).not.toContain('pauses');
  });

  it('is complete for a normal sweep (three short seeds) of every profile', () => {
    for (const faults of FAULT_PROFILES) {
      const total = new Coverage();
      for (let seed = 1; seed <= 3; seed++) {
        const result = new Simulation(makeSimConfig({ seed, faults, durationMs: 3_000, checkLinearizability: false })).run();
        expect(result.violation).toBeNull();
        total.merge(result.coverage.counts);
      }
      expect({ faults, missing: missingCoverage(faults, total.counts) }).toEqual({ faults, missing: [] });
    }
  });
});

describe('membership coverage by kind', () => {
  it('counts each accepted change by what it did, and only accepted ones', () => {
    const total = new Coverage();
    for (let seed = 1; seed <= 6; seed++) {
      const result = new Simulation(makeSimConfig({ seed, faults: 'membership', nodes: 5, initialVoters: 3, durationMs: 4_000, checkLinearizability: false })).run();
      expect(result.violation).toBeNull();
      total.merge(result.coverage.counts);
    }
    const c = total.counts;
    // Starting with two nodes outside the configuration, every kind of change happens.
    for (const kind of ['learnersAdded', 'votersAdded', 'removals', 'jointChanges'] as const) expect(c[kind]).toBeGreaterThan(0);
    // Each accepted change is one or two of these, a joint one exactly two.
    expect(c.learnersAdded + c.votersAdded + c.removals).toBe(c.confChanges + c.jointChanges);
    expect(c.leaderRemovals).toBeLessThanOrEqual(c.removals);
  });
});
