// Membership changes in the simulator (dissertation ch. 4): the classic scenarios driven through
// the scenario API's configuration-change ops, each judged by the configuration-aware safety
// checker and the linearizability of the client history.

import { scenario } from '.';
import type { ClusterConfig, NodeId } from '../../protocol/types';
import { findBug } from '../bugs/catalogue';
import { jointOldOnlyTrap, overlappingChangesTrap, removedVotesTrap, singleServer2015Trap } from './membership-traps';

const sorted = (ids: readonly string[]): string[] => [...ids].sort();
const final = (c: ClusterConfig): { voters: string[]; learners: string[]; joint: boolean } => ({ voters: sorted(c.voters), learners: sorted(c.learners ?? []), joint: c.votersOutgoing !== undefined });

describe('classic membership scenarios', () => {
  it('grows from one node to five, each joining as a learner and then promoted, under client load', () => {
    let s = scenario({ nodes: 5, seed: 11, durationMs: 4_000, clients: 3, quietAfterMs: 3_000, config: { initialVoters: 1 } });
    s = s.expect(400, (c) => {
      // Nodes outside the initial configuration start empty and never campaign.
      expect(c.leader()).toBe('n1');
      for (const id of ['n2', 'n3', 'n4', 'n5']) expect(c.view(id)).toMatchObject({ term: 0, lastIndex: 0 });
    });
    let t = 500;
    for (const id of ['n2', 'n3', 'n4', 'n5']) {
      s = s.at(t).addLearner(id, `learner-${id}`).at(t + 300).addVoter(id, `voter-${id}`);
      t += 600;
    }
    const r = s
      .expect(3_500, (c) => {
        const l = c.leader();
        expect(final(c.config(l))).toEqual({ voters: ['n1', 'n2', 'n3', 'n4', 'n5'], learners: [], joint: false });
        expect(c.configCommitted(l)).toBe(true);
        for (const id of ['n2', 'n3', 'n4', 'n5']) {
          expect(c.confChange(`learner-${id}`).accepted).toBe(true);
          expect(c.confChange(`voter-${id}`).accepted).toBe(true);
        }
      })
      .run();
    expect(r.violation).toBeNull();
  });

  it('replaces every node one at a time through joint consensus (n1..n3 by n4..n6)', () => {
    let s = scenario({ nodes: 6, seed: 13, durationMs: 4_500, clients: 3, quietAfterMs: 3_500, config: { initialVoters: 3 } });
    [['n1', 'n4'], ['n2', 'n5'], ['n3', 'n6']].forEach(([out, into], k) => {
      s = s.at(600 + 900 * k).addLearner(into, `learn-${into}`).at(900 + 900 * k).replaceNode(out, into, `replace-${out}`)
        .expect(900 + 900 * k, (c) => expect(c.config(c.leader()).votersOutgoing).toBeDefined());
    });
    const r = s
      .expect(4_200, (c) => {
        const l = c.leader();
        expect(final(c.config(l))).toEqual({ voters: ['n4', 'n5', 'n6'], learners: [], joint: false });
        for (const out of ['n1', 'n2', 'n3']) expect(c.confChange(`replace-${out}`).accepted).toBe(true);
      })
      .run();
    expect(r.violation).toBeNull();
  });

  it('shrinks from five to three, one removal at a time', () => {
    const r = scenario({ nodes: 5, seed: 12, durationMs: 3_000, clients: 3, quietAfterMs: 2_000 })
      .at(600)
      .removeNode((c) => c.sim.nodeIds.filter((id) => id !== c.leader()).at(-1) as NodeId, 'first')
      .at(1_000)
      .removeNode((c) => c.sim.nodeIds.filter((id) => id !== c.leader() && c.config(c.leader()).voters.includes(id)).at(-1) as NodeId, 'second')
      .expect(2_500, (c) => {
        expect(c.confChange('first').accepted).toBe(true);
        expect(c.confChange('second').accepted).toBe(true);
        expect(c.config(c.leader()).voters).toHaveLength(3);
        expect(c.configCommitted(c.leader())).toBe(true);
      })
      .run();
    expect(r.violation).toBeNull();
  });

  it('refuses a second change while one is uncommitted (ConfChangeInProgress) and an unknown node (UnknownNode)', () => {
    const r = scenario({ nodes: 3, seed: 16, durationMs: 2_000 })
      .at(600)
      .removeNode((c) => c.sim.nodeIds.filter((id) => id !== c.leader()).at(-1) as NodeId, 'first')
      .removeNode((c) => c.sim.nodeIds.filter((id) => id !== c.leader()).at(0) as NodeId, 'second')
      .expect(600, (c) => {
        expect(c.confChange('first').accepted).toBe(true);
        expect(c.confChange('second')).toMatchObject({ accepted: false, refusal: 'ConfChangeInProgress' });
      })
      .at(1_000)
      .removeNode('nobody', 'unknown')
      .expect(1_000, (c) => expect(c.confChange('unknown').refusal).toBe('UnknownNode'))
      .run();
    expect(r.violation).toBeNull();
  });

  it('replaces a node through joint consensus (EnterJoint, then LeaveJoint on its own)', () => {
    let out = '';
    const r = scenario({ nodes: 5, seed: 13, durationMs: 3_000, clients: 3, quietAfterMs: 2_000 })
      .at(600)
      .do((c) => {
        out = c.sim.nodeIds.filter((id) => id !== c.leader()).at(-1) as NodeId;
      })
      .removeNode(() => out, 'remove')
      .at(1_000)
      .addLearner(() => out, 'learn')
      .at(1_400)
      .replaceNode((c) => c.sim.nodeIds.find((id) => id !== c.leader() && id !== out) as NodeId, () => out, 'replace')
      .expect(1_400, (c) => expect(c.config(c.leader()).votersOutgoing).toBeDefined())
      .expect(2_500, (c) => {
        const config = c.config(c.leader());
        expect(c.confChange('replace').accepted).toBe(true);
        expect(config.votersOutgoing).toBeUndefined();
        expect(config.voters).toContain(out);
        expect(config.voters).toHaveLength(4);
        expect(c.configCommitted(c.leader())).toBe(true);
      })
      .run();
    expect(r.violation).toBeNull();
  });

  it('removes the leader: it steps down once the removal commits and the others elect a new one', () => {
    let first = '';
    const r = scenario({ nodes: 3, seed: 14, durationMs: 3_000, clients: 2, quietAfterMs: 1_500 })
      .at(600)
      .do((c) => {
        first = c.leader();
      })
      .removeNode(() => first, 'remove-leader')
      .expect(2_000, (c) => {
        expect(c.confChange('remove-leader').accepted).toBe(true);
        expect(c.view(first).role).not.toBe('Leader');
        expect(c.leader()).not.toBe(first);
        expect(c.config(c.leader()).voters).not.toContain(first);
      })
      .run();
    expect(r.violation).toBeNull();
  });

  it('a partitioned node that was removed comes back without disrupting the cluster', () => {
    let victim = '';
    let term = 0;
    const r = scenario({ nodes: 5, seed: 15, durationMs: 4_000, clients: 2, quietAfterMs: 3_000 })
      .at(600)
      .do((c) => {
        victim = c.sim.nodeIds.filter((id) => id !== c.leader()).at(-1) as NodeId;
      })
      .isolate(() => victim)
      .removeNode(() => victim, 'remove')
      .at(2_000)
      .do((c) => {
        term = c.view(c.leader()).term;
      })
      .heal()
      .expect(3_800, (c) => {
        expect(c.view(c.leader()).term).toBe(term);
        expect(c.config(c.leader()).voters).not.toContain(victim);
      })
      .run();
    expect(r.violation).toBeNull();
  });

  it('refuses an initial configuration larger than the cluster or empty, with a typed error', () => {
    for (const initialVoters of [0, 4, 1.5]) {
      expect(() => scenario({ nodes: 3, durationMs: 200, config: { initialVoters } }).run()).toThrow(expect.objectContaining({ name: 'SimConfigError', message: expect.stringMatching(/initialVoters must be 1 to nodes \(3\)/) }));
    }
  });
});

describe('membership traps: the unmodified core stays safe, each planted bug is caught', () => {
  it('core refuses the second overlapping change and the 2015 early change, and survives every trap', () => {
    const overlapping = overlappingChangesTrap(1, null);
    expect(overlapping.violation).toBeNull();
    expect(overlapping.ctx.confChange('second').refusal).toBe('ConfChangeInProgress');
    const y2015 = singleServer2015Trap(1, null);
    expect(y2015.violation).toBeNull();
    expect(y2015.ctx.confChange('C2').refusal).toBe('ConfChangeBeforeTermCommit');
    expect(jointOldOnlyTrap(1, null).violation).toBeNull();
    expect(removedVotesTrap(1, null).violation).toBeNull();
  });

  it.each([
    ['conf-change-before-term-commit', singleServer2015Trap],
    ['overlapping-conf-changes', overlappingChangesTrap],
    ['joint-quorum-old-only', jointOldOnlyTrap],
    ['removed-node-votes-counted', removedVotesTrap],
  ] as const)('%s', (name, trap) => {
    const bug = findBug(name);
    const r = trap(1, bug);
    expect(r.violation).not.toBeNull();
    expect(bug.caughtBy).toContain(r.violation?.property);
  });
});
