// shrinkPlan with synthetic failure predicates: fast and exact, so the result can be checked
// against what the minimal plan must be, independently of any Raft behaviour.

import { Simulation } from './cluster/simulation';
import { makeSimConfig } from './config';
import { parseFaultPlan, type FaultPlan, type TimedFault } from './faults';
import { shrinkPlan } from './shrink';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

/** A generated 'all'-profile plan with plenty of faults, among them more than one crash of n1. */
function busyPlan(): FaultPlan {
  for (let seed = 1; seed < 100; seed++) {
    const plan = new Simulation(makeSimConfig({ seed, faults: 'all', durationMs: 8_000 })).faultPlan;
    if (plan.schedule.filter((f) => f.kind === 'crash' && f.node === 'n1').length >= 2 && plan.schedule.length >= 40) return plan;
  }
  throw new Error('no seed below 100 gives a busy plan');
}

const faultsBeforeQuiet = (plan: FaultPlan) => plan.schedule.filter((f) => f.atMs < plan.quietAfterMs);
const crashOf = (node: string) => (f: TimedFault) => f.kind === 'crash' && f.node === node;

describe('shrinkPlan', () => {
  const plan = busyPlan();
  const original = faultsBeforeQuiet(plan);

  it('keeps exactly one crash of n1 when failing means "the plan still crashes n1"', () => {
    const candidates: FaultPlan[] = [];
    const result = shrinkPlan(NODES, plan, (p) => {
      candidates.push(p);
      return faultsBeforeQuiet(p).some(crashOf('n1'));
    });
    expect(faultsBeforeQuiet(result.plan)).toEqual([expect.objectContaining({ kind: 'crash', node: 'n1' })]);
    expect(result.removed).toBe(original.length - 1);
    expect(result.attempts).toBe(candidates.length);
    // Every candidate was a valid plan with the original quiet point, ending in the quiet block.
    for (const c of candidates) {
      expect(() => parseFaultPlan(JSON.parse(JSON.stringify(c)), { nodes: NODES })).not.toThrow();
      expect(c.quietAfterMs).toBe(plan.quietAfterMs);
      expect(c.schedule.some((f) => f.kind === 'heal' && f.atMs === plan.quietAfterMs)).toBe(true);
    }
    // The quiet block restarts the node the minimal plan left down.
    expect(result.plan.schedule).toContainEqual({ atMs: plan.quietAfterMs, kind: 'restart', node: 'n1' });
  });

  it('keeps both faults when the failure needs two of them', () => {
    const needsBoth = (p: FaultPlan) => faultsBeforeQuiet(p).some(crashOf('n1')) && faultsBeforeQuiet(p).some((f) => f.kind === 'partition');
    expect(needsBoth(plan)).toBe(true);
    const kept = faultsBeforeQuiet(shrinkPlan(NODES, plan, needsBoth).plan);
    expect(kept.map((f) => f.kind).sort()).toEqual(['crash', 'partition']);
  });

  it('cannot drop the crash a restart depends on: a restart alone is not a valid plan', () => {
    const restartsN1 = (p: FaultPlan) => faultsBeforeQuiet(p).some((f) => f.kind === 'restart' && f.node === 'n1');
    expect(restartsN1(plan)).toBe(true);
    const kept = faultsBeforeQuiet(shrinkPlan(NODES, plan, restartsN1).plan);
    expect(kept.map((f) => `${f.kind} ${'node' in f ? f.node : ''}`)).toEqual(['crash n1', 'restart n1']);
  });

  it('removes everything when the failure needs no fault, and nothing when no candidate fails', () => {
    expect(faultsBeforeQuiet(shrinkPlan(NODES, plan, () => true).plan)).toEqual([]);
    const untouched = shrinkPlan(NODES, plan, () => false);
    expect(untouched.removed).toBe(0);
    expect(faultsBeforeQuiet(untouched.plan)).toEqual(original);
  });

  it('stops after maxAttempts re-runs', () => {
    let calls = 0;
    // Nothing can be removed, so without the bound this would try every chunk size down to one.
    const result = shrinkPlan(NODES, plan, () => {
      calls++;
      return false;
    }, 7);
    expect(calls).toBe(7);
    expect(result.attempts).toBe(7);
  });
});
