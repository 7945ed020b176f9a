// Where the per-step check tests start: three nodes (seed 4), a leader elected, `data` proposed and
// applied everywhere (the leader's no-op is entry 1).

import { TestCluster } from '../../../core/testing/cluster';

export function settledCluster(...data: string[]): { c: TestCluster; leader: string; followers: string[] } {
  const c = new TestCluster({ size: 3, seed: 4 });
  const leader = c.electLeader();
  c.propose(leader, ...data);
  c.runUntil(() => c.ids.every((id) => c.state(id).appliedIndex >= 1 + data.length), 200);
  return { c, leader, followers: c.ids.filter((id) => id !== leader) };
}
