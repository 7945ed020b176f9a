// The options of a run that are not faults: core's configuration, how often the application
// snapshots, and which of core's inputs the workload sends at what rate. They live in three places
// of SimConfig (raft, the top level, workload); this module reads and writes them as one flat
// record, so that swarm can draw them per seed and the CLI can take each as a flag.

import { DEFAULT_CONFIG } from '../core';
import type { SimConfig } from './config';
import { RUN_OPTION_NAMES, isRaftOption, isWorkloadOption, type RunOptions } from './run-option-names';

export { RUN_OPTION_NAMES, type RunOptions, type RunOptionName } from './run-option-names';

/** The options in force for `c`: its own settings, else core's and the workload's defaults. */
export function runOptionsOf(c: SimConfig): RunOptions {
  const raft = { ...DEFAULT_CONFIG, ...c.raft };
  return {
    electionTimeoutTicks: raft.electionTimeoutTicks,
    heartbeatIntervalTicks: raft.heartbeatIntervalTicks,
    preVote: raft.preVote,
    checkQuorum: raft.checkQuorum,
    leaseRead: raft.leaseRead,
    leaseClockDriftBoundTicks: raft.leaseClockDriftBoundTicks,
    maxEntriesPerAppend: raft.maxEntriesPerAppend,
    maxBytesPerAppend: raft.maxBytesPerAppend,
    maxInflightAppends: raft.maxInflightAppends,
    maxInflightBytes: raft.maxInflightBytes,
    maxUncommittedBytes: raft.maxUncommittedBytes,
    snapshotChunkBytes: raft.snapshotChunkBytes,
    snapshotEveryEntries: c.snapshotEveryEntries,
    batchWindowMs: c.workload.batchWindowMs ?? 0,
    transferMeanMs: c.workload.transferMeanMs ?? 0,
    followerReadFraction: c.workload.followerReadFraction,
    snapshotSpread: c.workload.snapshotSpread ?? 1,
  };
}

/** `c` with the options in `patch` put where they live; the rest of `c` is left as it was. */
export function withRunOptions(c: SimConfig, patch: Partial<RunOptions>): SimConfig {
  const raft: Record<string, unknown> = { ...c.raft };
  const workload: Record<string, unknown> = { ...c.workload };
  let snapshotEveryEntries = c.snapshotEveryEntries;
  for (const name of RUN_OPTION_NAMES) {
    const value = patch[name];
    if (value === undefined) continue;
    if (isRaftOption(name)) raft[name] = value;
    else if (isWorkloadOption(name)) workload[name] = value;
    else snapshotEveryEntries = value as number;
  }
  return { ...c, raft: raft as SimConfig['raft'], workload: workload as unknown as SimConfig['workload'], snapshotEveryEntries };
}
