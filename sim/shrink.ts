// Shrinks a whole failing run, not only its fault schedule: the cluster size, the duration, the
// number of clients, the seed, the network and the faults. A candidate is kept only if it fails
// with the SAME property (under the same planted bug, which is part of the base config) and is
// smaller, where "smaller" is first the number of trace events (what a person has to read), then
// faults, operations, nodes, clients and duration.
//
// The search is fast-check's own shrinking discipline: walk the candidates of the current case in
// order, descend into the first one that still fails, start again from there, stop when none does.
// The scalar dimensions take their candidates from fast-check's integer shrinker (the target
// first, then halving the distance: a binary search); the fault list is cut by delta debugging
// (halves, quarters, ... single faults), as fast-check cuts arrays. fast-check's runner itself
// cannot be used here: its shrink trees start from values it generated, and ours starts from a
// recorded run.
//
// Nothing here reads a clock: the caller bounds the search with `shouldStop` (the CLI passes a
// wall-clock budget) and `maxAttempts`, and is told about every attempt through `onAttempt`.

import fc from 'fast-check';
import { makeSimConfig, type SimConfig } from './config';
import { finalizePlan, type FaultPlan, type TimedFault } from './faults';
import type { PlantedBug } from './bugs/types';
import { CountingTrace } from './bugs/counting-trace';
import type { Violation } from './cluster/simulation';
import { runSeed } from './run-seed';

/** What a shrink can change. Everything else (raft options, disk timings, the bug) stays as in the base config. */
export interface ShrinkCase {
  readonly seed: number;
  readonly nodes: number;
  readonly durationMs: number;
  readonly clients: number;
  readonly plan: FaultPlan;
}

/** How big a failing run is: what the shrinker minimises and what the CLI prints before and after. */
export interface CaseSize {
  /** Trace lines, header included: the length of the trace a person reads. */
  readonly events: number;
  /** Disruptive faults (before the quiet period). */
  readonly faults: number;
  /** Client operations invoked. */
  readonly operations: number;
}

export interface Judged {
  readonly case: ShrinkCase;
  readonly violation: Violation;
  readonly size: CaseSize;
}

export interface ShrinkProgress {
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly accepted: number;
  readonly best: Judged;
  /** Which dimension the last candidate changed. */
  readonly dimension: string;
}

export interface ShrinkCaseOptions {
  readonly bug?: PlantedBug;
  /** Bound on simulated candidates (default 2000). */
  readonly maxAttempts?: number;
  /** Asked before every candidate: true ends the search with the best case so far. */
  readonly shouldStop?: () => boolean;
  readonly onAttempt?: (p: ShrinkProgress) => void;
  /** The property every candidate must break (default: the one the input run breaks; it must be the same). */
  readonly property?: string;
  /** Rounds of fresh seeds, in a row, that may find nothing smaller before the search ends (default 4). */
  readonly idleSeedRounds?: number;
}

export interface ShrinkCaseResult {
  readonly original: Judged;
  readonly shrunk: Judged;
  readonly attempts: number;
  readonly accepted: number;
  /** True when the search ran out of attempts or was stopped, rather than finding no smaller candidate. */
  readonly truncated: boolean;
}

export class NotFailingError extends Error {
  override readonly name = 'NotFailingError';
}

export const disruptive = (plan: FaultPlan): TimedFault[] => plan.schedule.filter((f) => f.atMs < plan.quietAfterMs);

export function nodeIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}

export function caseOf(config: SimConfig, plan: FaultPlan): ShrinkCase {
  return { seed: config.seed, nodes: config.nodes, durationMs: config.durationMs, clients: config.workload.clients, plan };
}

/** The full config a case runs under: the base, with the case's fields and its explicit plan. */
export function caseConfig(base: SimConfig, c: ShrinkCase): SimConfig {
  return makeSimConfig({ ...base, seed: c.seed, nodes: c.nodes, durationMs: c.durationMs, workload: { ...base.workload, clients: c.clients }, faultPlan: c.plan });
}

/** Runs a case; null if it is not a valid run or does not fail. */
export function judgeCase(base: SimConfig, c: ShrinkCase, bug: PlantedBug | undefined): Judged | null {
  let config: SimConfig;
  try {
    config = caseConfig(base, c);
  } catch (e) {
    if ((e as Error).name === 'SimConfigError') return null;
    throw e;
  }
  const trace = new CountingTrace();
  let outcome;
  try {
    outcome = runSeed(config, { trace, bug });
  } catch (e) {
    // A candidate plan the simulator refuses (a fault naming a node the smaller cluster lacks...).
    if ((e as Error).name === 'FaultPlanError') return null;
    throw e;
  }
  if (outcome.violation === null) return null;
  return { case: c, violation: outcome.violation, size: { events: trace.lines, faults: disruptive(outcome.faultPlan).length, operations: outcome.history.length } };
}

/** The well-founded order candidates must descend: events first, then the rest. */
export function smaller(a: Judged, b: Judged): boolean {
  const key = (j: Judged) => [j.size.events, j.size.faults, j.size.operations, j.case.nodes, j.case.clients, j.case.durationMs, j.case.seed];
  const ka = key(a);
  const kb = key(b);
  for (let k = 0; k < ka.length; k++) if (ka[k] !== kb[k]) return ka[k] < kb[k];
  return false;
}

/** fast-check's integer shrinker from `value` towards `min`: the target first, then binary search. */
function intShrinks(value: number, min: number): number[] {
  if (value <= min) return [];
  return [...fc.integer({ min, max: value }).shrink(value, undefined)].map((v) => v.value).filter((v) => v < value);
}

/** The fault kept for a smaller cluster, or null if it names a node that is gone. */
function faultWithin(f: TimedFault, keep: ReadonlySet<string>): TimedFault | null {
  const has = (n: string) => keep.has(n);
  const group = (g: readonly string[]) => g.filter(has);
  switch (f.kind) {
    case 'heal':
    case 'setNetwork':
    // isolateLeader names no node: it cuts off whichever node leads when it fires.
    case 'isolateLeader':
      return f;
    case 'partition': {
      switch (f.shape) {
        case 'isolate':
          return has(f.node) ? f : null;
        case 'symmetric': {
          const a = group(f.a), b = group(f.b);
          return a.length > 0 && b.length > 0 ? { ...f, a, b } : null;
        }
        case 'oneWay': {
          const from = group(f.from), to = group(f.to);
          return from.length > 0 && to.length > 0 ? { ...f, from, to } : null;
        }
        case 'majorityMinority': {
          const majority = group(f.majority), minority = group(f.minority);
          return minority.length > 0 && majority.length > minority.length ? { ...f, majority, minority } : null;
        }
        case 'bridge': {
          const left = group(f.left), right = group(f.right);
          return has(f.bridge) && left.length > 0 && right.length > 0 ? { ...f, left, right } : null;
        }
      }
      return null;
    }
    default:
      return has(f.node) ? f : null;
  }
}

function rebuild(c: ShrinkCase, nodes: number, events: readonly TimedFault[], quietAfterMs = c.plan.quietAfterMs, network = c.plan.network): FaultPlan {
  return finalizePlan(nodeIds(nodes), network, events, quietAfterMs);
}

interface Candidate {
  readonly dimension: string;
  readonly case: ShrinkCase;
}

/**
 * The candidates of one case, biggest expected saving first. `best` is the case's own run: its
 * violation time gives the "stop right after the violation" durations.
 */
export function* candidates(best: Judged, operationTimeoutMs: number, seedCursor: SeedCursor = { next: 0 }): Generator<Candidate> {
  const c = best.case;
  const faults = disruptive(c.plan);
  // Fewer nodes: faults naming removed nodes go, partitions lose their members.
  for (const nodes of intShrinks(c.nodes, 1)) {
    const keep = new Set(nodeIds(nodes));
    const kept = faults.map((f) => faultWithin(f, keep)).filter((f): f is TimedFault => f !== null);
    yield { dimension: 'nodes', case: { ...c, nodes, plan: rebuild(c, nodes, kept) } };
  }
  // A shorter run. First the end that leaves the run identical up to the violation (clients stop
  // invoking operationTimeoutMs before the end), then right after the violation, then fast-check's
  // binary search. Faults past the new end go, and the quiet period starts by it.
  const atMs = Math.ceil(best.violation.atMs);
  const durations = new Set([atMs + operationTimeoutMs + 1, atMs + 1, ...intShrinks(c.durationMs, 100)]);
  for (const durationMs of [...durations].filter((d) => d >= 100 && d < c.durationMs).sort((x, y) => x - y)) {
    const quiet = Math.min(c.plan.quietAfterMs, durationMs);
    yield { dimension: 'duration', case: { ...c, durationMs, plan: rebuild(c, c.nodes, faults, quiet) } };
  }
  for (const clients of intShrinks(c.clients, 0)) yield { dimension: 'clients', case: { ...c, clients } };
  // Delta debugging over the faults: halves, quarters, ..., single faults.
  for (let chunk = Math.max(1, Math.floor(faults.length / 2)); chunk >= 1 && faults.length > 0; chunk = Math.floor(chunk / 2)) {
    for (let start = 0; start < faults.length; start += chunk) {
      yield { dimension: 'faults', case: { ...c, plan: rebuild(c, c.nodes, [...faults.slice(0, start), ...faults.slice(start + chunk)]) } };
    }
  }
  // A calmer network: no loss, copies or reordering from the start.
  const n = c.plan.network;
  if (n.dropProbability > 0 || n.duplicateProbability > 0 || n.reorderProbability > 0) {
    yield { dimension: 'network', case: { ...c, plan: rebuild(c, c.nodes, faults, c.plan.quietAfterMs, { ...n, dropProbability: 0, duplicateProbability: 0, reorderProbability: 0 }) } };
  }
  // Other seeds: fast-check's shrinks towards 0, then the small seeds. A different seed is a
  // different run of the same (already smaller) configuration, kept only if it fails the same way
  // sooner. The scheduling of a failure is chaotic in the seed, so this is where most of the events
  // go; the attempt bound keeps it from becoming a hunt.
  for (const seed of intShrinks(c.seed, 0).slice(0, 4)) yield { dimension: 'seed', case: { ...c, seed } };
  // Fresh seeds each time round (never one tried before), so a long search keeps exploring.
  for (let k = 0; k < SEED_TRIES_PER_ROUND; k++) {
    const seed = seedCursor.next++;
    if (seed !== c.seed) yield { dimension: 'seed', case: { ...c, seed } };
  }
}

/** Fresh seeds tried at every local minimum. */
const SEED_TRIES_PER_ROUND = 64;

/** The next seed the search has not tried yet: shared by all rounds of one shrink. */
export interface SeedCursor {
  next: number;
}

/** Shrinks the failing run `base` (its faultPlan must be set). Throws NotFailingError if it passes. */
export function shrinkCase(base: SimConfig, options: ShrinkCaseOptions = {}): ShrinkCaseResult {
  if (base.faultPlan === undefined) throw new RangeError('shrinkCase needs the run\'s explicit fault plan');
  const maxAttempts = options.maxAttempts ?? 2000;
  const original = judgeCase(base, caseOf(base, base.faultPlan), options.bug);
  if (original === null) throw new NotFailingError(`seed ${base.seed} does not fail: nothing to shrink`);
  const property = original.violation.property;
  if (options.property !== undefined && options.property !== property) throw new NotFailingError(`seed ${base.seed} breaks ${property}, not ${options.property}`);
  let best = original;
  let attempts = 0;
  let accepted = 0;
  let truncated = false;
  let improved = true;
  const seedCursor: SeedCursor = { next: 0 };
  // A round that finds nothing smaller still tried fresh seeds; a few such rounds in a row end the
  // search (the structural candidates were exhausted in the first of them).
  let idleRounds = 0;
  const maxIdleRounds = options.idleSeedRounds ?? 4;
  while (improved || idleRounds < maxIdleRounds) {
    if (!improved) idleRounds++;
    else idleRounds = 0;
    improved = false;
    for (const candidate of candidates(best, base.workload.operationTimeoutMs, seedCursor)) {
      if (attempts >= maxAttempts || options.shouldStop?.() === true) {
        truncated = true;
        break;
      }
      attempts++;
      const judged = judgeCase(base, candidate.case, options.bug);
      if (judged !== null && judged.violation.property === property && smaller(judged, best)) {
        best = judged;
        accepted++;
        improved = true;
      }
      options.onAttempt?.({ attempts, maxAttempts, accepted, best, dimension: candidate.dimension });
      if (improved) break;
    }
    if (truncated) break;
  }
  return { original, shrunk: best, attempts, accepted, truncated };
}
