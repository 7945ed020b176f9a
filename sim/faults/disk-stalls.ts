// Disk stalls: for a while every fsync a node issues completes only when the stall ends (a device
// flushing its cache, a saturated volume, a hiccup of network storage). Until these, the simulated
// disk always synced within 0.5 to 8 ms, less than a round trip plus a follower's own fsync, so a
// leader's write was always durable before its followers' acknowledgements of the same entries
// came back. Bugs that act on followers' acknowledgements while the leader's own write is still at
// risk were then out of reach: among them a commit of an old-term entry by counting replicas
// (Figure 8), which is only wrong while the leader's no-op of its own term is not yet durable on
// itself (checkers/commit-protection.ts judges exactly that moment).

import type { TimedFault } from './types';

/** Stalls are a fraction of the class's episode length: tens to a few hundred ms in a default run. */
export const DISK_STALL_DURATION_SCALE = 0.5;
/**
 * Gaps between one node's stalls, against the class's gap: each disk is stalled about a third of
 * the time, so that a stall often overlaps the moment its node wins an election.
 */
export const DISK_STALL_GAP_SCALE = 0.5;

/** One stall of `node` from `atMs` for `durationMs` (at least 1 ms). */
export function diskStall(node: string, atMs: number, durationMs: number): TimedFault {
  return { atMs, kind: 'diskStall', node, durationMs: Math.max(1, Math.round(durationMs)) };
}

/** When `node`'s next fsync, issued now and due at `dueAtMs`, completes, given its stall (if any). */
export function stalledSyncAtMs(dueAtMs: number, stalledUntilMs: number): number {
  return Math.max(dueAtMs, stalledUntilMs);
}
