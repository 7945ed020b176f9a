// Membership changes in the simulator (dissertation ch. 4): the classic scenarios driven through
// the scenario API's configuration-change ops, each judged by the configuration-aware safety
// checker and the linearizability of the client history.

import { scenario } from '.';
import type { NodeId } from '../../protocol/types';

describe('classic membership scenarios', () => {
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
});
