// An operator who now and then asks the leader to hand leadership to another node (core's
// TransferLeadership input, §3.10), as one would before taking a machine down. The target is any
// other node, up or not: a transfer to a node that cannot campaign must be aborted cleanly too.
// It stops when the faults stop, because a transfer is a disturbance: the liveness checks that
// follow expect a settled leader.

import type { Rng } from '../random/rng';
import type { ClusterPort } from './cluster-port';

export class TransferOperator {
  constructor(
    private readonly meanMs: number,
    private readonly rng: Rng,
    private readonly stopAtMs: number,
    private readonly port: Pick<ClusterPort, 'nodeIds' | 'leader' | 'transferLeadership' | 'schedule'>,
  ) {}

  start(nowMs: number): void {
    this.scheduleNext(nowMs);
  }

  onTimer(nowMs: number): void {
    if (nowMs >= this.stopAtMs) return;
    // Both draws happen whether or not there is a leader, so the operator's timeline does not depend on the run.
    const pick = this.rng.int(0, Math.max(1, this.port.nodeIds.length - 1));
    this.scheduleNext(nowMs);
    const leader = this.port.leader();
    if (leader === null) return;
    const others = this.port.nodeIds.filter((n) => n !== leader);
    if (others.length === 0) return;
    this.port.transferLeadership(leader, others[pick % others.length]);
  }

  private scheduleNext(nowMs: number): void {
    const atMs = nowMs + Math.max(1, this.rng.exponential(this.meanMs));
    if (atMs < this.stopAtMs) this.port.schedule(atMs, { kind: 'Transfer' });
  }
}
