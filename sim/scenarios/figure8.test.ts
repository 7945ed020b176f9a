// Figure 8 of the Raft paper (§5.4.2), played with crashes: an entry from an old term that sits on
// a majority is still not committed, because a later leader may overwrite it. Only a leader that
// commits an entry of its own term commits the older ones beneath it.

import { entriesBetween, quorumSize } from '../../core';
import type { PlantedBug } from '../bugs/types';
import { and, campaignsExcept, carriesEntries, from, scenario, type ScenarioContext } from '.';

interface Figure8Run {
  readonly result: ReturnType<ReturnType<typeof scenario>['run']>;
  /** The index where the two histories compete. */
  xIndex: number;
  xTerm: number;
  /** Nodes holding x (the old-term entry) when its second leader crashed. */
  xHolders: string[];
  /** Highest commit index of any node at that moment. */
  maxCommitWhileOnMajority: number;
  /** Term at xIndex on every node at the end. */
  finalTerms: Record<string, number | undefined>;
}

const onlyCampaigner = (node: string) => campaignsExcept(node);

function figure8(bug?: PlantedBug): Figure8Run {
  const run = { xIndex: 0, xTerm: 0, xHolders: [] as string[], maxCommitWhileOnMajority: -1, finalTerms: {} } as Figure8Run;
  const termAtX = (c: ScenarioContext, id: string) => c.log(id).find((e) => e.index === run.xIndex)?.entry.term;
  /** The running scenario, for the traffic filter below to consult the followers' logs. */
  let live: ScenarioContext | null = null;
  const result = scenario({ nodes: 5, seed: 8, durationMs: 3_500, bug, config: { raft: { maxEntriesPerAppend: 1 } } })
    // (a) n1 leads and replicates x to n2 only, then crashes.
    .drop(onlyCampaigner('n1'))
    .at(500)
    .partition(['n1', 'n2'], ['n3', 'n4', 'n5'])
    .propose('n1', { kind: 'put', key: 'k', value: 'x' }, 'x')
    .at(560)
    .do((c) => {
      run.xIndex = c.op('x').proposedAt!.index;
      run.xTerm = c.op('x').proposedAt!.term;
    })
    .crash('n1')
    .heal()
    // (b) n5 wins with votes from n3 and n4, appends its no-op at x's index, and crashes before
    // anyone sees it.
    .clearFilters()
    .drop(onlyCampaigner('n5'))
    .drop(and(from('n5'), carriesEntries))
    .at(1_000)
    .do((c) => expect(termAtX(c, 'n5')).toBeGreaterThan(run.xTerm))
    .crash('n5')
    // (c) n1 returns, wins a newer term and copies x to a majority, but the no-op of its own term
    // is held back. x is on a majority and yet must not be committed.
    // A probing follower's heartbeat is the probe itself, at next - 1: n1's first probes carry its
    // no-op right after x. Holding them all would keep n3 and n4 from ever rejecting one, so they
    // would never be sent x. Only a follower that already holds x has its no-op held; the others
    // reject theirs (x is missing beneath it), and n1 backs up and sends them x.
    .clearFilters()
    .drop(onlyCampaigner('n1'))
    .do((c) => (live = c))
    .hold((m) => m.type === 'AppendEntriesRequest' && m.from === 'n1' && m.entries.some((e) => e.term > run.xTerm) && live !== null && termAtX(live, m.to) === run.xTerm)
    .restart('n1')
    .at(1_600)
    .do((c) => {
      run.xHolders = c.sim.nodeIds.filter((id) => termAtX(c, id) === run.xTerm);
      run.maxCommitWhileOnMajority = Math.max(...c.sim.nodeIds.filter((id) => c.node(id).up).map((id) => c.view(id).commitIndex));
    })
    // (d) n1 crashes; n5 returns with the newer last term, wins, and overwrites x everywhere.
    .crash('n1')
    .discardHeld()
    .clearFilters()
    .drop(onlyCampaigner('n5'))
    .restart('n5')
    .at(2_400)
    .clearFilters()
    .restart('n1')
    .expect(3_400, (c) => {
      for (const id of c.sim.nodeIds) run.finalTerms[id] = termAtX(c, id);
    })
    .run();
  return Object.assign(run, { result });
}

describe('Figure 8 with leader crashes', () => {
  it('never commits an old-term entry that sits on a majority, and a later leader overwrites it safely', () => {
    const run = figure8();
    expect(run.xHolders.length).toBeGreaterThanOrEqual(quorumSize({ voters: ['n1', 'n2', 'n3', 'n4', 'n5'] }));
    expect(run.maxCommitWhileOnMajority).toBeLessThan(run.xIndex);
    // n5's history won: its term is at x's index everywhere, and x was never applied by anyone.
    expect(run.result.violation).toBeNull();
    for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) expect(run.finalTerms[id]).toBeGreaterThan(run.xTerm);
    expect(run.result.op('x').appliedBy.size).toBe(0);
    expect(run.result.outcome.coverage.counts.truncations).toBeGreaterThanOrEqual(3);
    expect(run.result.violation).toBeNull();
  });

  it('catches a leader that commits an old-term entry by counting replicas', () => {
    const countsReplicas: PlantedBug = {
      name: 'commit-old-term-by-count',
      description: 'a leader commits whatever a majority holds, whatever its term',
      caughtBy: ['StateMachineSafety', 'LeaderCompleteness', 'CommitSurvivesElections', 'CoreInternalError'],
      step: (core) => (state, input) => {
        const r = core(state, input);
        const s = r.state;
        if (s.role !== 'Leader' || s.leader === null) return r;
        const matches = s.cluster.voters.map((id) => (id === s.config.id ? s.leader!.durableMatch : s.leader!.progress[id].match)).sort((a, b) => b - a);
        const n = matches[quorumSize(s.cluster) - 1];
        if (n <= s.commitIndex) return r;
        const apply = entriesBetween(s.log, s.appliedIndex + 1, n).map((entry, k) => ({ index: s.appliedIndex + 1 + k, entry }));
        return { state: { ...s, commitIndex: n, appliedIndex: n }, output: { ...r.output, apply: [...r.output.apply, ...apply] } };
      },
    };
    const run = figure8(countsReplicas);
    expect(run.result.violation).not.toBeNull();
    expect(countsReplicas.caughtBy).toContain(run.result.violation!.property);
    // At the commit itself (checkers/commit-protection.ts), not only once a later leader lacks it.
    expect(run.result.violation!.property).toBe('CommitSurvivesElections');
  });
});
