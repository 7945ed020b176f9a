// One seed of a sweep, as a summary that can cross a thread boundary. It never throws: an
// exception anywhere in the seed's run is that seed's failure (UncaughtException), so one bad seed
// cannot take the others' results down with it.

import { runSeed } from '../sim/run-seed';
import { makeSimConfig, type SimConfig } from '../sim/config';
import type { PlantedBug } from '../sim/bugs/types';
import { uncaughtViolation } from '../sim/cluster/simulation';
import { COVERAGE_COUNTERS, type CoverageCounter } from '../sim/cluster/coverage';
import type { SeedSummary } from './sweep-types';

/** `nowNs` is the worker's monotonic clock (wall time is reported, never used in the run). */
export function summarizeSeed(base: SimConfig, seed: number, bug: PlantedBug | undefined, nowNs: () => bigint): SeedSummary {
  const t0 = nowNs();
  const wallMs = () => Number(nowNs() - t0) / 1e6;
  try {
    const result = runSeed(makeSimConfig({ ...base, seed }), { bug });
    return {
      seed, violation: result.violation, events: result.events, simulatedMs: result.simulatedMs, wallMs: wallMs(),
      operations: result.history.length, linearizability: result.linearizability?.verdict ?? null, coverage: result.coverage.counts,
      availability: result.availability,
    };
  } catch (e) {
    // Thrown outside the event loop (building the simulation, judging its history): no event to point at.
    return failedSeed(seed, uncaughtViolation(e, -1, -1), wallMs());
  }
}

/** A seed that produced no run to summarise: only its violation is known. */
export function failedSeed(seed: number, violation: SeedSummary['violation'], wallMs: number): SeedSummary {
  return {
    seed, violation, events: 0, simulatedMs: 0, wallMs, operations: 0, linearizability: null, coverage: EMPTY_COVERAGE, availability: null,
  };
}

const EMPTY_COVERAGE = Object.freeze(Object.fromEntries(COVERAGE_COUNTERS.map((c) => [c, 0]))) as Readonly<Record<CoverageCounter, number>>;
