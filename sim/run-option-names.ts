// The names of a run's non-fault options (see run-options.ts), apart from the functions that read
// and write them on a SimConfig, so that config.ts can validate pinned names without a cycle.

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
  /** Entry bytes in flight to one follower at which the leader stops sending it more (etcd's MaxInflightBytes). */
  readonly maxInflightBytes: number;
  readonly maxUncommittedBytes: number;
  readonly snapshotChunkBytes: number;
  /** The application snapshots once this many applied entries follow the last snapshot. */
  readonly snapshotEveryEntries: number;
  /** Proposals reaching a node within this window go to core as one batched Propose; 0: one at a time. */
  readonly batchWindowMs: number;
  /** Mean time between leadership transfers an operator asks of the leader; 0: never. */
  readonly transferMeanMs: number;
  readonly followerReadFraction: number;
  /** The last node's snapshot interval over the first's (1: every node alike). */
  readonly snapshotSpread: number;
}

export type RunOptionName = keyof RunOptions;

export const RAFT_OPTIONS = [
  'electionTimeoutTicks', 'heartbeatIntervalTicks', 'preVote', 'checkQuorum', 'leaseRead', 'leaseClockDriftBoundTicks',
  'maxEntriesPerAppend', 'maxBytesPerAppend', 'maxInflightAppends', 'maxInflightBytes', 'maxUncommittedBytes', 'snapshotChunkBytes',
] as const satisfies readonly RunOptionName[];
export const WORKLOAD_OPTIONS = ['batchWindowMs', 'transferMeanMs', 'followerReadFraction', 'snapshotSpread'] as const satisfies readonly RunOptionName[];

export const RUN_OPTION_NAMES: readonly RunOptionName[] = [...RAFT_OPTIONS, 'snapshotEveryEntries', ...WORKLOAD_OPTIONS];

export const isRaftOption = (name: RunOptionName): name is (typeof RAFT_OPTIONS)[number] => (RAFT_OPTIONS as readonly string[]).includes(name);
export const isWorkloadOption = (name: RunOptionName): name is (typeof WORKLOAD_OPTIONS)[number] => (WORKLOAD_OPTIONS as readonly string[]).includes(name);
