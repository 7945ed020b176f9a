import type { PlantedBug } from '../bugs/types';
import { scenario } from '.';

const put = (key: string, value: string) => ({ kind: 'put' as const, key, value });

describe('replication', () => {
  it('commits nothing without a majority, then commits on the majority side', () => {
    let oldLeader = '';
    let commitBefore = 0;
    const r = scenario({ nodes: 5, seed: 11, durationMs: 3_000 })
      .at(600)
      .do((c) => {
        oldLeader = c.leader();
        commitBefore = c.view(oldLeader).commitIndex;
      })
      // The leader and one follower: 2 of 5, no quorum.
      .partitionOff([(c) => c.leader(), (c) => c.sim.nodeIds.find((n) => n !== c.leader()) as string])
      .propose((c) => c.leader(), put('x', 'minority'), 'minority')
      .expect(1_200, (c) => {
        const op = c.op('minority');
        expect(op.proposedAt).not.toBeNull();
        expect(op.committedMs).toBeNull();
        expect(c.view(oldLeader).commitIndex).toBe(commitBefore);
        // CheckQuorum has deposed it meanwhile; the majority side elected someone else.
        expect(c.view(oldLeader).role).not.toBe('Leader');
      })
      .at(1_300)
      .propose((c) => c.leader(), put('x', 'majority'), 'majority')
      .expect(1_800, (c) => {
        expect(c.op('majority').committedMs).not.toBeNull();
        expect(c.op('minority').committedMs).toBeNull();
      })
      .run();
    expect(r.op('minority').appliedBy.size).toBe(0);
    expect(r.violation).toBeNull();
  });

  it('a partitioned old leader rejoins and its stale entries are overwritten', () => {
    let oldLeader = '';
    let newLeader = '';
    const stale = ['s1', 's2', 's3'];
    const r = scenario({ nodes: 5, seed: 5, durationMs: 3_000 })
      .at(600)
      .do((c) => {
        oldLeader = c.leader();
      })
      .isolate(() => oldLeader)
      .propose(() => oldLeader, stale.map((v) => put('k', v)), 'stale')
      .at(1_400)
      .do((c) => {
        newLeader = c.leader();
      })
      .propose((c) => c.leader(), [put('k', 'fresh1'), put('k', 'fresh2')], 'fresh')
      .expect(1_450, (c) => {
        // Before healing: the old leader still holds the stale suffix, uncommitted.
        const staleTerm = c.op('stale[0]').proposedAt?.term;
        expect(staleTerm).toBeDefined();
        expect(c.logTerms(oldLeader).filter((t) => t === staleTerm).length).toBeGreaterThanOrEqual(3);
      })
      .at(1_500)
      .heal()
      .expect(2_500, (c) => {
        expect(c.leader()).toBe(newLeader);
        // Log Matching end to end: the old leader's log now equals the new leader's.
        expect(c.log(oldLeader)).toEqual(c.log(newLeader));
        expect(c.kv(oldLeader)).toEqual({ k: 'fresh2' });
      })
      .run();
    for (const v of [0, 1, 2]) expect(r.op(`stale[${v}]`).committedMs).toBeNull();
    expect(r.op('fresh[1]').appliedBy.has(oldLeader)).toBe(true);
    expect(r.outcome.coverage.counts.truncations).toBeGreaterThanOrEqual(1);
    expect(r.violation).toBeNull();
  });

  it('a leader backs up over 50 divergent entries with one rejected probe index per divergent term', () => {
    const run = divergentFollower();
    expect(run.divergentEntries).toBe(50);
    expect(run.divergentTerms).toBe(1);
    // Without conflict hints the leader would step back one index per rejection: 50 of them here.
    expect(run.rejections).toBeGreaterThanOrEqual(1);
    expect(run.rejections).toBeLessThanOrEqual(run.divergentTerms);
    expect(run.result.violation).toBeNull();
  });

  it('the rejection count measures the hints: a follower that gives none costs one probe per entry', () => {
    const noHints: PlantedBug = {
      name: 'no-conflict-hints',
      description: 'rejections tell the leader only to step back by one',
      caughtBy: [],
      step: (core) => (state, input) => {
        const r = core(state, input);
        const messages = r.output.messages.map((m) =>
          m.type === 'AppendEntriesResponse' && !m.success ? { ...m, conflictIndex: m.prevLogIndex, conflictTerm: 0 } : m,
        );
        return { state: r.state, output: { ...r.output, messages } };
      },
    };
    const run = divergentFollower(noHints);
    expect(run.rejections).toBeGreaterThanOrEqual(run.divergentEntries);
    expect(run.result.violation).toBeNull();
  });
});

/**
 * The old leader is cut off and proposes 50 entries nobody else sees; the majority elects a second
 * leader and commits as many entries in a newer term. The old leader then rejoins just as the second
 * leader dies: the third node can only win with the old leader's vote, and its first AppendEntries
 * to it is a probe at its own last index, where the two logs first disagree.
 */
function divergentFollower(bug?: PlantedBug) {
  let oldLeader = '';
  let secondLeader = '';
  let divergentTerms = 0;
  let divergentEntries = 0;
  const rejectedProbes = new Set<string>();
  let healed = false;
  const result = scenario({ nodes: 3, seed: 2, durationMs: 3_000, bug })
    .at(600)
    .do((c) => {
      oldLeader = c.leader();
    })
    .isolate(() => oldLeader)
    .propose(() => oldLeader, Array.from({ length: 50 }, (_, i) => put(`d${i}`, 'divergent')), 'divergent')
    .at(1_400)
    .do((c) => {
      secondLeader = c.leader();
      // As many entries as the old leader has past the second leader's log: the logs end level.
      const count = c.lastIndex(oldLeader) - c.lastIndex(secondLeader);
      c.tracker.propose(c.sim, secondLeader, Array.from({ length: count }, (_, i) => put(`f${i}`, 'fresh')), 'fresh');
    })
    .at(1_500)
    .do((c) => {
      const firstDivergent = c.op('divergent[0]').proposedAt!.index;
      divergentEntries = c.lastIndex(oldLeader) - firstDivergent + 1;
      divergentTerms = new Set(c.logTerms(oldLeader, firstDivergent)).size;
      expect(c.op('fresh[0]').committedMs).not.toBeNull();
      healed = true;
    })
    .heal()
    .crash(() => secondLeader)
    .observe((node, _input, r) => {
      if (!healed || node !== oldLeader) return;
      // A probe re-sent by a heartbeat before the first answer returns is rejected twice at the
      // same index; what measures the hints is how many indexes the leader had to step back from.
      // The echoed prevLogIndex is core's own hint, in the message's ext.
      for (const m of r.messages) if (m.type === 'AppendEntriesResponse' && !m.success) rejectedProbes.add(`${m.term}/${(m.ext as { prevLogIndex: number }).prevLogIndex}`);
    })
    .expect(2_800, (c) => {
      const third = c.leader();
      expect([oldLeader, secondLeader]).not.toContain(third);
      expect(c.log(oldLeader)).toEqual(c.log(third));
      expect(c.kv(oldLeader)).toEqual(c.kv(third));
      expect(c.ops.filter((o) => o.label.startsWith('divergent')).every((o) => o.committedMs === null)).toBe(true);
    })
    .run();
  return { result, divergentTerms, divergentEntries, rejections: rejectedProbes.size };
}
