// Starts this tab's cluster member from the URL and exposes it as `window.raftbed`, which the demo
// UI, the benchmark page and the end-to-end tests all drive.
//
// One tab per node: openMember (../app/open-member.ts) takes the node's Web Lock and claims its
// storage with a fencing token before anything is written.

import type { ClusterMember } from '../node/cluster-member';
import type { NodeStatus } from '../node/browser-raft-node';
import type { MembershipResult } from '../node/pending-conf-changes';
import type { SimplePeerConstructor } from '../transport/peer-transport';
import { openMember } from '../app/open-member';
import { kvMachine } from '../app/replicated-machine';
import type { ConfChange, KvResult } from '../../core';
import { parsePageConfig, type PageConfig } from './page-config';

export interface PageApi {
  readonly config: PageConfig;
  readonly member: ClusterMember;
  status(): NodeStatus;
  put(key: string, value: string): Promise<KvResult>;
  append(key: string, value: string): Promise<KvResult>;
  cas(key: string, expected: string | null, value: string): Promise<KvResult>;
  get(key: string): Promise<string | null>;
  /** A membership change proposed by this tab (it must lead); resolves when its entry commits. */
  changeMembership(changes: readonly ConfChange[], leaveJoint?: 'auto' | 'explicit'): Promise<MembershipResult>;
  leaveJoint(): Promise<MembershipResult>;
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
  // The KV store is one application state machine among others (see ../index.ts); the page names it.
  const { member, warning } = await openMember({
    nodeId: config.node, voters: config.voters, nodes: config.nodes, clusterId: config.cluster, introducerUrl: config.wsUrl,
    expires: config.expires, token: config.token, SimplePeer, getUserMedia: config.getUserMedia,
    node: { tickMs: config.tickMs, snapshotEvery: config.snapshotEvery, trace: config.trace, machine: kvMachine },
  }, () => nextPageIncarnation(config));
  const api: PageApi = {
    warning,
    config, member,
    status: () => member.node.status(),
    put: (k, v) => member.node.put(k, v),
    append: (k, v) => member.node.append(k, v),
    cas: (k, e, v) => member.node.cas(k, e, v),
    get: (k) => member.node.get(k),
    changeMembership: (changes, leaveJoint) => member.node.changeMembership(changes, leaveJoint),
    leaveJoint: () => member.node.leaveJoint(),
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
