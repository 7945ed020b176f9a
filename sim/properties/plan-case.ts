// What a property-based run is made of: a simulator seed and a fault schedule. Both shrink: the
// seed towards 0, the schedule towards fewer, later, shorter faults on a calmer network.

import fc from 'fast-check';
import { faultScheduleArb, type FaultScheduleArbOptions } from '../faults/arbitrary';
import type { FaultPlan } from '../faults';

export interface PlanCase {
  readonly seed: number;
  readonly plan: FaultPlan;
}

export interface PlanCaseArbOptions extends Omit<FaultScheduleArbOptions, 'nodes'> {
  /** Cluster size; nodes are n1..nN as in the simulator. */
  readonly nodes: number;
}

export function nodeIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}

export function planCaseArb(opts: PlanCaseArbOptions): fc.Arbitrary<PlanCase> {
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    plan: faultScheduleArb({ ...opts, nodes: nodeIds(opts.nodes) }),
  });
}

/** The faults before the quiet period: what the schedule actually breaks (the quiet block only repairs). */
export function disruptiveFaults(plan: FaultPlan) {
  return plan.schedule.filter((f) => f.atMs < plan.quietAfterMs);
}
