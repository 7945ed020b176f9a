// The scripting API itself: traffic control does what it says, operations resolve, and misuse
// fails with a clear ScenarioError.

import { and, from, ofType, scenario, ScenarioError, to } from '.';

const put = (key: string, value: string) => ({ kind: 'put' as const, key, value });

describe('scenario API', () => {
  it('hold keeps messages back until release delivers them', () => {
    let held = 0;
    let leader = '';
    let follower = '';
    const r = scenario({ nodes: 3, seed: 1, durationMs: 1_500 })
      .at(600)
      .do((c) => {
        leader = c.leader();
        follower = c.sim.nodeIds.find((n) => n !== leader) as string;
      })
      .hold((m) => m.to === follower && m.type === 'AppendEntriesRequest')
      .propose(() => leader, put('a', '1'), 'w')
      .at(700)
      .do((c) => {
        held = c.sim.network.heldCount();
        const index = c.op('w').proposedAt!.index;
        expect(c.lastIndex(follower)).toBeLessThan(index);
        // The other follower gives the leader its majority: holding one follower blocks nothing.
        expect(c.op('w').committedMs).not.toBeNull();
      })
      .clearFilters()
      .release((m) => m.to === follower)
      .expect(710, (c) => {
        expect(c.lastIndex(follower)).toBeGreaterThanOrEqual(c.op('w').proposedAt!.index);
        expect(c.sim.network.heldCount()).toBe(0);
      })
      .run();
    expect(held).toBeGreaterThan(0);
    expect(r.violation).toBeNull();
  });

  it('deliverOnly starves the cluster of everything else; clearing the filter lets it elect', () => {
    const r = scenario({ nodes: 3, seed: 2, durationMs: 2_500 })
      .deliverOnly(ofType('PreVoteRequest', 'PreVoteResponse'))
      .expect(1_200, (c) => expect(c.leaderOrNull()).toBeNull())
      .at(1_200)
      .clearFilters()
      .expect(2_400, (c) => expect(c.leaderOrNull()).not.toBeNull())
      .run();
    expect(r.violation).toBeNull();
  });

  it('drop loses matching messages: a leader whose heartbeats never arrive is replaced', () => {
    let first = '';
    const r = scenario({ nodes: 3, seed: 3, durationMs: 2_000 })
      .at(600)
      .do((c) => {
        first = c.leader();
      })
      .drop((m) => m.from === first && m.type === 'AppendEntriesRequest')
      .expect(1_500, (c) => {
        expect(c.leader()).not.toBe(first);
      })
      .run();
    expect(r.violation).toBeNull();
  });

  it('reads return the committed value; operations sent to a down node never arrive', () => {
    const r = scenario({ nodes: 3, seed: 4, durationMs: 1_500 })
      .at(600)
      .propose((c) => c.leader(), put('k', 'v1'), 'w')
      .crash((c) => c.sim.nodeIds.find((n) => n !== c.leader()) as string)
      .at(800)
      .read((c) => c.leader(), 'k', 'r')
      .read((c) => c.sim.nodeIds.find((n) => !c.node(n).up) as string, 'k', 'lost')
      .run();
    expect(r.op('w').committedMs).not.toBeNull();
    expect(r.op('r').readValue).toBe('v1');
    expect(r.op('r').readIndex).toBeGreaterThanOrEqual(r.op('w').committedIndex!);
    expect(r.op('lost').delivered).toBe(false);
    expect(r.op('lost').completedMs).toBeNull();
    expect(r.violation).toBeNull();
  });

  it('a proposal to a follower comes back NotLeader with a hint', () => {
    const r = scenario({ nodes: 3, seed: 5, durationMs: 1_000 })
      .at(600)
      .propose((c) => c.sim.nodeIds.find((n) => n !== c.leader()) as string, put('k', 'v'), 'w')
      .run();
    expect(r.op('w').error).toMatchObject({ type: 'NotLeader', leaderHint: r.ctx.leader() });
    expect(r.op('w').proposedAt).toBeNull();
  });

  it('predicates compose', () => {
    const m = { type: 'AppendEntriesRequest', from: 'n1', to: 'n2' } as never;
    expect(and(from('n1'), to('n2'), ofType('AppendEntriesRequest'))(m)).toBe(true);
    expect(and(from('n1'), to('n3'))(m)).toBe(false);
  });

  it('rejects bad times, late steps, conditions that never hold, unknown labels and missing leaders with ScenarioError', () => {
    expect(() => scenario().at(-1)).toThrow(ScenarioError);
    expect(() => scenario().expect(Number.NaN, () => undefined)).toThrow(ScenarioError);
    expect(() => scenario({ durationMs: 500 }).at(600).heal().run()).toThrow(/after the end of the run/);
    // A cluster that cannot talk never elects: leader() says so, naming every node's role and term.
    expect(() => scenario({ nodes: 3, durationMs: 800 }).deliverOnly(() => false).expect(700, (c) => c.leader()).run()).toThrow(
      /no leader at 700 ms \(terms: n1=.* n2=.* n3=.*\)/,
    );
    expect(() => scenario({ nodes: 3, durationMs: 800 }).when(() => false, () => undefined, { withinMs: 100 }).run()).toThrow(/still did not hold/);
    expect(() => scenario({ nodes: 3, durationMs: 300 }).run().op('nope')).toThrow(/no scenario operation labelled "nope"/);
  });
});
