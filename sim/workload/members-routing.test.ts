// Clients send requests only to members of the configuration in effect (the member list a client
// syncs its endpoints from). A node outside it may be up, and may not know it was removed: a
// removed follower that still believes in an old leader forwards reads in an old term that no
// one answers, so a client that kept asking it stalled (8 of 300 seeds of a membership sweep with
// 4 of 5 initial voters failed AvailabilityStalledOperation on the unmodified core).

import { Simulation } from '../cluster/simulation';
import { makeSimConfig } from '../config';
import { MemoryTrace } from '../../trace/sink';

function clientInputsByNode(seed: number, overrides: Parameters<typeof makeSimConfig>[0]): Map<string, number> {
  const trace = new MemoryTrace(true);
  const result = new Simulation(makeSimConfig({ seed, durationMs: 3_000, ...overrides }), { trace }).run();
  expect(result.violation).toBeNull();
  const counts = new Map<string, number>();
  for (const line of trace.text) {
    const e = JSON.parse(line) as { ev?: string; input?: string; node?: string };
    if (e.ev === 'Step' && (e.input === 'Propose' || e.input === 'Read') && e.node) counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
  }
  return counts;
}

describe('client routing follows the configuration', () => {
  it('never sends a request to a node outside the initial configuration', () => {
    const counts = clientInputsByNode(5, { nodes: 5, initialVoters: 3, faults: 'partitions' });
    expect([...counts.keys()].sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('spreads requests over every node when all are members', () => {
    const counts = clientInputsByNode(5, { nodes: 5, faults: 'partitions' });
    expect([...counts.keys()].sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('keeps membership runs with nodes outside the configuration available (the seeds that stalled)', () => {
    for (const seed of [1, 3, 13]) {
      const result = new Simulation(makeSimConfig({ seed, faults: 'membership', nodes: 5, initialVoters: 4, checkLinearizability: false })).run();
      expect(result.violation).toBeNull();
    }
  });
});
