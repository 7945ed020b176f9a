// The operator's membership changes under the `membership` fault class (sim/faults/types.ts). A
// plan says only which kind of operation happens when; which nodes it names depends on the
// configuration in effect at the leader at that moment, so it is resolved here, when it applies,
// from the `membership` random stream (its own stream: adding these never shifts another).

import type { ClusterConfig, ConfChange, NodeId } from '../../core';
import type { MembershipOp } from '../faults';
import type { Rng } from '../random/rng';

export interface ResolvedMembershipChange {
  readonly changes: readonly ConfChange[];
}

function membersOf(c: ClusterConfig): NodeId[] {
  return [...new Set([...c.voters, ...(c.votersOutgoing ?? []), ...(c.learners ?? [])])];
}

/**
 * The change `op` asks of a leader whose configuration in effect is `config`, among the run's
 * `nodeIds` (or its fallback, FALLBACKS); null when none of them has anything to pick.
 * Removals leave at least two voters, so one crash does not stop the cluster until the quiet point.
 */
export function resolveMembershipOp(op: MembershipOp, config: ClusterConfig, nodeIds: readonly NodeId[], rng: Rng): ResolvedMembershipChange | null {
  for (const kind of FALLBACKS[op]) {
    const change = resolveExactly(kind, config, nodeIds, rng);
    if (change !== null) return change;
  }
  return null;
}

/**
 * When an operation has nothing to pick (no node outside to add while every node is a voter, no
 * learner to promote), the nearest one that has: otherwise most draws of a cluster that starts with
 * every node a voter would change nothing. A voter change falls back to voter changes only.
 */
const FALLBACKS: Readonly<Record<MembershipOp, readonly MembershipOp[]>> = {
  addLearner: ['addLearner', 'promote', 'removeNode'],
  promote: ['promote', 'replace', 'removeNode'],
  removeNode: ['removeNode', 'replace'],
  replace: ['replace', 'promote', 'removeNode'],
  addVoter: ['addVoter', 'replace', 'removeNode'],
};

function resolveExactly(op: MembershipOp, config: ClusterConfig, nodeIds: readonly NodeId[], rng: Rng): ResolvedMembershipChange | null {
  const members = membersOf(config);
  const outside = nodeIds.filter((id) => !members.includes(id));
  const learners = [...(config.learners ?? [])];
  const voters = [...config.voters];
  switch (op) {
    case 'addLearner':
      return outside.length === 0 ? null : { changes: [{ kind: 'AddLearner', node: rng.pick(outside) }] };
    case 'promote':
      return learners.length === 0 ? null : { changes: [{ kind: 'AddVoter', node: rng.pick(learners) }] };
    case 'removeNode': {
      const candidates = [...learners, ...(voters.length > 2 ? voters : [])];
      return candidates.length === 0 ? null : { changes: [{ kind: 'RemoveNode', node: rng.pick(candidates) }] };
    }
    case 'addVoter': {
      // One single-server change: an outside node or a learner becomes a voter.
      const incoming = [...outside, ...learners];
      return incoming.length === 0 ? null : { changes: [{ kind: 'AddVoter', node: rng.pick(incoming) }] };
    }
    case 'replace': {
      // One joint change: an outside node (or a learner) becomes a voter as a voter leaves.
      const incoming = [...outside, ...learners];
      if (incoming.length === 0) return null;
      return { changes: [{ kind: 'AddVoter', node: rng.pick(incoming) }, { kind: 'RemoveNode', node: rng.pick(voters) }] };
    }
  }
}
