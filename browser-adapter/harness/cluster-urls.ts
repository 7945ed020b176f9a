// The three (or more) page URLs of one cluster: each node on its own origin
// (http://<node>.localhost:<port>, which Chromium resolves itself), so each tab has its own
// localStorage. The join token in each URL is minted here with the introducer's secret.

import { randomBytes } from 'node:crypto';
import { makeJoinToken } from '../../introducer';

export interface ClusterUrlOptions {
  readonly port: number;
  readonly secret: string;
  readonly ids: readonly string[];
  /** The initial voters (default every id); the others start outside the configuration. */
  readonly voters?: readonly string[];
  /** Introducer room and Raft cluster id; default a fresh random one. */
  readonly room?: string;
  readonly expires?: number;
  readonly page?: string;
  readonly params?: Readonly<Record<string, string>>;
}

export function nodeOrigin(id: string, port: number): string {
  return `http://${id.toLowerCase()}.localhost:${port}`;
}

export function newRoom(): string {
  return randomBytes(16).toString('hex');
}

export function clusterUrls(o: ClusterUrlOptions): { room: string; urls: Map<string, string>; origins: string[] } {
  const room = o.room ?? newRoom();
  const expires = o.expires ?? Date.now() + 7 * 24 * 3600 * 1000;
  const urls = new Map<string, string>();
  for (const id of o.ids) {
    const q = new URLSearchParams({
      node: id, voters: (o.voters ?? o.ids).join(','), ...(o.voters !== undefined ? { nodes: o.ids.join(',') } : {}), cluster: room, expires: String(expires), token: makeJoinToken(o.secret, room, id, expires), ...o.params,
    });
    urls.set(id, `${nodeOrigin(id, o.port)}/${o.page ?? ''}?${q}`);
  }
  return { room, urls, origins: o.ids.map((id) => nodeOrigin(id, o.port)) };
}
