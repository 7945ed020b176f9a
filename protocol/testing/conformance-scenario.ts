// The conformance scenario every implementation must pass on the mini-cluster: elect a leader,
// commit proposals, serve a linearizable read, lose the leader (crash), elect another, commit
// more, bring the old leader back from its durable state and let it catch up.

import { MiniCluster, type MiniClusterOptions } from './mini-cluster';

export interface ScenarioResult {
  readonly cluster: MiniCluster;
  readonly firstLeader: string;
  readonly secondLeader: string;
  readonly committed: readonly string[];
}

function allApplied(cluster: MiniCluster, data: readonly string[]): boolean {
  return cluster.upIds().every((id) => {
    const applied = cluster.appliedData(id);
    return data.every((d, k) => applied[k] === d);
  });
}

export function runConformanceScenario(options: MiniClusterOptions, proposals = 5): ScenarioResult {
  const cluster = new MiniCluster(options).start();
  try {
    const firstLeader = cluster.electLeader();
    const committed: string[] = [];
    for (let k = 0; k < proposals; k++) {
      const data = JSON.stringify({ put: `k${k}`, value: k });
      cluster.propose(firstLeader, data);
      committed.push(data);
    }
    cluster.runUntil(() => allApplied(cluster, committed), `all nodes apply ${proposals} entries`);

    // A read at the leader is served at an index that covers every write applied before it.
    const lastWrite = Math.max(...cluster.node(firstLeader).applied.map((a) => a.index));
    const readId = cluster.read(firstLeader);
    cluster.runUntil(() => cluster.node(firstLeader).reads.some((r) => r.requestId === readId), 'the leader answers a read');
    const read = cluster.node(firstLeader).reads.find((r) => r.requestId === readId);
    if (read === undefined || read.index < lastWrite) throw new Error(`read ${readId} served at ${read?.index}, before the last applied write ${lastWrite}`);

    cluster.crash(firstLeader);
    const secondLeader = cluster.electLeader();
    if (secondLeader === firstLeader) throw new Error('the crashed leader is still leader');
    for (let k = 0; k < proposals; k++) {
      const data = JSON.stringify({ put: `k${k}`, value: 100 + k });
      cluster.propose(secondLeader, data);
      committed.push(data);
    }
    cluster.runUntil(() => allApplied(cluster, committed), 'the survivors apply every entry');

    cluster.restart(firstLeader);
    cluster.runUntil(() => allApplied(cluster, committed) && cluster.upIds().length === cluster.ids.length, 'the restarted node catches up');

    // A follower either serves a read correctly or sends the client elsewhere: both are allowed.
    const follower = cluster.ids.find((id) => id !== cluster.leader()) as string;
    const followerRead = cluster.read(follower);
    cluster.runUntil(
      () => cluster.node(follower).reads.some((r) => r.requestId === followerRead) || cluster.node(follower).errors.some((e) => 'requestId' in e && e.requestId === followerRead),
      'a follower answers or refuses a read',
    );
    return { cluster, firstLeader, secondLeader, committed };
  } finally {
    cluster.stop();
  }
}
