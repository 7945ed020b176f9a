// Raft settings for nodes in browser tabs: core's defaults tuned for WebRTC data channels
// (messages must fit one frame well below Chromium's 256 KiB SCTP message limit) and for a tick
// driven by setInterval, where a busy tab can be late by tens of milliseconds.

import { makeConfig } from '../../core';
import type { RaftConfig } from '../../core';

/** Largest frame the transport sends; AppendEntries and snapshot chunks are sized to fit it. */
export const BROWSER_MAX_FRAME_BYTES = 200 * 1024;

export const BROWSER_RAFT_DEFAULTS = Object.freeze({
  electionTimeoutTicks: 15,
  heartbeatIntervalTicks: 1,
  maxEntriesPerAppend: 1024,
  maxBytesPerAppend: 64 * 1024,
  maxInflightAppends: 128,
  snapshotChunkBytes: 48 * 1024,
});

export interface BrowserConfigInput {
  readonly clusterId: string;
  readonly id: string;
  readonly voters: readonly string[];
  /** Seeds the node's election timeouts; give each node (and each restart) a different one. */
  readonly seed: number;
  readonly overrides?: Partial<RaftConfig>;
}

export function browserRaftConfig(input: BrowserConfigInput): RaftConfig {
  return makeConfig({
    ...BROWSER_RAFT_DEFAULTS,
    ...input.overrides,
    clusterId: input.clusterId,
    id: input.id,
    cluster: { voters: [...input.voters] },
    seed: input.seed,
  });
}

/** A 31-bit seed from the platform's random source (not core: timers and randomness are fine here). */
export function randomSeed(): number {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.getRandomValues) return c.getRandomValues(new Uint32Array(1))[0] >>> 1;
  return Math.floor(Math.random() * 2 ** 31);
}

export function randomTag(): string {
  return randomSeed().toString(36);
}
