// Opens this tab's cluster member the one safe way: take the node's Web Lock, claim its storage
// with a fencing token, then build the member. Shared by createBrowserNode and the demo pages.
//
// One tab per node: a second tab of the same node gets NodeAlreadyOpen and writes nothing; a tab
// that loses the lock stops writing for good.

import { ClusterMember, type ClusterMemberOptions } from '../node/cluster-member';
import { FencedStore, LocalStorageStore, keyPrefix } from '../storage';
import { NodeAlreadyOpen, acquireNodeLock, nodeLockName, type LockManagerLike } from '../node/node-lock';
import type { SimplePeerConstructor } from '../transport/peer-transport';
import type { WebSocketLike } from '../../introducer/client';

export interface OpenMemberOptions {
  readonly nodeId: string;
  readonly voters: readonly string[];
  /** Every node that may ever be a member; default the voters. */
  readonly nodes?: readonly string[];
  readonly clusterId: string;
  readonly introducerUrl: string;
  readonly token: string;
  readonly expires: number;
  readonly SimplePeer: SimplePeerConstructor;
  readonly firstIncarnation?: number;
  /** Open a fake microphone first: on loopback only, Chromium gathers no ICE candidates without it. */
  readonly getUserMedia?: boolean;
  readonly node?: ClusterMemberOptions['node'];
}

export interface OpenedMember {
  readonly member: ClusterMember;
  /** Set when this tab runs without the one-tab-per-node lock (no Web Locks here). */
  readonly warning: string | null;
}

async function unlockLoopbackIce(): Promise<void> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const t of stream.getTracks()) t.stop();
  } catch {
    // Not fatal: on a normal network, mDNS host candidates work without it.
  }
}

/** Throws NodeAlreadyOpen when another tab holds this node. The member is started. */
export async function openMember(o: OpenMemberOptions, beforeStart?: () => number): Promise<OpenedMember> {
  // The lock comes first: a tab that does not get it must not write anything.
  const locks = (navigator as { locks?: LockManagerLike }).locks;
  let warning: string | null = null;
  const lockName = nodeLockName(o.clusterId, o.nodeId);
  const lock = locks ? await acquireNodeLock(locks, lockName) : null;
  if (locks && lock === null) throw new NodeAlreadyOpen(o.nodeId, lockName);
  if (!locks) {
    warning = 'Web Locks are unavailable here (an insecure context?): only the storage fence keeps two tabs of this node apart, and it stops the tab that opened first.';
    console.warn(warning);
  }
  const store = FencedStore.claim(new LocalStorageStore(), keyPrefix(o.clusterId, o.nodeId));
  if (o.getUserMedia) await unlockLoopbackIce();
  const member = new ClusterMember({
    firstIncarnation: beforeStart ? beforeStart() : o.firstIncarnation,
    id: o.nodeId, voters: o.voters, nodes: o.nodes, clusterId: o.clusterId, introducerUrl: o.introducerUrl,
    expires: o.expires, token: o.token,
    WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike,
    SimplePeer: o.SimplePeer, iceServers: [], store,
    node: o.node,
  });
  lock?.onLost((reason) => {
    // Another context took the lock, so another tab may be writing: never write again here.
    store.revoke(`this tab lost the node's Web Lock (${(reason as Error)?.message ?? reason})`);
    member.crash('this tab lost the node\'s Web Lock to another tab or window; reload to take the node back');
  });
  member.start();
  return { member, warning };
}
