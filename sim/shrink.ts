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
import { makeConfig } from '../core';
import { makeSimConfig, type SimConfig } from './config';
import { finalizePlan, type FaultPlan, type TimedFault } from './faults';
import type { NetworkParams } from './network/params';
import type { PlantedBug } from './bugs/types';
import { CountingTrace } from './bugs/counting-trace';
import type { Violation } from './cluster/simulation';
import { runSeed } from './run-seed';

/**
 * What a shrink can change. Everything else (the other raft options, disk timings, the bug) stays
 * as in the base config.
 */
export interface ShrinkCase {
  readonly seed: number;
  readonly nodes: number;
  readonly durationMs: number;
  readonly clients: number;
  readonly plan: FaultPlan;
  /** The run's pace; absent: the base config's. */
  readonly pace?: CasePace;
}

/**
 * The settings that decide how many trace events a simulated second costs: every node steps once
 * per tick, a leader sends a round of heartbeats every heartbeat interval, clients invoke an
 * operation every think time and spin on retries until their operation times out. A failure that
 * needs a second of simulated time is mostly idle ticks and heartbeats; a slower tick, sparser
 * heartbeats, a shorter election timeout or calmer clients reach the same failure in fewer lines.
 */
export interface CasePace {
  readonly tickMs: number;
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  readonly thinkMeanMs: number;
  readonly attemptTimeoutMs: number;
  readonly operationTimeoutMs: number;
  /** Clients invoke nothing before this (absent: from the start). */
  readonly startInvokingAtMs?: number;
  /** Clients invoke at most this many operations (absent: no limit). */
  readonly maxOperations?: number;
  /** A client's pause before it retries after a redirect (absent: the workload's 5 ms). */
  readonly redirectPauseMs?: number;
}

type WorkloadLimits = Pick<CasePace, 'startInvokingAtMs' | 'maxOperations' | 'redirectPauseMs'>;

/** The workload limits `from` sets, and only those: an absent one stays absent (the workload's default). */
function workloadLimits(from: WorkloadLimits): WorkloadLimits {
  return {
    ...(from.startInvokingAtMs !== undefined ? { startInvokingAtMs: from.startInvokingAtMs } : {}),
    ...(from.maxOperations !== undefined ? { maxOperations: from.maxOperations } : {}),
    ...(from.redirectPauseMs !== undefined ? { redirectPauseMs: from.redirectPauseMs } : {}),
  };
}

export function paceOf(config: SimConfig): CasePace {
  const raft = makeConfig({ clusterId: 'pace', id: 'n1', cluster: { voters: ['n1'] }, seed: 0, ...config.raft });
  const w = config.workload;
  return {
    tickMs: config.tickMs, electionTimeoutTicks: raft.electionTimeoutTicks, heartbeatIntervalTicks: raft.heartbeatIntervalTicks,
    thinkMeanMs: w.thinkMeanMs, attemptTimeoutMs: w.attemptTimeoutMs, operationTimeoutMs: w.operationTimeoutMs,
    ...workloadLimits(w),
  };
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
  /** Rounds of fresh seeds, in a row, that may find nothing smaller before the search ends (default 16). */
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
  return { seed: config.seed, nodes: config.nodes, durationMs: config.durationMs, clients: config.workload.clients, plan, pace: paceOf(config) };
}

/** The full config a case runs under: the base, with the case's fields and its explicit plan. */
export function caseConfig(base: SimConfig, c: ShrinkCase): SimConfig {
  const p = c.pace;
  const paced: Partial<SimConfig> = p === undefined ? {} : {
    tickMs: p.tickMs,
    raft: { ...base.raft, electionTimeoutTicks: p.electionTimeoutTicks, heartbeatIntervalTicks: p.heartbeatIntervalTicks },
    workload: {
      ...base.workload, thinkMeanMs: p.thinkMeanMs, attemptTimeoutMs: p.attemptTimeoutMs, operationTimeoutMs: p.operationTimeoutMs,
      ...workloadLimits(p),
    },
  };
  const withPace = { ...base, ...paced };
  return makeSimConfig({ ...withPace, seed: c.seed, nodes: c.nodes, durationMs: c.durationMs, workload: { ...withPace.workload, clients: c.clients }, faultPlan: c.plan });
}

/**
 * Counts trace lines, and stops the run (by throwing, once) as soon as it has more than
 * `maxLines`: such a candidate can no longer be smaller than the best case, whatever it does next.
 * Most candidates do not fail; without the bound each would run its full duration.
 */
class BoundedCountingTrace extends CountingTrace {
  exceeded = false;

  constructor(private readonly maxLines: number) {
    super();
  }

  override event(): void {
    super.event();
    if (!this.exceeded && this.lines > this.maxLines) {
      this.exceeded = true;
      throw new OverEventBound();
    }
  }
}

class OverEventBound extends Error {
  override readonly name = 'OverEventBound';
}

/**
 * Runs a case; null if it is not a valid run, does not fail, or (given `maxEvents`) has more trace
 * lines than that before it fails.
 */
export function judgeCase(base: SimConfig, c: ShrinkCase, bug: PlantedBug | undefined, maxEvents = Infinity): Judged | null {
  let config: SimConfig;
  try {
    config = caseConfig(base, c);
  } catch (e) {
    if ((e as Error).name === 'SimConfigError') return null;
    throw e;
  }
  const trace = new BoundedCountingTrace(maxEvents);
  let outcome;
  try {
    outcome = runSeed(config, { trace, bug });
  } catch (e) {
    // A candidate plan the simulator refuses (a fault naming a node the smaller cluster lacks...).
    if ((e as Error).name === 'FaultPlanError' || e instanceof OverEventBound) return null;
    throw e;
  }
  if (outcome.violation === null || trace.exceeded) return null;
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
  if (value <= min || !Number.isSafeInteger(value) || !Number.isSafeInteger(min)) return [];
  return [...fc.integer({ min, max: value }).shrink(value, undefined)].map((v) => v.value).filter((v) => v < value);
}

/** fast-check's integer shrinker turned round: from `value` up towards `max`, the target first. */
function intGrows(value: number, max: number): number[] {
  return intShrinks(Math.floor(max - value), 0).map((d) => max - d);
}

/** The fault kept for a smaller cluster, or null if it names a node that is gone. */
function faultWithin(f: TimedFault, keep: ReadonlySet<string>): TimedFault | null {
  const has = (n: string) => keep.has(n);
  const group = (g: readonly string[]) => g.filter(has);
  switch (f.kind) {
    case 'heal':
    case 'setNetwork':
    // isolateLeader names no node: it cuts off whichever node leads when it fires. Nor does
    // membership: the driver picks the nodes from the configuration in effect when it fires.
    case 'isolateLeader':
    case 'membership':
    case 'leaderSplit':
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

/**
 * A fault's simpler forms, simplest first. A membership `replace` (one joint change: a voter in, a
 * voter out, two nodes named) becomes a single-server change naming one node: the removal alone,
 * or the join alone. Other kinds have no simpler form here (their node sets shrink with the
 * cluster, faultWithin).
 */
export function simplerFaults(f: TimedFault): TimedFault[] {
  if (f.kind !== 'membership') return [];
  // A change aimed at the next leader is simpler as a change to whoever leads when it fires.
  if (f.atNextLeader) {
    const timed: TimedFault = { atMs: f.atMs, kind: 'membership', op: f.op };
    return [timed, ...simplerFaults(timed).map((g) => ({ ...g, atNextLeader: true as const }))];
  }
  switch (f.op) {
    case 'replace':
      return [{ ...f, op: 'removeNode' }, { ...f, op: 'addLearner' }];
    case 'addVoter':
      return [{ ...f, op: 'promote' }, { ...f, op: 'addLearner' }];
    case 'promote':
    case 'removeNode':
    case 'addLearner':
      return [];
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
 * violation time gives the "stop right after the violation" durations. `operationTimeoutMs` is
 * the base config's, for a case without its own pace.
 */
export function* candidates(best: Judged, operationTimeoutMs: number, seedCursor: SeedCursor = { next: 0, variant: 0 }, freshSeedsOnly = false): Generator<Candidate> {
  const c = best.case;
  const structural = [...structuralCandidates(best, operationTimeoutMs)];
  if (!freshSeedsOnly) {
    yield* structural;
    // Other seeds: fast-check's shrinks towards 0 first.
    for (const seed of intShrinks(c.seed, 0).slice(0, 4)) yield { dimension: 'seed', case: { ...c, seed } };
  }
  yield* freshSeeds(best, boldest(c, structural), seedCursor);
}

/**
 * The boldest structural candidates: the first two of each dimension (fast-check puts the target
 * first: one node, no clients, half the faults gone...), and of the pace the first of each setting.
 * These are the ones worth re-running under other seeds.
 */
function boldest(c: ShrinkCase, structural: readonly Candidate[]): Candidate[] {
  const taken = new Map<string, number>();
  const out: Candidate[] = [];
  for (const candidate of structural) {
    let key = candidate.dimension;
    if (key === 'pace' && c.pace !== undefined && candidate.case.pace !== undefined) {
      const from = c.pace;
      const to = candidate.case.pace;
      key = `pace ${(Object.keys(from) as (keyof CasePace)[]).find((k) => from[k] !== to[k])}`;
    }
    const n = taken.get(key) ?? 0;
    if (n >= (key.startsWith('pace') ? 1 : 2)) continue;
    taken.set(key, n + 1);
    out.push(candidate);
  }
  return out;
}

/** The structural dimensions, in the order a round tries them. */
export const STRUCTURAL_DIMENSIONS = ['nodes', 'duration', 'clients', 'operations', 'pace', 'faults', 'fault kinds', 'fault times', 'fault moves', 'network'] as const;

/**
 * The structural candidates of the dimensions from `from` on (an index into
 * STRUCTURAL_DIMENSIONS): after a success in one dimension the search resumes there, as delta
 * debugging resumes at the chunk it cut, rather than re-trying every earlier dimension at each step.
 */
function* candidatesFrom(best: Judged, operationTimeoutMs: number, from: number): Generator<Candidate> {
  const later = new Set<string>(STRUCTURAL_DIMENSIONS.slice(from));
  for (const candidate of structuralCandidates(best, operationTimeoutMs)) if (later.has(candidate.dimension)) yield candidate;
}

/** Every candidate of one case that keeps its seed, biggest expected saving first. */
function* structuralCandidates(best: Judged, operationTimeoutMs: number): Generator<Candidate> {
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
  const timeoutMs = c.pace?.operationTimeoutMs ?? operationTimeoutMs;
  const durations = new Set([atMs + timeoutMs + 1, atMs + 1, ...intShrinks(c.durationMs, 100)]);
  for (const durationMs of [...durations].filter((d) => d >= 100 && d < c.durationMs).sort((x, y) => x - y)) {
    const quiet = Math.min(c.plan.quietAfterMs, durationMs);
    yield { dimension: 'duration', case: { ...c, durationMs, plan: rebuild(c, c.nodes, faults, quiet) } };
  }
  for (const clients of intShrinks(c.clients, 0)) yield { dimension: 'clients', case: { ...c, clients } };
  // Without clients the workload's settings change nothing: no candidates spent on them.
  if (c.pace !== undefined && c.clients > 0) for (const pace of operationCandidates(c.pace, best)) yield { dimension: 'operations', case: { ...c, pace } };
  if (c.pace !== undefined) for (const pace of paceCandidates(c.pace, c.clients > 0)) yield { dimension: 'pace', case: { ...c, pace } };
  // Delta debugging over the faults: halves, quarters, ..., single faults.
  for (let chunk = Math.max(1, Math.floor(faults.length / 2)); chunk >= 1 && faults.length > 0; chunk = Math.floor(chunk / 2)) {
    for (let start = 0; start < faults.length; start += chunk) {
      yield { dimension: 'faults', case: { ...c, plan: rebuild(c, c.nodes, [...faults.slice(0, start), ...faults.slice(start + chunk)]) } };
    }
  }
  // Each fault simpler, one at a time: the value inside an array element shrinks, as fast-check
  // shrinks an array's items after its length. A membership change that names two nodes (a joint
  // replace) becomes one that names one.
  for (let k = 0; k < faults.length; k++) {
    for (const simpler of simplerFaults(faults[k])) {
      yield { dimension: 'fault kinds', case: { ...c, plan: rebuild(c, c.nodes, faults.map((f, j) => (j === k ? simpler : f))) } };
    }
  }
  // The same faults sooner: the quiet stretch before the first one, and the gaps between them,
  // are events nobody needs to read.
  if (faults.length > 0) {
    const first = faults[0].atMs;
    for (const to of intShrinks(Math.floor(first), 0).slice(0, 3)) {
      yield { dimension: 'fault times', case: { ...c, plan: rebuild(c, c.nodes, faults.map((f) => ({ ...f, atMs: f.atMs - (first - to) }))) } };
    }
    yield { dimension: 'fault times', case: { ...c, plan: rebuild(c, c.nodes, faults.map((f) => ({ ...f, atMs: Math.floor(f.atMs / 2) }))) } };
  }
  // One membership operation sooner, the other faults where they were: the gap before it closed
  // (it moves to its predecessor's time, or to 0), then halved. What a change does depends on the
  // configuration and the leader when it fires, not on nodes it names, so where it sits among the
  // crashes and partitions is its real content. (Every fault kind would cost two candidates per
  // fault and round; measured on joint-quorum-old-only, that spent the attempts better used elsewhere.)
  for (let k = 0; k < faults.length; k++) {
    if (faults[k].kind !== 'membership') continue;
    const earliest = k === 0 ? 0 : faults[k - 1].atMs;
    const gapMs = faults[k].atMs - earliest;
    if (gapMs < 2) continue;
    for (const atMs of [earliest, Math.floor(earliest + gapMs / 2)]) {
      const moved = [...faults.slice(0, k), { ...faults[k], atMs }, ...faults.slice(k + 1)];
      yield { dimension: 'fault moves', case: { ...c, plan: rebuild(c, c.nodes, moved) } };
    }
  }
  // A calmer network: no loss, copies, reordering or long tail from the start; all at once, then each.
  const n = c.plan.network;
  const calmer: Partial<NetworkParams>[] = [
    { dropProbability: 0, duplicateProbability: 0, reorderProbability: 0, delay: { ...n.delay, tailProbability: 0 } },
    { dropProbability: 0 }, { duplicateProbability: 0 }, { reorderProbability: 0 }, { delay: { ...n.delay, tailProbability: 0 } },
  ];
  const seen = new Set([JSON.stringify(n)]);
  for (const patch of calmer) {
    const network = { ...n, ...patch };
    const key = JSON.stringify(network);
    if (seen.has(key)) continue;
    seen.add(key);
    yield { dimension: 'network', case: { ...c, plan: rebuild(c, c.nodes, faults, c.plan.quietAfterMs, network) } };
  }
}

/**
 * Fresh seeds (never one tried before), so a long search keeps exploring. A different seed is a
 * different run, kept only if it fails the same way sooner: the scheduling of a failure is chaotic
 * in the seed, so this is where most of the events go. A quarter of the seeds run the best case
 * itself, a quarter its boldest structural candidates in turn, half of them combinations of bold
 * simplifications: a smaller cluster, no clients, a slower pace or fewer faults that did not fail
 * under this seed may well fail under another, and a search that only re-seeds the case it has
 * would never try them again. (On accept-stale-term-responses, for example, no seed of 300 fails
 * within a quarter of the events with any one simplification; about one in 300 does with the
 * right two or three together.)
 */
function* freshSeeds(best: Judged, structural: readonly Candidate[], seedCursor: SeedCursor): Generator<Candidate> {
  const c = best.case;
  for (let k = 0; k < SEED_TRIES_PER_ROUND; k++) {
    const seed = seedCursor.next++;
    if (k % 4 === 1 && structural.length > 0) {
      const variant = structural[seedCursor.variant++ % structural.length];
      yield { dimension: `seed, ${variant.dimension}`, case: { ...variant.case, seed } };
    } else if (k % 4 >= 2) {
      // Several bold simplifications at once: each alone may need a rare seed, and together they
      // may need no rarer one. Which ones: bits of a hash of the seed (deterministic, varied).
      // The workload's steps (the last ones) take bits of a second hash: the first eight keep the
      // combinations they had before those existed.
      const mask = (Math.imul(seed + 1, 0x9e3779b1) >>> 24) | ((Math.imul(seed + 1, 0x85ebca6b) >>> 28) << 8);
      const picked = BOLD_SIMPLIFICATIONS.filter((_, bit) => ((mask >>> bit) & 1) === 1);
      const bolder = picked.reduce((x, simplify) => simplify.apply(x, best), c);
      yield { dimension: `seed, ${picked.map((b) => b.name).join(' + ') || 'none'}`, case: { ...bolder, seed } };
    } else if (seed !== c.seed) {
      yield { dimension: 'seed', case: { ...c, seed } };
    }
  }
}

interface BoldSimplification {
  readonly name: string;
  readonly apply: (c: ShrinkCase, best: Judged) => ShrinkCase;
}

/** The boldest step of each dimension, as changes that compose. */
const BOLD_SIMPLIFICATIONS: readonly BoldSimplification[] = [
  { name: 'no clients', apply: (c) => ({ ...c, clients: 0 }) },
  { name: 'half the faults', apply: (c) => ({ ...c, plan: rebuild(c, c.nodes, disruptive(c.plan).slice(0, Math.floor(disruptive(c.plan).length / 2))) }) },
  { name: 'calm network', apply: (c) => ({ ...c, plan: rebuild(c, c.nodes, disruptive(c.plan), c.plan.quietAfterMs, { ...c.plan.network, dropProbability: 0, duplicateProbability: 0, reorderProbability: 0, delay: { ...c.plan.network.delay, tailProbability: 0 } }) }) },
  {
    name: 'stop after the violation',
    apply: (c, best) => {
      const durationMs = Math.max(100, Math.ceil(best.violation.atMs) + 1);
      return durationMs >= c.durationMs ? c : { ...c, durationMs, plan: rebuild(c, c.nodes, disruptive(c.plan), Math.min(c.plan.quietAfterMs, durationMs)) };
    },
  },
  { name: 'shortest election timeout', apply: (c) => (c.pace ? { ...c, pace: { ...c.pace, electionTimeoutTicks: c.pace.heartbeatIntervalTicks + 1 } } : c) },
  { name: 'sparsest heartbeat', apply: (c) => (c.pace ? { ...c, pace: { ...c.pace, heartbeatIntervalTicks: Math.max(c.pace.heartbeatIntervalTicks, c.pace.electionTimeoutTicks - 1) } } : c) },
  { name: 'double tick', apply: (c) => (c.pace ? { ...c, pace: { ...c.pace, tickMs: c.pace.tickMs * 2 } } : c) },
  { name: 'slower clients', apply: (c) => (c.pace ? { ...c, pace: { ...c.pace, thinkMeanMs: c.pace.thinkMeanMs * 4 } } : c) },
  { name: 'calmer retries', apply: (c) => (c.pace ? { ...c, pace: { ...c.pace, redirectPauseMs: Math.min(c.pace.attemptTimeoutMs, 4 * (c.pace.redirectPauseMs ?? REDIRECT_PAUSE_MS)) } } : c) },
  { name: 'one client', apply: (c) => ({ ...c, clients: Math.min(c.clients, 1) }) },
  {
    name: 'clients start late',
    apply: (c, best) => (c.pace ? { ...c, pace: { ...c.pace, startInvokingAtMs: Math.max(c.pace.startInvokingAtMs ?? 0, Math.floor(best.violation.atMs * 0.75)) } } : c),
  },
  { name: 'half the operations', apply: (c, best) => (c.pace ? { ...c, pace: { ...c.pace, maxOperations: Math.floor(best.size.operations / 2) } } : c) },
];

/**
 * A slower pace, one setting at a time, each by fast-check's search towards its cheapest value:
 * longer ticks (up to 4x), heartbeats as sparse as the election timeout allows, the shortest
 * election timeout above the heartbeat, longer think times (up to 4x), attempts that wait as long
 * as the operation, operations that time out as soon as their attempt does (a shorter tail after
 * clients stop invoking). Only candidates that fail the same way in fewer events are kept.
 */
function* paceCandidates(p: CasePace, withClients = true): Generator<CasePace> {
  for (const tickMs of intGrows(p.tickMs, p.tickMs * 4)) yield { ...p, tickMs };
  for (const heartbeatIntervalTicks of intGrows(p.heartbeatIntervalTicks, p.electionTimeoutTicks - 1)) yield { ...p, heartbeatIntervalTicks };
  for (const electionTimeoutTicks of intShrinks(p.electionTimeoutTicks, p.heartbeatIntervalTicks + 1)) yield { ...p, electionTimeoutTicks };
  if (!withClients) return;
  for (const thinkMeanMs of intGrows(p.thinkMeanMs, p.thinkMeanMs * 4)) yield { ...p, thinkMeanMs };
  for (const attemptTimeoutMs of intGrows(p.attemptTimeoutMs, p.operationTimeoutMs)) yield { ...p, attemptTimeoutMs };
  for (const operationTimeoutMs of intShrinks(p.operationTimeoutMs, p.attemptTimeoutMs)) yield { ...p, operationTimeoutMs };
  for (const redirectPauseMs of intGrows(p.redirectPauseMs ?? REDIRECT_PAUSE_MS, p.attemptTimeoutMs)) yield { ...p, redirectPauseMs };
}

/**
 * Fewer client operations, by fast-check's searches: a cap on how many are invoked in all (from
 * the run's own count towards none), and a later start for the first one (from its start towards
 * the violation). A failure that needs three writes after the first election is often read behind
 * dozens of attempts that clients spin through while there is no leader, and operations the
 * failure does not need.
 */
function* operationCandidates(p: CasePace, best: Judged): Generator<CasePace> {
  for (const maxOperations of intShrinks(best.size.operations, 0)) yield { ...p, maxOperations };
  const startMs = Math.floor(p.startInvokingAtMs ?? 0);
  for (const startInvokingAtMs of intGrows(startMs, Math.floor(best.violation.atMs))) yield { ...p, startInvokingAtMs };
}

/** The workload's pause before a retry after a redirect, when the config sets none (sim/workload/clients.ts). */
const REDIRECT_PAUSE_MS = 5;

/** Fresh seeds tried at every local minimum. */
const SEED_TRIES_PER_ROUND = 64;

/**
 * Seed rounds that may find nothing before the search ends: a combination of simplifications
 * that fails under some seed is rare (about one seed in 300 on accept-stale-term-responses), and
 * the event bound makes a seed that does not fail cheap, so the search keeps looking for a while.
 */
const DEFAULT_IDLE_SEED_ROUNDS = 16;

/** The next seed the search has not tried yet: shared by all rounds of one shrink. */
export interface SeedCursor {
  next: number;
  /** The next structural candidate to re-seed. */
  variant: number;
}

/** Shrinks the failing run `base` (its faultPlan must be set). Throws NotFailingError if it passes. */
export function shrinkCase(base: SimConfig, options: ShrinkCaseOptions = {}): ShrinkCaseResult {
  const search = shrinkSearch(base, options);
  for (;;) {
    const step = search.next();
    if (step.done === true) return step.value;
  }
}

/**
 * shrinkCase one attempt at a time: yields after every candidate, returns the result. A caller
 * with an event loop (the CLI) lets it run between attempts, so that Ctrl-C can reach
 * `shouldStop`; nothing here waits or reads a clock.
 */
export function* shrinkSearch(base: SimConfig, options: ShrinkCaseOptions = {}): Generator<ShrinkProgress, ShrinkCaseResult, void> {
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
  const seedCursor: SeedCursor = { next: 0, variant: 0 };
  const maxIdleRounds = options.idleSeedRounds ?? DEFAULT_IDLE_SEED_ROUNDS;
  // Where the next round starts: after a structural success, at that success's dimension (a
  // partial round, structural only); after a seed success, or a partial round that found nothing,
  // a full round from the first dimension, seeds included, which confirms a local minimum.
  let from = 0;
  // Full rounds in a row that found nothing. Each later one tries only fresh seeds: every other
  // candidate of the same best case was tried already, and a run is a function of its case.
  let idleRounds = 0;
  for (;;) {
    const round = from > 0
      ? candidatesFrom(best, base.workload.operationTimeoutMs, from)
      : candidates(best, base.workload.operationTimeoutMs, seedCursor, idleRounds > 0);
    let improved = false;
    for (const candidate of round) {
      if (attempts >= maxAttempts || options.shouldStop?.() === true) {
        truncated = true;
        break;
      }
      attempts++;
      const judged = judgeCase(base, candidate.case, options.bug, best.size.events);
      if (judged !== null && judged.violation.property === property && smaller(judged, best)) {
        best = judged;
        accepted++;
        improved = true;
        from = Math.max(0, STRUCTURAL_DIMENSIONS.indexOf(candidate.dimension as (typeof STRUCTURAL_DIMENSIONS)[number]));
      }
      const progress: ShrinkProgress = { attempts, maxAttempts, accepted, best, dimension: candidate.dimension };
      options.onAttempt?.(progress);
      yield progress;
      if (improved) break;
    }
    if (truncated) break;
    if (improved) {
      idleRounds = 0;
    } else if (from > 0) {
      from = 0;
    } else if (++idleRounds > maxIdleRounds) {
      break;
    }
  }
  return { original, shrunk: best, attempts, accepted, truncated };
}
