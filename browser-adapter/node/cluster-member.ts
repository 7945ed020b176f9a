// One tab's whole stack: introducer session -> WebRTC transport -> BrowserRaftNode over a store.
// `crash()` tears all of it down without touching storage (what closing the tab does);
// `restart()` builds it again from the same store, as a reload would.

import type { KeyValueStore } from '../storage';
import type { WebSocketLike } from '../../introducer/client';
import { PeerTransport, type SimplePeerConstructor } from '../transport/peer-transport';
import { SignallingSession } from '../transport/signalling-session';
import { BrowserRaftNode, type BrowserRaftNodeOptions } from './browser-raft-node';
import { browserRaftConfig, randomSeed } from './browser-config';
import type { RaftConfig } from '../../core';

export interface ClusterMemberOptions {
  readonly id: string;
  /** The initial configuration's voters (later ones come from the log). */
  readonly voters: readonly string[];
  /**
   * Every node that may ever be a member: the transport connects to all of them, so a tab that
   * joins later (as a learner) is reachable before it is in any configuration. Default the voters.
   */
  readonly nodes?: readonly string[];
  /** The introducer room, also used as Raft's cluster id. */
  readonly clusterId: string;
  /** ws://host:port/ws */
  readonly introducerUrl: string;
  readonly expires: number;
  readonly token: string;
  readonly WebSocket: new (url: string) => WebSocketLike;
  readonly SimplePeer: SimplePeerConstructor;
  readonly wrtc?: unknown;
  readonly iceServers?: unknown[];
  readonly store: KeyValueStore;
  readonly raftOverrides?: Partial<RaftConfig>;
  readonly node?: Partial<Omit<BrowserRaftNodeOptions, 'config' | 'store' | 'transport' | 'incarnation'>>;
  /** The first start's incarnation number (a page keeps a counter across reloads). Default 0. */
  readonly firstIncarnation?: number;
  /** Transport reconnection tuning (tests use short values). */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  readonly connectTimeoutMs?: number;
}

export class ClusterMember {
  private incarnationCounter: number;
  private current: { node: BrowserRaftNode; transport: PeerTransport; signalling: SignallingSession } | null = null;
  private readonly restartListeners = new Set<(node: BrowserRaftNode) => void>();
  /** The latest node, kept after a crash so its (stopped) status can still be shown. */
  private latest: BrowserRaftNode | null = null;

  constructor(private readonly options: ClusterMemberOptions) {
    this.incarnationCounter = (options.firstIncarnation ?? 0) - 1;
  }

  get node(): BrowserRaftNode {
    const node = this.current?.node ?? this.latest;
    if (!node) throw new Error('ClusterMember: not started');
    return node;
  }

  get transport(): PeerTransport {
    if (!this.current) throw new Error('ClusterMember: not started');
    return this.current.transport;
  }

  get signalling(): SignallingSession {
    if (!this.current) throw new Error('ClusterMember: not started');
    return this.current.signalling;
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** Called with the new node after every start (the UI re-subscribes to it). */
  onStart(listener: (node: BrowserRaftNode) => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  /** Starts a new incarnation. False when storage refused to load (see node.status().reason). */
  start(): boolean {
    if (this.current) throw new Error('ClusterMember: already running');
    const o = this.options;
    const incarnation = ++this.incarnationCounter;
    const transport = new PeerTransport({
      self: o.id, voters: o.nodes ?? o.voters, SimplePeer: o.SimplePeer, wrtc: o.wrtc, iceServers: o.iceServers ?? [],
      backoffInitialMs: o.backoffInitialMs, backoffMaxMs: o.backoffMaxMs, connectTimeoutMs: o.connectTimeoutMs,
    });
    const config = browserRaftConfig({ clusterId: o.clusterId, id: o.id, voters: o.voters, seed: randomSeed(), overrides: o.raftOverrides });
    const node = new BrowserRaftNode({ ...o.node, config, nodes: o.nodes ?? o.voters, store: o.store, transport, incarnation });
    const signalling = new SignallingSession({
      url: o.introducerUrl,
      join: { room: o.clusterId, node: o.id, expires: o.expires, token: o.token },
      WebSocket: o.WebSocket,
      onJoined: (client) => transport.attachSignalling(client),
      onLost: () => transport.detachSignalling(),
      backoffInitialMs: o.backoffInitialMs,
      backoffMaxMs: o.backoffMaxMs,
    });
    this.current = { node, transport, signalling };
    this.latest = node;
    // A node fenced out of its storage (another tab took it over) leaves the network at once.
    node.onChange(() => {
      if (node.runState !== 'fenced-out') return;
      queueMicrotask(() => {
        if (this.current?.node === node) this.crash();
      });
    });
    const ok = node.start();
    // A node that refused to start stays off the network: it must not answer anyone.
    if (ok) signalling.start();
    for (const l of this.restartListeners) l(node);
    return ok;
  }

  /** Stops the node and drops every connection; storage keeps what was durable. */
  crash(reason = 'crashed'): void {
    const c = this.current;
    if (!c) return;
    this.current = null;
    c.node.stop(reason);
    c.signalling.stop();
    c.transport.close();
  }

  restart(): boolean {
    this.crash();
    return this.start();
  }

  close(): void {
    this.crash();
  }
}
