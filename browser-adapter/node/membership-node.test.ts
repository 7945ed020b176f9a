// BrowserRaftNode's membership API over an in-memory transport (fast; the five-tab Chromium run is
// integration/browser-membership.test.ts): a node outside the first configuration waits, is added
// as a learner, promoted, and a node restarted from storage keeps a vote for a node that joined
// later (storage is told every node that may ever be a member, not only the first voters).

import { MemoryStore } from '../storage';
import { LoopbackHub } from '../test-support/loopback';
import { waitFor } from '../test-support/node-cluster';
import { BrowserRaftNode } from './browser-raft-node';
import { browserRaftConfig } from './browser-config';

const CLUSTER = 'c0ffee';
const NODES = ['n1', 'n2', 'n3'];

function nodeOf(id: string, store: MemoryStore, hub: LoopbackHub, incarnation = 0): BrowserRaftNode {
  const config = browserRaftConfig({ clusterId: CLUSTER, id, voters: ['n1'], seed: 7 + incarnation, overrides: { electionTimeoutTicks: 4 } });
  return new BrowserRaftNode({ config, nodes: NODES, store, transport: hub.transport(id), tickMs: 5, trace: false, incarnation });
}

const running: BrowserRaftNode[] = [];
afterEach(() => {
  for (const n of running.splice(0)) n.stop();
});

function start(node: BrowserRaftNode): BrowserRaftNode {
  running.push(node);
  expect(node.start()).toBe(true);
  return node;
}

test('a node outside the configuration waits; added as a learner it catches up; promoted it votes', async () => {
  const hub = new LoopbackHub();
  const stores = new Map(NODES.map((id) => [id, new MemoryStore()]));
  const n1 = start(nodeOf('n1', stores.get('n1')!, hub));
  const n2 = start(nodeOf('n2', stores.get('n2')!, hub));
  await waitFor('n1 to lead alone', () => n1.status().role === 'Leader');
  await n1.put('k', 'v');
  expect(n2.status()).toMatchObject({ term: 0, commit: 0, config: { self: 'none', index: 0, voters: ['n1'] } });

  await expect(n2.changeMembership([{ kind: 'AddLearner', node: 'n2' }])).rejects.toMatchObject({ code: 'NotLeader' });
  await expect(n1.changeMembership([{ kind: 'AddLearner', node: 'n7' }])).rejects.toThrow('ConfChangeRejected: UnknownNode (n7 is not one of this cluster\'s nodes n1, n2, n3)');
  const added = await n1.changeMembership([{ kind: 'AddLearner', node: 'n2' }]);
  expect(added.config).toEqual({ voters: ['n1'], learners: ['n2'] });
  await waitFor('n2 to apply the write as a learner', () => n2.contents().get('k') === 'v' && n2.status().config.self === 'learner');

  await n1.changeMembership([{ kind: 'AddVoter', node: 'n2' }]);
  expect(n1.status().config).toMatchObject({ voters: ['n1', 'n2'], learners: [], joint: false, committed: true, self: 'voter' });
  await waitFor('n2 to know it is a voter', () => n2.status().config.self === 'voter');
  // Two voters now: a write needs n2's acknowledgement.
  await n1.put('k2', 'v2');
  await waitFor('n2 to apply it', () => n2.contents().get('k2') === 'v2');

  // A follower's tab hands changes to the leader's, and gets the outcome or the typed refusal back.
  await waitFor('n2 to know its leader', () => n2.status().leader === 'n1');
  await expect(n2.changeMembership([{ kind: 'RemoveNode', node: 'n3' }])).rejects.toThrow('ConfChangeRejected: UnknownNode (n3)');
  const forwarded = await n2.changeMembership([{ kind: 'AddLearner', node: 'n3' }]);
  expect(n1.status().config).toMatchObject({ learners: ['n3'], index: forwarded.index, committed: true });
});

test('a node restarted from storage keeps a vote for a node that joined after the first configuration', async () => {
  const hub = new LoopbackHub();
  const stores = new Map(NODES.map((id) => [id, new MemoryStore()]));
  let n1 = start(nodeOf('n1', stores.get('n1')!, hub));
  const n2 = start(nodeOf('n2', stores.get('n2')!, hub));
  const n3 = start(nodeOf('n3', stores.get('n3')!, hub));
  await waitFor('n1 to lead alone', () => n1.status().role === 'Leader');
  for (const id of ['n2', 'n3']) {
    await n1.changeMembership([{ kind: 'AddLearner', node: id }]);
    await n1.changeMembership([{ kind: 'AddVoter', node: id }]);
  }
  // n1 leaves: n2 or n3 wins the next election with n1's vote or the other's; restart n1 after it voted.
  n1.stop();
  await waitFor('a new leader among n2, n3', () => [n2, n3].some((n) => n.status().role === 'Leader'));
  const newLeader = [n2, n3].find((n) => n.status().role === 'Leader')!;
  const other = newLeader === n2 ? n3 : n2;
  // The follower voted for the new leader (a node outside the first configuration) and stored that vote.
  expect(other.raftState?.votedFor).toBe(newLeader.id);
  other.stop();
  const again = start(nodeOf(other.id, stores.get(other.id)!, hub, 1));
  expect(again.status()).toMatchObject({ run: 'running', reason: null });
  expect(again.raftState?.votedFor).toBe(newLeader.id);
  n1 = start(nodeOf('n1', stores.get('n1')!, hub, 1));
  await waitFor('n1 to follow the new leader', () => n1.status().leader === newLeader.id);
});
