// An operator who now and then asks the leader to hand leadership to another node (core's
// TransferLeadership input, §3.10), as one would before taking a machine down. The target is any
// other node, up or not: a transfer to a node that cannot campaign must be aborted cleanly too.
// It stops when the faults stop, because a transfer is a disturbance: the liveness checks that
// follow expect a settled leader.
//
// Operators also make mistakes, and core's answers to them are part of its contract (a typed
// TransferRejected with its reason, nothing else changed): a share of the requests is invalid, asked
// of a node that is not leader, for the leader itself, or for a node outside the configuration in
// effect (removed, or not yet added). Without them the rejections were never exercised
// (docs/mutation.md, theme client-errors-unchecked).

import type { Rng } from '../random/rng';
import type { ClusterPort } from './cluster-port';

/** The share of the operator's requests that are mistakes, and the mistakes, drawn alike. */
const MISTAKE_SHARE = 0.25;
const MISTAKES = ['askFollower', 'toItself', 'toStranger'] as const;

export class TransferOperator {
  constructor(
    private readonly meanMs: number,
    private readonly rng: Rng,
    private readonly stopAtMs: number,
    private readonly port: Pick<ClusterPort, 'nodeIds' | 'members' | 'leader' | 'transferLeadership' | 'schedule'>,
  ) {}

  start(nowMs: number): void {
    this.scheduleNext(nowMs);
  }

  onTimer(nowMs: number): void {
    if (nowMs >= this.stopAtMs) return;
    // Every draw happens whether or not there is a leader, so the operator's timeline does not depend on the run.
    const pick = this.rng.int(0, Math.max(1, this.port.nodeIds.length - 1));
    const mistake = this.rng.chance(MISTAKE_SHARE) ? MISTAKES[this.rng.int(0, MISTAKES.length)] : null;
    this.scheduleNext(nowMs);
    const leader = this.port.leader();
    if (leader === null) return;
    const others = this.port.nodeIds.filter((n) => n !== leader);
    if (others.length === 0) return;
    const target = others[pick % others.length];
    if (mistake === 'askFollower') {
      // Asked of a node that does not lead (it may be down: then the request is lost, as a client's would be).
      this.port.transferLeadership(target, others[(pick + 1) % others.length]);
    } else if (mistake === 'toItself') {
      this.port.transferLeadership(leader, leader);
    } else if (mistake === 'toStranger') {
      const members = this.port.members();
      const strangers = others.filter((n) => !members.includes(n));
      // Every node is a member: a request for the leader itself is the mistake left to make.
      this.port.transferLeadership(leader, strangers.length === 0 ? leader : strangers[pick % strangers.length]);
    } else {
      this.port.transferLeadership(leader, target);
    }
  }

  private scheduleNext(nowMs: number): void {
    const atMs = nowMs + Math.max(1, this.rng.exponential(this.meanMs));
    if (atMs < this.stopAtMs) this.port.schedule(atMs, { kind: 'Transfer' });
  }
}
