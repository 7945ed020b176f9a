// A three-node browser-adapter cluster inside Node: an in-process introducer, real WebRTC data
// channels from @roamhq/wrtc on loopback, and in-memory stores standing in for localStorage.

import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startIntroducer, makeJoinToken, type IntroducerHandle } from '../../introducer';
import type { WebSocketLike } from '../../introducer/client';
import { MemoryStore } from '../storage';
import { ClusterMember } from '../node/cluster-member';
import type { SimplePeerConstructor } from '../transport/peer-transport';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const SimplePeer = require('simple-peer') as SimplePeerConstructor;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const wrtc = require('@roamhq/wrtc') as unknown;

export interface NodeCluster {
  readonly introducer: IntroducerHandle;
  readonly members: ClusterMember[];
  readonly stores: MemoryStore[];
  readonly ids: string[];
  close(): Promise<void>;
}

export async function startNodeCluster(options: { snapshotEvery?: number; tickMs?: number } = {}): Promise<NodeCluster> {
  const secret = randomBytes(24).toString('hex');
  const room = randomBytes(16).toString('hex');
  const introducer = await startIntroducer({ secret, port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, stopGraceMs: 200 });
  const ids = ['n1', 'n2', 'n3'];
  const expires = Date.now() + 3_600_000;
  const stores = ids.map(() => new MemoryStore());
  const members = ids.map((id, k) => new ClusterMember({
    id, voters: ids, clusterId: room, introducerUrl: introducer.url, expires, token: makeJoinToken(secret, room, id, expires),
    WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike, SimplePeer, wrtc, store: stores[k],
    node: { tickMs: options.tickMs ?? 20, snapshotEvery: options.snapshotEvery ?? 2000, opTimeoutMs: 8000, retryMs: 500 },
    backoffInitialMs: 50, backoffMaxMs: 500, connectTimeoutMs: 5000,
  }));
  return {
    introducer, members, stores, ids,
    async close() {
      for (const m of members) m.close();
      await introducer.stop();
    },
  };
}

/** Polls `condition` every 20 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The single running leader with the highest term, or null. */
export function leaderOf(members: readonly ClusterMember[]): ClusterMember | null {
  const leaders = members.filter((m) => m.running && m.node.status().role === 'Leader');
  if (leaders.length === 0) return null;
  return leaders.reduce((a, b) => (a.node.status().term >= b.node.status().term ? a : b));
}
