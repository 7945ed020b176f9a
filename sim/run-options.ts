// The options of a run that are not faults: core's configuration, how often the application
// snapshots, and which of core's inputs the workload sends at what rate. They live in three places
// of SimConfig (raft, the top level, workload); this module reads and writes them as one flat
// record, so that swarm can draw them per seed and the CLI can take each as a flag.

import { DEFAULT_CONFIG } from '../core';
import type { SimConfig } from './config';

export interface RunOptions {
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly leaseRead: boolean;
  readonly leaseClockDriftBoundTicks: number;
  readonly maxEntriesPerAppend: number;
  readonly maxBytesPerAppend: number;
  readonly maxInflightAppends: number;
  readonly maxUncommittedBytes: number;
  readonly snapshotChunkBytes: number;
  /** The application snapshots once this many applied entries follow the last snapshot. */
  readonly snapshotEveryEntries: number;
  /** Proposals reaching a node within this window go to core as one batched Propose; 0: one at a time. */
  readonly batchWindowMs: number;
  /** Mean time between leadership transfers an operator asks of the leader; 0: never. */
  readonly transferMeanMs: number;
  readonly followerReadFraction: number;
}

export type RunOptionName = keyof RunOptions;

const RAFT_OPTIONS = [
  'electionTimeoutTicks', 'heartbeatIntervalTicks', 'preVote', 'checkQuorum', 'leaseRead', 'leaseClockDriftBoundTicks',
  'maxEntriesPerAppend', 'maxBytesPerAppend', 'maxInflightAppends', 'maxUncommittedBytes', 'snapshotChunkBytes',
] as const satisfies readonly RunOptionName[];
const WORKLOAD_OPTIONS = ['batchWindowMs', 'transferMeanMs', 'followerReadFraction'] as const satisfies readonly RunOptionName[];

export const RUN_OPTION_NAMES: readonly RunOptionName[] = [...RAFT_OPTIONS, 'snapshotEveryEntries', ...WORKLOAD_OPTIONS];

const isRaftOption = (name: RunOptionName): name is (typeof RAFT_OPTIONS)[number] => (RAFT_OPTIONS as readonly string[]).includes(name);
const isWorkloadOption = (name: RunOptionName): name is (typeof WORKLOAD_OPTIONS)[number] => (WORKLOAD_OPTIONS as readonly string[]).includes(name);

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
    maxUncommittedBytes: raft.maxUncommittedBytes,
    snapshotChunkBytes: raft.snapshotChunkBytes,
    snapshotEveryEntries: c.snapshotEveryEntries,
    batchWindowMs: c.workload.batchWindowMs ?? 0,
    transferMeanMs: c.workload.transferMeanMs ?? 0,
    followerReadFraction: c.workload.followerReadFraction,
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
