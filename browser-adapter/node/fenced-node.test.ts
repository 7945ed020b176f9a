// A BrowserRaftNode whose storage another writer claims (a second tab that got the node's storage,
// or this tab losing its Web Lock) must stop at its next write without acknowledging it, and a
// node started on storage it no longer owns must refuse to run. The new owner then loads every
// write the old one acknowledged.

import { FencedOut, FencedStore, MemoryStore, keyPrefix } from '../storage';
import { LoopbackHub } from '../test-support/loopback';
import { waitFor } from '../test-support/node-cluster';
import { BrowserRaftNode } from './browser-raft-node';
import { browserRaftConfig } from './browser-config';

const CLUSTER = 'c0ffee';
const prefix = keyPrefix(CLUSTER, 'n1');

function singleNode(store: FencedStore | MemoryStore, hub = new LoopbackHub()): BrowserRaftNode {
  const config = browserRaftConfig({ clusterId: CLUSTER, id: 'n1', voters: ['n1'], seed: 7, overrides: { electionTimeoutTicks: 3 } });
  return new BrowserRaftNode({ config, store, transport: hub.transport('n1'), tickMs: 5, trace: false });
}

describe('BrowserRaftNode on a fenced store', () => {
  const nodes: BrowserRaftNode[] = [];
  afterEach(() => {
    for (const n of nodes.splice(0)) n.stop();
  });

  it('stops as fenced-out at its first write after another writer claims the storage, acknowledging nothing', async () => {
    const shared = new MemoryStore();
    const a = singleNode(FencedStore.claim(shared, prefix, 'taba'));
    nodes.push(a);
    expect(a.start()).toBe(true);
    await waitFor('a leader', () => a.status().role === 'Leader');
    await a.put('k', 'acknowledged');
    const commitBefore = a.status().commit;

    FencedStore.claim(shared, prefix, 'tabb');
    const before = shared.dump();
    await expect(a.put('k', 'never')).rejects.toMatchObject({ code: 'NodeStopped' });
    expect(a.status()).toMatchObject({ run: 'fenced-out', commit: commitBefore });
    expect(a.status().reason).toMatch(/^another tab took over this node's storage: fenced out of .*owner: epoch 2 claimed this storage after epoch 1/);
    expect(shared.dump()).toEqual(before);

    // The new owner has everything the old one acknowledged.
    const b = singleNode(FencedStore.claim(shared, prefix, 'tabc'));
    nodes.push(b);
    expect(b.start()).toBe(true);
    await waitFor('the acknowledged write applied', () => b.contents().get('k') === 'acknowledged');
  });

  it('refuses to start on storage it no longer owns, writing nothing', () => {
    const shared = new MemoryStore();
    const stale = FencedStore.claim(shared, prefix, 'taba');
    FencedStore.claim(shared, prefix, 'tabb');
    const before = shared.dump();
    const node = singleNode(stale);
    nodes.push(node);
    expect(node.start()).toBe(false);
    expect(node.status().run).toBe('fenced-out');
    expect(stale.verify()).toBeInstanceOf(FencedOut);
    expect(shared.dump()).toEqual(before);
  });
});
