// How often each interesting thing happened in a run or a sweep. Fault injection that silently
// does nothing is a known failure of simulators, so a sweep fails when a profile's faults never fire.

export const COVERAGE_COUNTERS = [
  'leaderChanges', 'preVoteRejections', 'checkQuorumStepDowns', 'snapshotInstalls', 'compactions', 'compactionsDuringTransfer', 'truncations',
  'partitions', 'clogs', 'crashes', 'restarts', 'lostUnsyncedWrites', 'pauses', 'clockDrifts', 'clockSteps',
  'drops', 'duplicates', 'redirects', 'followerReads', 'retries', 'unknownOutcomes',
  // Core's inputs (sim/workload/input-coverage.ts), the divergence fault, and the runs whose options promise inputs.
  'ticks', 'receives', 'proposals', 'batchedProposals', 'reads', 'leaseReads', 'persistAcks', 'snapshotsTaken',
  'transferRequests', 'transferRejections', 'timeoutNows', 'staleTimeoutNows', 'leaderIsolations', 'longerButOlderVotes',
  'runsWithClients', 'runsWithLeaseReads', 'runsWithBatching', 'runsWithTransfers',
  // Membership: an operator's change a leader appended as a Config entry (profile membership), and
  // of those: learners added, voters added (promoted learners, or outside nodes in a joint replacement), nodes removed, changes through a joint
  // configuration, and removals of the leader that appended them.
  'confChanges', 'learnersAdded', 'votersAdded', 'removals', 'jointChanges', 'leaderRemovals',
  // Operations held for the next leader and asked of it as it took office (atNextLeader).
  'confChangesAtNewLeader',
  // Partitions drawn around a leader by leaderSplit (sim/faults/leader-split.ts), cuts of a new leader from a voter included.
  'leaderSplits',
  // Disk stalls (sim/faults/disk-stalls.ts, profile slow-disks).
  'diskStalls',
  // Runs whose implementation has the capability (its hello): only they can take snapshots or change membership.
  'runsWithSnapshots', 'runsWithMembership',
] as const;

export type CoverageCounter = (typeof COVERAGE_COUNTERS)[number];

export class Coverage {
  readonly counts: Record<CoverageCounter, number> = Object.fromEntries(COVERAGE_COUNTERS.map((c) => [c, 0])) as Record<CoverageCounter, number>;

  add(counter: CoverageCounter, by = 1): void {
    this.counts[counter] += by;
  }

  merge(other: Readonly<Record<CoverageCounter, number>>): void {
    for (const c of COVERAGE_COUNTERS) this.counts[c] += other[c] ?? 0;
  }
}

/** Inputs every run gives core, whatever its profile. */
const EVERY_RUN: readonly CoverageCounter[] = ['ticks', 'receives', 'persistAcks'];

/** What each fault profile promises to exercise; a sweep where any stays at zero fails loudly. */
export const PROFILE_EXPECTS: Readonly<Record<string, readonly CoverageCounter[]>> = {
  none: ['leaderChanges', ...EVERY_RUN],
  lossy: ['drops', 'duplicates', ...EVERY_RUN],
  wan: ['drops', 'leaderChanges', ...EVERY_RUN],
  partitions: ['partitions', 'leaderChanges', ...EVERY_RUN],
  divergence: ['leaderIsolations', 'leaderChanges', ...EVERY_RUN],
  crashes: ['crashes', 'restarts', 'pauses', 'lostUnsyncedWrites', ...EVERY_RUN],
  clocks: ['clockDrifts', 'clockSteps', 'clogs', ...EVERY_RUN],
  all: ['drops', 'duplicates', 'partitions', 'crashes', 'restarts', 'lostUnsyncedWrites', 'pauses', 'clockDrifts', 'clockSteps', 'clogs', ...EVERY_RUN],
  'slow-disks': ['leaderIsolations', 'leaderChanges', 'diskStalls', ...EVERY_RUN],
  membership: ['confChanges', 'partitions', 'crashes', 'restarts', 'leaderChanges', ...EVERY_RUN],
  // Swarm draws small snapshot intervals for every run (sim/swarm-options.ts).
  swarm: ['leaderChanges', 'snapshotsTaken', 'compactions', ...EVERY_RUN],
};

/** What a run's options promise: when any run of the sweep counted `runs`, each of `inputs` must have happened. */
export const OPTION_EXPECTS: readonly { readonly runs: CoverageCounter; readonly inputs: readonly CoverageCounter[] }[] = [
  { runs: 'runsWithClients', inputs: ['proposals', 'reads'] },
  { runs: 'runsWithLeaseReads', inputs: ['leaseReads'] },
  { runs: 'runsWithBatching', inputs: ['batchedProposals'] },
  // Only the input: whether a transfer gets as far as TimeoutNow (timeoutNows) depends on the faults.
  { runs: 'runsWithTransfers', inputs: ['transferRequests'] },
];

/**
 * Counters only an implementation with a capability can move. A profile promises them only when
 * some run of the sweep had it (runs); otherwise the profile drew none of it (sim/cluster/implementation.ts
 * capabilityGaps), and the coverage line shows `runs` at 0.
 */
export const CAPABILITY_COUNTERS: readonly { readonly runs: CoverageCounter; readonly counters: readonly CoverageCounter[] }[] = [
  { runs: 'runsWithSnapshots', counters: ['snapshotsTaken', 'compactions', 'compactionsDuringTransfer', 'snapshotInstalls'] },
  { runs: 'runsWithMembership', counters: ['confChanges', 'learnersAdded', 'votersAdded', 'removals', 'jointChanges', 'leaderRemovals', 'confChangesAtNewLeader'] },
];

/** Counters the sweep's implementation could not move (CAPABILITY_COUNTERS), so no profile demands them. */
export function unsupportedCounters(counts: Readonly<Record<CoverageCounter, number>>): CoverageCounter[] {
  return CAPABILITY_COUNTERS.filter(({ runs }) => (counts[runs] ?? 0) === 0).flatMap(({ counters }) => counters);
}

/** What `profile` promises that the sweep's implementation could not move: drawn for others, not for it. */
export function notDrawnCoverage(profile: string, counts: Readonly<Record<CoverageCounter, number>>): CoverageCounter[] {
  const unsupported = unsupportedCounters(counts);
  return (PROFILE_EXPECTS[profile] ?? []).filter((c) => unsupported.includes(c));
}

/**
 * What only moves between two or more nodes, so no profile promises it to a one-node cluster: it
 * sends no message (nothing to receive, drop, duplicate or cut off), has no one to hand leadership
 * to, confirms its read rounds at once (no lease read), and the operator changes membership only
 * among the run's own nodes.
 */
export const NEEDS_PEERS: readonly CoverageCounter[] = [
  'receives', 'drops', 'duplicates', 'partitions', 'leaderIsolations', 'transferRequests', 'timeoutNows', 'leaseReads',
  ...(CAPABILITY_COUNTERS.find((c) => c.runs === 'runsWithMembership')?.counters ?? []),
];

/** What `profile` (and the runs' options) promised a sweep of `nodes`-node clusters and never happened. */
export function missingCoverage(profile: string, counts: Readonly<Record<CoverageCounter, number>>, nodes?: number): CoverageCounter[] {
  const unsupported = unsupportedCounters(counts);
  const unreachable = nodes === 1 ? NEEDS_PEERS : [];
  const missing = (PROFILE_EXPECTS[profile] ?? []).filter((c) => counts[c] === 0 && !unsupported.includes(c) && !unreachable.includes(c));
  for (const { runs, inputs } of OPTION_EXPECTS) {
    if ((counts[runs] ?? 0) > 0) for (const c of inputs) if (counts[c] === 0 && !missing.includes(c) && !unreachable.includes(c)) missing.push(c);
  }
  return missing;
}
