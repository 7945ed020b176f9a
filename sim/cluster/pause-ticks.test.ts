import { Simulation } from './simulation';
import { makeSimConfig } from '../config';
import { finalizePlan } from '../faults';
import { CALM_NETWORK } from '../network/params';

// A pause shorter than one tick interval must not leave the node with two tick chains (its
// clock would then run at double speed for the rest of the run).
describe('pauses keep exactly one tick chain per node', () => {
  function ticksOf(pauseMs: number): number {
    const nodes = ['n1', 'n2', 'n3'];
    const plan = finalizePlan(nodes, CALM_NETWORK, [{ atMs: 203, kind: 'pause', node: 'n2', durationMs: pauseMs }], 1_000);
    const sim = new Simulation(makeSimConfig({ seed: 1, nodes: 3, durationMs: 2_000, faultPlan: plan, workload: { clients: 0 } as never }));
    let ticks = 0;
    const original = sim.stepNode.bind(sim);
    sim.stepNode = (node, input) => {
      if (node.id === 'n2' && input.type === 'Tick' && sim.nowMs >= 1_000 && sim.nowMs < 2_000) ticks++;
      original(node, input);
    };
    sim.run();
    return ticks;
  }

  it.each([2, 4, 35])('after a %i ms pause, n2 ticks once per 10 ms', (pauseMs) => {
    expect(ticksOf(pauseMs)).toBeGreaterThanOrEqual(99);
    expect(ticksOf(pauseMs)).toBeLessThanOrEqual(101);
  });
});
