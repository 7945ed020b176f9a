import type { FaultEvent, FaultPlan, LeaderSplitSide, PartitionFault, TimedFault } from './types';

const group = (nodes: readonly string[]) => `{${nodes.join(',')}}`;

function describePartition(f: PartitionFault): string {
  switch (f.shape) {
    case 'symmetric':
      return `partition ${group(f.a)} <-/-> ${group(f.b)}`;
    case 'oneWay':
      return `partition one-way ${group(f.from)} --/-> ${group(f.to)}`;
    case 'isolate':
      return `partition isolate ${f.node}`;
    case 'majorityMinority':
      return `partition majority ${group(f.majority)} <-/-> minority ${group(f.minority)}`;
    case 'bridge':
      return `partition bridge ${group(f.left)} <-/-> ${group(f.right)} joined only via ${f.bridge}`;
  }
}

function describeEvent(f: FaultEvent): string {
  switch (f.kind) {
    case 'partition':
      return describePartition(f);
    case 'heal':
      return 'heal all partitions';
    case 'crash':
      return `crash ${f.node}`;
    case 'restart':
      return `restart ${f.node}`;
    case 'pause':
      return `pause ${f.node} for ${f.durationMs}ms`;
    case 'clog':
      return `clog ${f.node} for ${f.durationMs}ms`;
    case 'diskStall':
      return `disk of ${f.node} stalls for ${f.durationMs}ms`;
    case 'clockDrift':
      return f.ratePpm === 0 ? `clock drift of ${f.node} cleared` : `clock of ${f.node} drifts ${f.ratePpm > 0 ? '+' : ''}${f.ratePpm}ppm (${(f.ratePpm / 10_000).toFixed(1)}%)`;
    case 'clockStep':
      return `clock of ${f.node} steps ${f.deltaMs > 0 ? '+' : ''}${f.deltaMs}ms`;
    case 'setNetwork':
      return `network ${JSON.stringify(f.params)}`;
    case 'isolateLeader':
      return f.next ? 'partition isolate the next leader as it is elected' : 'partition isolate the current leader';
    case 'membership':
      return `membership change: ${f.op}${f.atNextLeader ? ' (to the next leader as it takes office)' : ''}`;
    case 'leaderSplit': {
      // A traced split also carries what the driver resolved (./leader-split.ts): its groups, or the voter lost.
      const resolved = f as { a?: readonly string[]; b?: readonly string[]; lost?: string | null };
      const groups = resolved.a && resolved.b ? `: ${group(resolved.a)} | ${group(resolved.b)}` : resolved.lost ? `: ${resolved.lost}` : '';
      return `${LEADER_SPLIT_TEXT[f.side]}${groups}`;
    }
  }
}

const LEADER_SPLIT_TEXT: Record<LeaderSplitSide, string> = {
  nonVoters: 'partition the current leader and the non-voters of its configuration from the rest',
  itsTerm: 'partition the current leader and the nodes whose logs end in its term from the rest',
  nextLosesVoter: 'cut the next leader off from one of its voters as it is elected',
};

/** One human-readable line, e.g. "t=1200ms crash n3". */
export function describeFault(f: TimedFault): string {
  return `t=${f.atMs}ms ${describeEvent(f)}`;
}

/** The whole plan, one line per fault, for logs and counterexample reports. */
export function describeFaultPlan(plan: FaultPlan): string {
  return [`network ${JSON.stringify(plan.network)}; quiet after ${plan.quietAfterMs}ms`, ...plan.schedule.map(describeFault)].join('\n');
}
