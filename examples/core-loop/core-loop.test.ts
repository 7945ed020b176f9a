import type { Output } from '../../core';
import { InMemoryCluster, runExample, type Node } from './core-loop';

test('the example loop elects a leader and every node applies the same commands in order, a restarted one included', () => {
  const report = runExample();
  expect(['a', 'b', 'c']).toContain(report.leader);
  for (const id of ['a', 'b', 'c']) expect(report.applied[id]).toEqual(['x=1', 'y=2', 'z=3', 'w=4']);
});

test('the loop is deterministic: the same run gives the same leader after the same number of ticks', () => {
  expect(runExample()).toEqual(runExample());
});

/** A caller that forgets the persist step: it neither writes nor acknowledges records. */
class ForgetfulCluster extends InMemoryCluster {
  protected override handle(node: Node, output: Output): void {
    super.handle(node, { ...output, persist: null });
  }
}

test('without persist and PersistAck nothing is elected: that step of the loop is load-bearing', () => {
  const cluster = new ForgetfulCluster(['a', 'b', 'c']);
  // Votes promise durable state, so core holds them back until the ack that never comes.
  for (let i = 0; i < 200; i++) cluster.tick();
  expect(cluster.leader()).toBeNull();
  expect(() => runExample(200, ForgetfulCluster)).toThrow(/no leader within 200 ticks/);
});
