// One simulation run's configuration. Together with the seed it determines the run entirely.

import { ConfigError, makeConfig, type RaftConfig } from '../core';
import { FAULT_PROFILES, LEASE_UNSAFE_CLASSES, PREVOTE_NEEDED_CLASSES, profileClasses, type FaultPlan, type FaultProfileName } from './faults';
import { RUN_OPTION_NAMES, type RunOptionName } from './run-option-names';

export interface WorkloadConfig {
  readonly clients: number;
  readonly keys: number;
  /** Mean think time between a client's operations. */
  readonly thinkMeanMs: number;
  /** A request attempt unanswered after this long is retried at another node. */
  readonly attemptTimeoutMs: number;
  /** An operation unanswered after this long is recorded as unknown and abandoned. */
  readonly operationTimeoutMs: number;
  /** Share of reads served through a random node (follower reads) rather than the known leader. */
  readonly followerReadFraction: number;
  /**
   * Proposals reaching a node within this many ms go to core as one batched Propose. Absent or 0:
   * each on its own. (Optional so that configs written before it, and their traces, stay as they were.)
   */
  readonly batchWindowMs?: number;
  /** Mean time between the leadership transfers an operator asks of the leader, until faults stop. Absent or 0: none. */
  readonly transferMeanMs?: number;
  /**
   * How far the nodes' snapshot intervals differ: node k of n snapshots after snapshotEveryEntries
   * × (1 + k × (spread − 1) / (n − 1)) applied entries, so the last node's interval is `spread`
   * times the first's. Absent or 1: every node alike. Applications compact on their own schedules;
   * with equal intervals every node compacts at nearly the same index, and a new leader has almost
   * never compacted less than the snapshot its predecessor was streaming.
   */
  readonly snapshotSpread?: number;
  /**
   * Clients invoke nothing before this time (their first think time starts from it). Absent: 0.
   * `raftbed shrink` moves it later: operations that spin through the first election are events
   * nobody needs to read.
   */
  readonly startInvokingAtMs?: number;
  /** Clients invoke at most this many operations in all. Absent: no limit (`raftbed shrink` lowers it). */
  readonly maxOperations?: number;
  /** After a redirect or a refusal, a client retries after this pause. Absent: 5 ms (`raftbed shrink` lengthens it). */
  readonly redirectPauseMs?: number;
}

export interface SimConfig {
  readonly seed: number;
  /** Node ids n1..n{nodes}: every node the run may ever have. */
  readonly nodes: number;
  /**
   * How many of them (n1 upwards) form the initial configuration; the rest start empty, outside it,
   * and join only through membership changes (e.g. a scenario's addLearner). Absent: all of them.
   */
  readonly initialVoters?: number;
  readonly durationMs: number;
  readonly faults: FaultProfileName;
  /** Replaces the generated fault plan (replay of a shrunk counterexample). */
  readonly faultPlan?: FaultPlan;
  /** One Raft tick of a node's local clock. The heartbeat interval is one tick. */
  readonly tickMs: number;
  readonly fsyncMinMs: number;
  readonly fsyncMaxMs: number;
  /** The application snapshots once its log holds this many applied entries past the last snapshot. */
  readonly snapshotEveryEntries: number;
  /** After faults stop, a leader must exist within this bound... */
  readonly livenessLeaderBoundMs: number;
  /** ...and every operation invoked after faults stop must complete within this bound. */
  readonly livenessOperationBoundMs: number;
  readonly raft: Partial<Omit<RaftConfig, 'clusterId' | 'id' | 'cluster' | 'seed'>>;
  readonly workload: WorkloadConfig;
  /** A planted bug from sim/bugs (never shipped in core). */
  readonly bug?: string;
  /**
   * The Raft under test, driven through the node protocol (docs/node-protocol.md). Absent:
   * raftbed's core, in process. Recorded in the trace header, so a replay runs the same one.
   */
  readonly implementation?: ImplementationSpec;
  /**
   * Options set by hand (CLI flags): swarm, which draws every run option from the seed, leaves these
   * as they are. Absent: none.
   */
  readonly pinned?: readonly RunOptionName[];
  readonly checkLinearizability: boolean;
  /**
   * Skip idle ticks: a tick that can fire no timer (core's ticksUntilNextTimer) is not stepped; the
   * node gets the ticks it is owed as one Tick { count } before its next input. Same behaviour as
   * stepping every tick (sim/cluster/skip-idle-ticks.test.ts); trace Tick steps then carry `count`.
   * Absent: off. Recorded in the trace header, so a replay does the same.
   */
  readonly skipIdleTicks?: boolean;
}

/**
 * An implementation of the node protocol other than core in process: a JS/TS module exporting a
 * ProtocolNode factory (`--impl`), or a command run once per node life over NDJSON stdio (`--impl-cmd`).
 */
export type ImplementationSpec =
  | { readonly kind: 'module'; readonly path: string }
  | { readonly kind: 'command'; readonly command: string };

export const DEFAULT_SIM_CONFIG: SimConfig = Object.freeze({
  seed: 1,
  nodes: 5,
  durationMs: 10_000,
  faults: 'all' as FaultProfileName,
  tickMs: 10,
  fsyncMinMs: 0.5,
  fsyncMaxMs: 8,
  snapshotEveryEntries: 200,
  livenessLeaderBoundMs: 1_000,
  livenessOperationBoundMs: 3_000,
  raft: Object.freeze({ electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, snapshotChunkBytes: 512 }),
  workload: Object.freeze({
    clients: 5, keys: 4, thinkMeanMs: 20, attemptTimeoutMs: 150, operationTimeoutMs: 1_000, followerReadFraction: 0.3,
  }),
  checkLinearizability: true,
});

export class SimConfigError extends Error {
  override readonly name = 'SimConfigError';
}

export function makeSimConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  const config: SimConfig = {
    ...DEFAULT_SIM_CONFIG,
    ...overrides,
    raft: { ...DEFAULT_SIM_CONFIG.raft, ...overrides.raft },
    workload: { ...DEFAULT_SIM_CONFIG.workload, ...overrides.workload },
  };
  validateSimConfig(config);
  return config;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new SimConfigError(message);
}

export function validateSimConfig(c: SimConfig): void {
  check(c.livenessLeaderBoundMs > 0 && c.livenessOperationBoundMs >= c.workload.operationTimeoutMs, 'liveness bounds must be positive, and the operation bound at least the operation timeout');
  check(Number.isSafeInteger(c.seed) && c.seed >= 0, `seed must be a non-negative integer, got ${c.seed}`);
  check(Number.isInteger(c.nodes) && c.nodes >= 1 && c.nodes <= 9, `nodes must be 1 to 9, got ${c.nodes}`);
  check(c.initialVoters === undefined || (Number.isInteger(c.initialVoters) && c.initialVoters >= 1 && c.initialVoters <= c.nodes), `initialVoters must be 1 to nodes (${c.nodes}), got ${c.initialVoters}`);
  check(Number.isFinite(c.durationMs) && c.durationMs >= 100, `duration must be at least 100 ms, got ${c.durationMs}`);
  check((FAULT_PROFILES as readonly string[]).includes(c.faults), `faults must be one of ${FAULT_PROFILES.join(', ')}, got ${c.faults}`);
  check(c.tickMs > 0, 'tickMs must be positive');
  check(c.skipIdleTicks === undefined || typeof c.skipIdleTicks === 'boolean', 'skipIdleTicks must be a boolean');
  check(c.fsyncMinMs >= 0 && c.fsyncMaxMs >= c.fsyncMinMs, 'fsync bounds must satisfy 0 <= min <= max');
  check(Number.isInteger(c.snapshotEveryEntries) && c.snapshotEveryEntries >= 1, 'snapshotEveryEntries must be a positive integer');
  const w = c.workload;
  check(Number.isInteger(w.clients) && w.clients >= 0 && w.clients <= 1000, 'workload.clients must be 0 to 1000');
  check(Number.isInteger(w.keys) && w.keys >= 1, 'workload.keys must be at least 1');
  check(w.attemptTimeoutMs > 0 && w.operationTimeoutMs >= w.attemptTimeoutMs, 'operation timeout must be at least the attempt timeout');
  check(w.followerReadFraction >= 0 && w.followerReadFraction <= 1, 'followerReadFraction must be in [0, 1]');
  check(w.batchWindowMs === undefined || (Number.isFinite(w.batchWindowMs) && w.batchWindowMs >= 0), 'workload.batchWindowMs must be a number >= 0');
  check(w.transferMeanMs === undefined || (Number.isFinite(w.transferMeanMs) && w.transferMeanMs >= 0), 'workload.transferMeanMs must be a number >= 0');
  check(w.snapshotSpread === undefined || (Number.isInteger(w.snapshotSpread) && w.snapshotSpread >= 1), 'workload.snapshotSpread must be an integer >= 1');
  check(w.startInvokingAtMs === undefined || (Number.isFinite(w.startInvokingAtMs) && w.startInvokingAtMs >= 0), 'workload.startInvokingAtMs must be a number >= 0');
  check(w.redirectPauseMs === undefined || (Number.isFinite(w.redirectPauseMs) && w.redirectPauseMs > 0), 'workload.redirectPauseMs must be a number > 0');
  check(w.maxOperations === undefined || (Number.isInteger(w.maxOperations) && w.maxOperations >= 0), 'workload.maxOperations must be an integer >= 0');
  const impl = c.implementation;
  if (impl !== undefined) {
    check((impl.kind === 'module' && typeof impl.path === 'string' && impl.path !== '') || (impl.kind === 'command' && typeof impl.command === 'string' && impl.command.trim() !== ''),
      'implementation must be {kind: "module", path} or {kind: "command", command}, with a non-empty path or command');
    check(c.bug === undefined, 'planted bugs wrap core\'s step: they cannot be combined with another implementation');
  }
  for (const name of c.pinned ?? []) check(RUN_OPTION_NAMES.includes(name), `pinned names an unknown option ${JSON.stringify(name)}; known: ${RUN_OPTION_NAMES.join(', ')}`);
  // Core's own rules (heartbeat below the election timeout, lease reads need CheckQuorum, ...), as a config error now rather than a crash later.
  try {
    makeConfig({ clusterId: 'check', id: 'n1', cluster: { voters: ['n1'] }, seed: 0, ...c.raft });
  } catch (e) {
    if (e instanceof ConfigError) throw new SimConfigError(e.message);
    throw e;
  }
  if (c.raft.leaseRead && c.faults !== 'swarm') {
    const unsafe = profileClasses(c.faults).filter((k) => LEASE_UNSAFE_CLASSES.includes(k));
    check(unsafe.length === 0, `lease reads assume that no clock stops or runs fast, but profile ${c.faults} has ${unsafe.join(', ')}: they would break the lease by design, not find a bug (swarm leaves them out when lease reads are on)`);
  }
  if (c.raft.preVote === false && c.faults !== 'swarm') {
    const needing = profileClasses(c.faults).filter((k) => PREVOTE_NEEDED_CLASSES.includes(k));
    check(needing.length === 0, `profile ${c.faults} removes voters, and without PreVote a removed voter that never learns of its removal unseats every new leader (dissertation §4.2.3): that fails liveness by design, not by a bug (swarm leaves membership out when PreVote is off)`);
  }
}
