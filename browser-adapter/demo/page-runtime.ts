// Starts this tab's cluster member from the URL and exposes it as `window.raftbed`, which the demo
// UI, the benchmark page and the end-to-end tests all drive.
//
// One tab per node: before anything is written, the page takes the node's Web Lock (held until
// the page unloads) and then claims its storage with a fencing token. A second tab of the same
// node gets NodeAlreadyOpen and writes nothing; a tab that loses the lock stops writing for good.

import { ClusterMember } from '../node/cluster-member';
import type { NodeStatus } from '../node/browser-raft-node';
import { FencedStore, LocalStorageStore, keyPrefix } from '../storage';
import { NodeAlreadyOpen, acquireNodeLock, nodeLockName, type LockManagerLike } from '../node/node-lock';
import type { SimplePeerConstructor } from '../transport/peer-transport';
import type { WebSocketLike } from '../../introducer/client';
import type { KvResult } from '../../core';
import { parsePageConfig, type PageConfig } from './page-config';

export interface PageApi {
  readonly config: PageConfig;
  readonly member: ClusterMember;
  status(): NodeStatus;
  put(key: string, value: string): Promise<KvResult>;
  append(key: string, value: string): Promise<KvResult>;
  cas(key: string, expected: string | null, value: string): Promise<KvResult>;
  get(key: string): Promise<string | null>;
  /** This replica's contents as [key, value] pairs (may lag the leader). */
  contents(): [string, string][];
  exportTrace(): Promise<string>;
  crash(): void;
  restart(): boolean;
  partition(on: boolean): void;
  storageUsage(): { keys: number; units: number };
  transportCounters(): unknown;
  /** Set when this tab runs without the one-tab-per-node lock (no Web Locks here). */
  readonly warning: string | null;
}

declare global {
  interface Window {
    raftbed?: PageApi;
    raftbedError?: string;
    /** The error's class name (e.g. 'NodeAlreadyOpen'), for tests. */
    raftbedErrorName?: string;
    SimplePeer?: SimplePeerConstructor;
  }
}

/** Resolves once a fake microphone is open: with only loopback, Chromium gathers no ICE candidates without it. */
async function unlockLoopbackIce(): Promise<void> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const t of stream.getTracks()) t.stop();
  } catch {
    // Not fatal: on a normal network, mDNS host candidates work without it.
  }
}

/**
 * Counts page loads of this node in localStorage, so each trace says which incarnation it is.
 * Outside RaftStorage's key prefix: Raft's state must not depend on it.
 */
function nextPageIncarnation(config: PageConfig): number {
  const key = `raftbed-page/${config.cluster}/${config.node}/loads`;
  try {
    const previous = Number(localStorage.getItem(key) ?? '0');
    const next = Number.isSafeInteger(previous) && previous >= 0 ? previous + 1 : 1;
    localStorage.setItem(key, String(next));
    // Restarts within the page add 1 each; leave room for 1000 of them per load.
    return (next - 1) * 1000;
  } catch {
    return 0;
  }
}

export async function startPage(): Promise<PageApi> {
  const config = parsePageConfig(location.search, location);
  const SimplePeer = window.SimplePeer;
  if (!SimplePeer) throw new Error('simple-peer is not loaded (simplepeer.min.js must come before this script)');
  // The lock comes first: a tab that does not get it must not write even the page-load counter.
  const locks = (navigator as { locks?: LockManagerLike }).locks;
  let warning: string | null = null;
  const lockName = nodeLockName(config.cluster, config.node);
  const lock = locks ? await acquireNodeLock(locks, lockName) : null;
  if (locks && lock === null) throw new NodeAlreadyOpen(config.node, lockName);
  if (!locks) {
    warning = 'Web Locks are unavailable here (an insecure context?): only the storage fence keeps two tabs of this node apart, and it stops the tab that opened first.';
    console.warn(warning);
  }
  const store = FencedStore.claim(new LocalStorageStore(), keyPrefix(config.cluster, config.node));
  if (config.getUserMedia) await unlockLoopbackIce();
  const member = new ClusterMember({
    firstIncarnation: nextPageIncarnation(config),
    id: config.node, voters: config.voters, clusterId: config.cluster, introducerUrl: config.wsUrl,
    expires: config.expires, token: config.token,
    WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike,
    SimplePeer, iceServers: [], store,
    node: { tickMs: config.tickMs, snapshotEvery: config.snapshotEvery, trace: config.trace },
  });
  lock?.onLost((reason) => {
    // Another context took the lock, so another tab may be writing: never write again here.
    store.revoke(`this tab lost the node's Web Lock (${(reason as Error)?.message ?? reason})`);
    member.crash('this tab lost the node\'s Web Lock to another tab or window; reload to take the node back');
  });
  member.start();
  const api: PageApi = {
    warning,
    config, member,
    status: () => member.node.status(),
    put: (k, v) => member.node.put(k, v),
    append: (k, v) => member.node.append(k, v),
    cas: (k, e, v) => member.node.cas(k, e, v),
    get: (k) => member.node.get(k),
    contents: () => [...member.node.contents().entries()],
    exportTrace: () => member.node.exportTrace(),
    crash: () => member.crash(),
    restart: () => member.restart(),
    partition: (on) => {
      if (member.running) member.transport.setPartitioned(on);
    },
    storageUsage: () => member.node.storageUsage(),
    transportCounters: () => (member.running ? member.transport.counters : null),
  };
  window.raftbed = api;
  return api;
}
