// Log compaction and InstallSnapshot (§7). The application hands core a snapshot at an applied
// index; the log drops that prefix. A follower whose next entry was compacted away receives the
// snapshot in chunks of `snapshotChunkBytes`, one chunk in flight at a time, resent on heartbeat.
// The leader pins the snapshot it is streaming to a follower until that transfer ends.

import type { InstallSnapshotRequest, InstallSnapshotResponse, LogIndex, NodeId, Snapshot } from './types';
import { StepContext, type Mutable } from './context';
import { compactTo, termAt } from './log';
import type { IncomingSnapshot, Progress } from './state';
import { advanceCommitIndex, sendAppend } from './replication';
import { releaseReadyReads } from './reads';
import { baseConfig, configAt, configFromLog, setConfig } from './membership';

/** CompactLog: the application's snapshot at `index` replaces the log prefix up to it. */
export function compactLog(ctx: StepContext, index: LogIndex, data: string): void {
  const s = ctx.s;
  if (!Number.isInteger(index) || index <= s.log.snapshotIndex || index > s.appliedIndex) {
    ctx.errors.push({ type: 'InvalidInput', reason: `snapshot index ${index} must be in (${s.log.snapshotIndex}, applied ${s.appliedIndex}]` });
    return;
  }
  if (typeof data !== 'string') {
    ctx.errors.push({ type: 'InvalidInput', reason: 'snapshot data must be a string' });
    return;
  }
  // The configuration at the snapshot's index, which may be older than the one in effect (§4: a
  // later, uncommitted Config entry stays in the log after the snapshot).
  const base = baseConfig(s);
  const config = configAt(s.log, index, base.config, base.index).config;
  const snapshot: Snapshot = { index, term: termAt(s.log, index) as number, config, data };
  s.snapshot = snapshot;
  s.log = compactTo(s.log, index, snapshot.term);
  ctx.persistSnapshot(snapshot);
  ctx.action('CompactLog');
}

export function snapshotNeeded(ctx: StepContext, pr: Progress): boolean {
  return pr.next <= ctx.s.log.snapshotIndex;
}

/** The index of the snapshot pinned for this follower's transfer; 0 when there is none. */
export function pinnedIndex(pr: Progress): LogIndex {
  return pr.pinnedSnapshot === null ? 0 : pr.pinnedSnapshot.index;
}

/** Ends a transfer (installed or abandoned), so the leader no longer keeps its snapshot alive. */
export function releasePinnedSnapshot(pr: Mutable<Progress>): void {
  if (pr.pinnedSnapshot === null) return;
  pr.pinnedSnapshot = null;
  pr.snapshotAckedBytes = 0;
  pr.snapshotAckedRound = 0;
}

/** Starts streaming the leader's newest snapshot to `to`, from byte 0. */
function pinNewestSnapshot(ctx: StepContext, to: NodeId, snapshot: Snapshot): Progress {
  return ctx.updateProgress(to, {
    mode: 'Snapshot', pinnedSnapshot: snapshot, snapshotAckedBytes: 0, snapshotAckedRound: ctx.leader().round,
    inflight: [], inflightBytes: 0, probeSent: false,
  });
}

/**
 * Continues the transfer to `to`, or (with `startIfNeeded`) starts one with the leader's newest
 * snapshot. A transfer under way continues with the snapshot it started with, however often the
 * leader has compacted since: once the follower installs it, it is sent the newer one if it still
 * needs it (handleInstallSnapshotResponse). Restarting at every compaction instead means that a
 * follower whose transfer outlasts the compaction interval never installs anything.
 */
export function sendSnapshotChunk(ctx: StepContext, to: NodeId, startIfNeeded: boolean): void {
  const s = ctx.s;
  let pr = ctx.progress(to);
  if (pr.mode !== 'Snapshot' || pr.pinnedSnapshot === null) {
    if (!startIfNeeded || s.snapshot === null) return;
    pr = pinNewestSnapshot(ctx, to, s.snapshot);
  }
  const snapshot = pr.pinnedSnapshot as Snapshot;
  const offset = pr.snapshotAckedBytes;
  const chunk = snapshot.data.slice(offset, offset + s.config.snapshotChunkBytes);
  ctx.action('AppendEntries');
  ctx.send({
    type: 'InstallSnapshotRequest', cluster: s.config.clusterId, from: ctx.id, to, term: s.term,
    lastIncludedIndex: snapshot.index, lastIncludedTerm: snapshot.term, lastIncludedConfig: snapshot.config,
    offset, data: chunk, done: offset + chunk.length >= snapshot.data.length, round: ctx.leader().round,
  });
}

function reply(ctx: StepContext, m: InstallSnapshotRequest, bytesReceived: number, installed: boolean): void {
  ctx.respond({
    type: 'InstallSnapshotResponse', cluster: ctx.s.config.clusterId, from: ctx.id, to: m.from, term: ctx.s.term,
    lastIncludedIndex: m.lastIncludedIndex, bytesReceived, installed, round: m.round,
  });
}

export function handleInstallSnapshotRequest(ctx: StepContext, m: InstallSnapshotRequest): void {
  const s = ctx.s;
  ctx.action('HandleInstallSnapshotRequest');
  s.leaderId = m.from;
  s.electionElapsed = 0;
  if (m.lastIncludedIndex <= s.commitIndex) {
    // Everything it covers is already committed here: nothing to install.
    reply(ctx, m, m.offset + m.data.length, true);
    return;
  }
  // A transfer is one snapshot of one leader's term (a leader sends one snapshot per index, so
  // the same bytes every time). It only moves forward: a chunk adds the bytes past those held,
  // and a duplicate or an overtaken chunk (chunk 0 included) neither adds nor discards any.
  const incoming = s.incomingSnapshot;
  let next: IncomingSnapshot;
  if (incoming === null || incoming.term !== m.term || incoming.index !== m.lastIncludedIndex) {
    // A leader moves on to newer snapshots only, so one older than the transfer held is stale.
    const older = incoming !== null && incoming.term === m.term && incoming.index > m.lastIncludedIndex;
    if (m.offset !== 0 || older) {
      reply(ctx, m, 0, false);
      return;
    }
    next = { from: m.from, term: m.term, index: m.lastIncludedIndex, lastTerm: m.lastIncludedTerm, config: m.lastIncludedConfig, data: m.data };
  } else {
    const held = incoming.data.length;
    if (m.offset > held) {
      // A gap: tell the leader where we are.
      reply(ctx, m, held, false);
      return;
    }
    next = m.offset + m.data.length > held ? { ...incoming, data: incoming.data + m.data.slice(held - m.offset) } : incoming;
  }
  s.incomingSnapshot = next;
  if (!m.done) {
    reply(ctx, m, next.data.length, false);
    return;
  }
  installSnapshot(ctx);
  reply(ctx, m, m.offset + m.data.length, true);
}

/** InstallSnapshot: replaces the log prefix (or the whole log, if it conflicts) and the state machine. */
function installSnapshot(ctx: StepContext): void {
  const s = ctx.s;
  const incoming = s.incomingSnapshot;
  if (incoming === null) return;
  const snapshot: Snapshot = { index: incoming.index, term: incoming.lastTerm, config: incoming.config, data: incoming.data };
  s.incomingSnapshot = null;
  s.snapshot = snapshot;
  s.log = compactTo(s.log, snapshot.index, snapshot.term);
  // The snapshot's configuration, unless an entry kept after it carries a later one.
  const inEffect = configFromLog(s);
  setConfig(ctx, inEffect.config, inEffect.index);
  ctx.persistSnapshot(snapshot);
  ctx.action('InstallSnapshot');
  s.commitIndex = Math.max(s.commitIndex, snapshot.index);
  if (s.appliedIndex < snapshot.index) {
    ctx.restore = snapshot;
    // Entries applied from this step's earlier outputs are superseded by the snapshot.
    if (ctx.apply.length > 0) ctx.apply.length = 0;
    s.appliedIndex = snapshot.index;
  }
  releaseReadyReads(ctx);
}

export function handleInstallSnapshotResponse(ctx: StepContext, m: InstallSnapshotResponse): void {
  const s = ctx.s;
  ctx.action('HandleInstallSnapshotResponse');
  if (s.role !== 'Leader' || m.term !== s.term || ctx.leader().progress[m.from] === undefined) return;
  let pr = ctx.progress(m.from);
  pr = ctx.updateProgress(m.from, { recentActive: true, ackedRound: Math.max(pr.ackedRound, m.round) });
  // An answer about another snapshot belongs to an earlier transfer.
  if (pr.mode !== 'Snapshot' || pinnedIndex(pr) !== m.lastIncludedIndex) return;
  if (m.installed) {
    const match = Math.max(pr.match, m.lastIncludedIndex);
    const owned = ctx.ownProgress(m.from);
    releasePinnedSnapshot(owned);
    owned.mode = 'Probe';
    owned.match = match;
    owned.next = match + 1;
    owned.probeSent = false;
    advanceCommitIndex(ctx);
    // If the leader compacted past `match` meanwhile, this starts the transfer of its newest snapshot.
    sendAppend(ctx, m.from, true);
    return;
  }
  const pinned = pr.pinnedSnapshot as Snapshot;
  const received = Math.min(m.bytesReceived, pinned.data.length);
  if (received > pr.snapshotAckedBytes) {
    ctx.updateProgress(m.from, { snapshotAckedBytes: received, snapshotAckedRound: ctx.leader().round });
    sendSnapshotChunk(ctx, m.from, false);
  } else if (received < pr.snapshotAckedBytes && m.round > pr.snapshotAckedRound) {
    // It answers a chunk sent from the acknowledged offset, yet holds less: it lost bytes it had
    // (it restarted, say). Resume from what it holds; from nothing, the newest snapshot is as
    // cheap to send as the pinned one, and the follower needs less after it.
    if (received === 0) pinNewestSnapshot(ctx, m.from, s.snapshot as Snapshot);
    else ctx.updateProgress(m.from, { snapshotAckedBytes: received, snapshotAckedRound: ctx.leader().round });
    sendSnapshotChunk(ctx, m.from, false);
  }
}
