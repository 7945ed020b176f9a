// Leadership transfer (§3.10): the leader stops taking proposals, brings the target's log up to
// date, then tells it to start an election at once with TimeoutNow. If the target has not taken
// over within an election timeout, the transfer is abandoned and proposals resume.

import type { NodeId, TimeoutNowRequest } from './types';
import { StepContext } from './context';
import { lastIndex } from './log';
import { isVoter } from './quorum';
import { sendAppend } from './replication';
import { startElection } from './election';

export function transferLeadership(ctx: StepContext, to: NodeId): void {
  const s = ctx.s;
  ctx.action('TransferLeadership');
  const reject = (reason: string): void => {
    ctx.errors.push({ type: 'TransferRejected', to, reason });
  };
  if (s.role !== 'Leader') return reject('not leader');
  if (to === ctx.id) return reject('already leader');
  if (!isVoter(s.cluster, to)) return reject('target is not a voter');
  const current = ctx.leader().transfer;
  if (current !== null && current.to === to) return;
  if (current !== null) ctx.errors.push({ type: 'TransferAborted', to: current.to });
  ctx.updateLeader({ transfer: { to, startedAt: s.tick } });
  // Entries the target lacks go now if flow control allows; never an empty append, which teaches
  // a target with everything in flight nothing (the next heartbeat probes one in Probe mode).
  if (!maybeSendTimeoutNow(ctx, to)) sendAppend(ctx, to, false);
}

/** Sends TimeoutNow once the transfer target's log matches ours. */
export function maybeSendTimeoutNow(ctx: StepContext, id: NodeId): boolean {
  const s = ctx.s;
  const transfer = ctx.leader().transfer;
  if (transfer === null || transfer.to !== id) return false;
  if (ctx.progress(id).match !== lastIndex(s.log)) return false;
  ctx.updateLeader({ leaseRevoked: true });
  ctx.send({ type: 'TimeoutNowRequest', cluster: s.config.clusterId, from: ctx.id, to: id, term: s.term });
  return true;
}

/** Called on every leader tick: a transfer that has not finished within an election timeout aborts. */
export function expireTransfer(ctx: StepContext): void {
  const transfer = ctx.leader().transfer;
  if (transfer === null || ctx.s.tick - transfer.startedAt < ctx.s.config.electionTimeoutTicks) return;
  ctx.updateLeader({ transfer: null });
  ctx.errors.push({ type: 'TransferAborted', to: transfer.to });
}

export function handleTimeoutNowRequest(ctx: StepContext, m: TimeoutNowRequest): void {
  ctx.action('HandleTimeoutNowRequest');
  if (ctx.s.role === 'Leader' || m.from !== ctx.s.leaderId || !isVoter(ctx.s.cluster, ctx.id)) return;
  startElection(ctx, true);
}
