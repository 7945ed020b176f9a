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
// (docs/mutation.md, theme client-errors-unchecked). And an impatient operator asks again a few
// milliseconds later, for the same target or another, while the first transfer is usually still
// pending: a repeat must change nothing, a replacement must report the transfer it aborts. A
// transfer ends within a round trip when its target is caught up, so requests spaced by the mean
// interval alone almost never meet a pending one.

import type { Rng } from '../random/rng';
import type { ClientTimer, ClusterPort } from './cluster-port';

/** The share of the operator's requests that are mistakes, and the mistakes, drawn alike. */
const MISTAKE_SHARE = 0.25;
const MISTAKES = ['askFollower', 'toItself', 'toStranger'] as const;
/** The share of genuine requests asked again (same target or another), and how soon: within a few network delays. */
const FOLLOW_UP_SHARE = 0.4;
const FOLLOW_UP_MIN_MS = 0.2;
const FOLLOW_UP_MAX_MS = 6;

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

  onTimer(nowMs: number, timer: ClientTimer = { kind: 'Transfer' }): void {
    if (nowMs >= this.stopAtMs) return;
    if (timer.kind === 'Transfer' && timer.followUp !== undefined) {
      // Asked of the node that led when the first request was made, whether or not it still leads.
      this.port.transferLeadership(timer.followUp.from, timer.followUp.to);
      return;
    }
    // Every draw happens whether or not there is a leader, so the operator's timeline does not depend on the run.
    const pick = this.rng.int(0, Math.max(1, this.port.nodeIds.length - 1));
    const mistake = this.rng.chance(MISTAKE_SHARE) ? MISTAKES[this.rng.int(0, MISTAKES.length)] : null;
    const followUpAfterMs = this.rng.chance(FOLLOW_UP_SHARE) ? this.rng.between(FOLLOW_UP_MIN_MS, FOLLOW_UP_MAX_MS) : null;
    const sameTarget = this.rng.chance(0.5);
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
      if (followUpAfterMs !== null && nowMs + followUpAfterMs < this.stopAtMs) {
        const to = sameTarget ? target : others[(pick + 1) % others.length];
        this.port.schedule(nowMs + followUpAfterMs, { kind: 'Transfer', followUp: { from: leader, to } });
      }
    }
  }

  private scheduleNext(nowMs: number): void {
    const atMs = nowMs + Math.max(1, this.rng.exponential(this.meanMs));
    if (atMs < this.stopAtMs) this.port.schedule(atMs, { kind: 'Transfer' });
  }
}
