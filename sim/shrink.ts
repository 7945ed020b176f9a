// Reduces a failing fault plan to a minimal one (delta debugging, one fault at a time): a fault
// stays only if removing it makes the failure go away. The quiet tail is re-derived each time by
// finalizePlan, so every candidate is itself a valid plan.

import { finalizePlan, type FaultPlan, type TimedFault } from './faults';

export interface ShrinkResult {
  readonly plan: FaultPlan;
  readonly attempts: number;
  readonly removed: number;
}

/** `fails` re-runs the simulation with a plan and says whether the same property still breaks. */
export function shrinkPlan(nodes: readonly string[], plan: FaultPlan, fails: (plan: FaultPlan) => boolean, maxAttempts = 500): ShrinkResult {
  const quiet = plan.quietAfterMs;
  const build = (events: readonly TimedFault[]) => finalizePlan(nodes, plan.network, events, quiet);
  let events = plan.schedule.filter((f) => f.atMs < quiet);
  const originalCount = events.length;
  let attempts = 0;
  // First try large cuts (halves, quarters...), then single faults, until nothing more can go.
  for (let chunk = Math.max(1, Math.floor(events.length / 2)); chunk >= 1; chunk = Math.floor(chunk / 2)) {
    let progress = true;
    while (progress && attempts < maxAttempts) {
      progress = false;
      for (let start = 0; start < events.length && attempts < maxAttempts; start += chunk) {
        const candidate = [...events.slice(0, start), ...events.slice(start + chunk)];
        attempts++;
        if (fails(build(candidate))) {
          events = candidate;
          progress = true;
          start -= chunk;
        }
      }
    }
  }
  return { plan: build(events), attempts, removed: originalCount - events.length };
}
