// How often each interesting thing happened in a run or a sweep. Fault injection that silently
// does nothing is a known failure of simulators, so a sweep fails when a profile's faults never fire.

export const COVERAGE_COUNTERS = [
  'leaderChanges', 'preVoteRejections', 'checkQuorumStepDowns', 'snapshotInstalls', 'compactions', 'truncations',
  'partitions', 'clogs', 'crashes', 'restarts', 'lostUnsyncedWrites', 'pauses', 'clockDrifts', 'clockSteps',
  'drops', 'duplicates', 'redirects', 'followerReads', 'retries', 'unknownOutcomes',
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

/** What each fault profile promises to exercise; a sweep where any stays at zero fails loudly. */
export const PROFILE_EXPECTS: Readonly<Record<string, readonly CoverageCounter[]>> = {
  none: ['leaderChanges'],
  lossy: ['drops', 'duplicates'],
  partitions: ['partitions', 'leaderChanges'],
  crashes: ['crashes', 'restarts', 'pauses', 'lostUnsyncedWrites'],
  clocks: ['clockDrifts', 'clockSteps', 'clogs'],
  all: ['drops', 'duplicates', 'partitions', 'crashes', 'restarts', 'lostUnsyncedWrites', 'pauses', 'clockDrifts', 'clockSteps', 'clogs'],
  swarm: ['leaderChanges'],
};

export function missingCoverage(profile: string, counts: Readonly<Record<CoverageCounter, number>>): CoverageCounter[] {
  return (PROFILE_EXPECTS[profile] ?? []).filter((c) => counts[c] === 0);
}
