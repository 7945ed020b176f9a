// Swarm testing draws core's configuration and the workload's inputs from the seed, not only the
// faults: a bug behind a non-default option (lease reads, one entry per append, no PreVote, ...)
// is otherwise invisible to every sweep. Options set by hand (SimConfig.pinned) stay as given.

import type { Rng } from './random/rng';
import type { SimConfig } from './config';
import { RUN_OPTION_NAMES, runOptionsOf, withRunOptions, type RunOptionName, type RunOptions } from './run-options';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One draw of every option, always in the same order and number, so that pinning an option never
 * shifts the others. `faultWindowMs` is how long faults (and transfers) last in this run.
 */
export function drawSwarmOptions(rng: Rng, faultWindowMs: number): RunOptions {
  const heartbeatIntervalTicks = rng.pick([1, 1, 2, 3]);
  // Election timeouts of 3 to 12 heartbeats, kept within 4..20 ticks.
  const electionTimeoutTicks = Math.min(20, Math.max(4, Math.round(heartbeatIntervalTicks * rng.between(3, 12))));
  const preVote = rng.chance(0.7);
  const checkQuorum = rng.chance(0.7);
  const leaseWanted = rng.chance(0.4);
  // At least one tick: the leader's and a follower's ticks fall at different instants even on exact clocks.
  const leaseClockDriftBoundTicks = rng.int(1, 4);
  const batching = rng.chance(0.6);
  const batchWindowMs = Math.round(rng.between(0.5, 8) * 10) / 10;
  const transfers = rng.chance(0.7);
  const transferMeanMs = Math.max(1, Math.round(faultWindowMs * rng.between(0.05, 0.4)));
  return {
    electionTimeoutTicks,
    heartbeatIntervalTicks,
    preVote,
    checkQuorum,
    leaseRead: leaseWanted && checkQuorum,
    leaseClockDriftBoundTicks,
    maxEntriesPerAppend: rng.pick([1, 2, 8, 64, 256]),
    maxBytesPerAppend: rng.pick([256, 4_096, 256 * 1_024]),
    maxInflightAppends: rng.pick([1, 2, 4, 64]),
    maxUncommittedBytes: rng.pick([1_024, 16 * 1_024, 16 * 1_024 * 1_024]),
    // Small chunks and short snapshot intervals make transfers of many round trips that outlive
    // several compactions: a leader that restarted its transfer at each compaction failed 18 of 200
    // seeds with these draws, against 2 of 150 with chunks from 64 and intervals from 5.
    snapshotChunkBytes: rng.pick([32, 64, 512, 4_096]),
    // Small enough that every run snapshots, compacts and installs snapshots (the fixed profiles keep 200).
    snapshotEveryEntries: rng.pick([3, 5, 10, 25, 50]),
    batchWindowMs: batching ? batchWindowMs : 0,
    transferMeanMs: transfers ? transferMeanMs : 0,
    followerReadFraction: Math.round(rng.between(0, 0.6) * 100) / 100,
    // Drawn last, so earlier options keep their draws. A window of one to a few entries' bytes,
    // where it binds before the count window and the bytes in flight often equal it exactly (its
    // boundary); at its 8 MiB default it never binds in a simulated run.
    maxInflightBytes: drawInflightBytes(rng),
    // Drawn after it, for the same reason. Nodes that compact on different schedules: a new leader
    // that compacted less than the snapshot its predecessor was streaming, and a follower holding
    // part of a newer snapshot than its new leader has, need them.
    snapshotSpread: rng.pick([1, 1, 2, 4, 8]),
  };
}

/**
 * Three draws, always: small or not, one command's size or a few commands', then the size. A window
 * of one command's size is where the bytes in flight most often equal the window exactly (the
 * boundary of etcd's rule, "full at or past the window"): one append of one command fills it.
 */
function drawInflightBytes(rng: Rng): number {
  const small = rng.chance(0.8);
  const oneCommand = rng.chance(0.6);
  const bytes = oneCommand ? rng.int(0.6 * COMMAND_BYTES, COMMAND_BYTES) : rng.int(COMMAND_BYTES, MIN_ENTRIES_PER_ROUND_TRIP * COMMAND_BYTES + 1);
  return small ? bytes : 8 * 1024 * 1024;
}

/**
 * The config a swarm run really uses: the drawn options where none was pinned, then adjusted where
 * a pinned option would make the drawn ones invalid (a pinned election timeout below the drawn
 * heartbeat, lease reads pinned on with CheckQuorum drawn off, ...). Other profiles: `config` itself.
 */
export function resolveSwarmConfig(config: SimConfig, rng: Rng, faultWindowMs: number): SimConfig {
  if (config.faults !== 'swarm') return config;
  const drawn = drawSwarmOptions(rng, faultWindowMs);
  const pinned = new Set<RunOptionName>(config.pinned ?? []);
  const given = runOptionsOf(config);
  const o = {} as Mutable<RunOptions>;
  for (const name of RUN_OPTION_NAMES) (o as Record<string, unknown>)[name] = pinned.has(name) ? given[name] : drawn[name];
  const free = (name: RunOptionName) => !pinned.has(name);
  if (o.heartbeatIntervalTicks >= o.electionTimeoutTicks) {
    if (free('heartbeatIntervalTicks')) o.heartbeatIntervalTicks = Math.max(1, Math.floor(o.electionTimeoutTicks / 4));
    else if (free('electionTimeoutTicks')) o.electionTimeoutTicks = o.heartbeatIntervalTicks * 4;
  }
  // Lease reads are an option of raftbed's core (Init.impl): another implementation gets none drawn.
  if (config.implementation !== undefined && o.leaseRead && free('leaseRead')) o.leaseRead = false;
  if (o.leaseRead && !o.checkQuorum) {
    if (free('leaseRead')) o.leaseRead = false;
    else if (free('checkQuorum')) o.checkQuorum = true;
  }
  if (o.leaseClockDriftBoundTicks >= o.electionTimeoutTicks && free('leaseClockDriftBoundTicks')) o.leaseClockDriftBoundTicks = o.electionTimeoutTicks - 1;
  // Stop-and-wait replication of one entry at a time over wan delays commits fewer entries a second
  // than the clients propose: operations then time out for want of capacity, not for a bug. So at
  // least MIN_ENTRIES_PER_ROUND_TRIP entries may be in flight to each follower.
  const perAppend = Math.min(o.maxEntriesPerAppend, Math.max(1, Math.floor(o.maxBytesPerAppend / COMMAND_BYTES)));
  if (perAppend * o.maxInflightAppends < MIN_ENTRIES_PER_ROUND_TRIP && free('maxInflightAppends')) o.maxInflightAppends = Math.ceil(MIN_ENTRIES_PER_ROUND_TRIP / perAppend);
  // The byte window lets at least one append out, and about one entry per COMMAND_BYTES of it; a
  // window that binds pauses the pipeline only until an answer, so half the floor above is enough.
  const floor = MIN_ENTRIES_PER_ROUND_TRIP / 2;
  if (Math.max(perAppend, Math.ceil(o.maxInflightBytes / COMMAND_BYTES)) < floor && free('maxInflightBytes')) o.maxInflightBytes = floor * COMMAND_BYTES;
  return withRunOptions(config, o);
}

/** About the size of one client command in the log (a JSON KvCommand). */
const COMMAND_BYTES = 100;
const MIN_ENTRIES_PER_ROUND_TRIP = 4;
