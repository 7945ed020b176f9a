import { scenario } from '.';

describe('elections', () => {
  it('elects exactly one leader that every node follows, from a cold start', () => {
    let leader = '';
    const r = scenario({ nodes: 5, seed: 7, durationMs: 1_000 })
      .expect(800, (c) => {
        expect(c.leaders()).toHaveLength(1);
        leader = c.leader();
        const term = c.view(leader).term;
        for (const id of c.sim.nodeIds) {
          expect(c.view(id).term).toBe(term);
          expect(c.view(id).leader).toBe(leader);
        }
        // The new leader's no-op (§5.4.2) is committed everywhere.
        for (const id of c.sim.nodeIds) expect(c.view(id).commitIndex).toBeGreaterThanOrEqual(1);
      })
      .run();
    expect(leader).toMatch(/^n[1-5]$/);
    expect(r.violation).toBeNull();
  });

  it('elects a new leader in a higher term after the leader crashes, and the old one follows it on return', () => {
    let first = '';
    let firstTerm = 0;
    let second = '';
    const r = scenario({ nodes: 5, seed: 3, durationMs: 3_000 })
      .at(600)
      .do((c) => {
        first = c.leader();
        firstTerm = c.view(first).term;
      })
      .crash((c) => c.leader())
      .expect(1_400, (c) => {
        second = c.leader();
        expect(second).not.toBe(first);
        expect(c.view(second).term).toBeGreaterThan(firstTerm);
      })
      .at(1_500)
      .restart(() => first)
      .expect(2_500, (c) => {
        expect(c.leader()).toBe(second);
        expect(c.view(first).role).toBe('Follower');
        expect(c.view(first).leader).toBe(second);
        expect(c.view(first).commitIndex).toBe(c.view(second).commitIndex);
      })
      .run();
    expect(r.outcome.coverage.counts.leaderChanges).toBe(2);
    expect(r.violation).toBeNull();
  });
});
