// Log compaction and InstallSnapshot (§7). The application hands core a snapshot at an applied
// index; the log drops that prefix. A follower whose next entry was compacted away receives the
// snapshot in chunks of `snapshotChunkBytes`, one chunk in flight at a time, resent on heartbeat.

import type { InstallSnapshotRequest, InstallSnapshotResponse, LogIndex, NodeId, Snapshot } from './types';
import { StepContext } from './context';
import { compactTo, termAt } from './log';
import type { Progress } from './state';
import { advanceCommitIndex, sendAppend } from './replication';
import { releaseReadyReads } from './reads';

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
  const snapshot: Snapshot = { index, term: termAt(s.log, index) as number, config: s.cluster, data };
  s.snapshot = snapshot;
  s.log = compactTo(s.log, index, snapshot.term);
  ctx.persistSnapshot(snapshot);
  ctx.action('CompactLog');
}

export function snapshotNeeded(ctx: StepContext, pr: Progress): boolean {
  return pr.next <= ctx.s.log.snapshotIndex;
}

/** Starts or continues streaming the leader's snapshot to `to`. */
export function sendSnapshotChunk(ctx: StepContext, to: NodeId, startIfNeeded: boolean): void {
  const s = ctx.s;
  const snapshot = s.snapshot;
  if (snapshot === null) return;
  let pr = ctx.progress(to);
  if (pr.mode !== 'Snapshot' || pr.snapshotIndex !== snapshot.index) {
    if (!startIfNeeded && pr.mode !== 'Snapshot') return;
    pr = ctx.updateProgress(to, {
      mode: 'Snapshot', snapshotIndex: snapshot.index, snapshotAckedBytes: 0, inflight: [], inflightBytes: 0, probeSent: false,
    });
  }
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
  const incoming = s.incomingSnapshot;
  const continues = incoming !== null && incoming.index === m.lastIncludedIndex && incoming.term === m.term && incoming.data.length === m.offset;
  if (m.offset === 0) {
    s.incomingSnapshot = { from: m.from, term: m.term, index: m.lastIncludedIndex, lastTerm: m.lastIncludedTerm, config: m.lastIncludedConfig, data: m.data };
  } else if (continues) {
    s.incomingSnapshot = { ...incoming, data: incoming.data + m.data };
  } else {
    // Out of order or from an older transfer: tell the leader where we are.
    const have = incoming !== null && incoming.index === m.lastIncludedIndex ? incoming.data.length : 0;
    reply(ctx, m, have, false);
    return;
  }
  if (!m.done) {
    reply(ctx, m, s.incomingSnapshot.data.length, false);
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
  s.cluster = snapshot.config;
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
  if (s.role !== 'Leader' || m.term !== s.term) return;
  let pr = ctx.progress(m.from);
  pr = ctx.updateProgress(m.from, { recentActive: true, ackedRound: Math.max(pr.ackedRound, m.round) });
  if (pr.mode !== 'Snapshot' || pr.snapshotIndex !== m.lastIncludedIndex) return;
  if (m.installed) {
    const match = Math.max(pr.match, m.lastIncludedIndex);
    ctx.updateProgress(m.from, { mode: 'Probe', match, next: match + 1, probeSent: false, snapshotAckedBytes: 0 });
    advanceCommitIndex(ctx);
    sendAppend(ctx, m.from, true);
    return;
  }
  if (m.bytesReceived !== pr.snapshotAckedBytes) {
    ctx.updateProgress(m.from, { snapshotAckedBytes: Math.min(m.bytesReceived, s.snapshot?.data.length ?? 0) });
    sendSnapshotChunk(ctx, m.from, false);
  }
}
