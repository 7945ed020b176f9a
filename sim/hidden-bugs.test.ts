// Bugs that the classic sweeps could not see and the broader ones find (issue 8): a vote check
// that compares log lengths only (needs divergent logs), and bugs behind non-default options
// (PreVote off, lease reads on), which no sweep turned on before swarm drew core's options. Each
// hunt stops at the first seed whose violation is one the bug declares and where the unmodified
// core passes, so a catch is the bug's doing.

import type { PlantedBug } from './bugs/types';
import { makeSimConfig, type SimConfig } from './config';
import { runSeed } from './run-seed';
import { campaignCountsRejections, leaseWithoutQuorumAck, voteByLengthOnly } from './test-support/test-bugs';

/** The first seed in [1, maxSeeds] that catches `bug`, or null. Short runs of 3 nodes keep this cheap. */
function firstCatch(bug: PlantedBug, config: Partial<SimConfig>, maxSeeds: number): { seed: number; property: string } | null {
  for (let seed = 1; seed <= maxSeeds; seed++) {
    const c = makeSimConfig({ nodes: 3, durationMs: 6_000, ...config, seed });
    const v = runSeed(c, { bug }).violation;
    if (v === null || !bug.caughtBy.includes(v.property)) continue;
    if (runSeed(c).violation === null) return { seed, property: v.property };
  }
  return null;
}

describe('bugs the broader sweeps find and the classic ones do not', () => {
  it('a vote check by log length alone: found by divergence within 20 seeds, by no classic profile in 20', () => {
    // Measured (3 nodes, 6 s): divergence catches it at seeds 3, 4, 7; all and partitions at none of 1-60.
    const found = firstCatch(voteByLengthOnly, { faults: 'divergence' }, 20);
    expect(found).not.toBeNull();
    expect(['LeaderCompleteness', 'StateMachineSafety']).toContain(found!.property);
    for (const faults of ['all', 'partitions'] as const) expect({ faults, found: firstCatch(voteByLengthOnly, { faults }, 20) }).toEqual({ faults, found: null });
  });

  it('a bug on the PreVote-off path: found by swarm within 30 seeds, invisible under the default options', () => {
    // Measured (3 nodes, 6 s): swarm catches it at seeds 6, 10, 15; all at none of 1-60.
    expect(firstCatch(campaignCountsRejections, { faults: 'swarm' }, 30)).not.toBeNull();
    expect(firstCatch(campaignCountsRejections, { faults: 'all' }, 20)).toBeNull();
    // The flag reaches it under any profile.
    expect(firstCatch(campaignCountsRejections, { faults: 'partitions', raft: { preVote: false }, pinned: ['preVote'] }, 30)).not.toBeNull();
  });

  it('a lease taken without a quorum\'s acknowledgement: found with lease reads on under divergence, inert with them off', () => {
    // Measured (3 nodes, 6 s, lease reads pinned on): divergence catches it at seeds 30, 46, 48.
    // CheckQuorum deposes a cut-off leader within two election timeouts, so the stale window is short.
    const lease = { faults: 'divergence' as const, raft: { leaseRead: true }, pinned: ['leaseRead' as const] };
    const found = firstCatch(leaseWithoutQuorumAck, lease, 60);
    expect(found).toMatchObject({ property: 'Linearizability' });
    const sameSeedWithoutLease = makeSimConfig({ nodes: 3, durationMs: 6_000, faults: 'divergence', seed: found!.seed });
    expect(runSeed(sameSeedWithoutLease, { bug: leaseWithoutQuorumAck }).violation).toBeNull();
  });
});
