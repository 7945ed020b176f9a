// Membership changes this tab proposed as leader (core's ProposeConfChange), each waiting for its
// configuration entry to commit. A change completes when the entry it appended is committed with
// the term it was appended in; it fails when core refuses it (ConfChangeRejected, NotLeader,
// ProposalDropped), when another entry replaces it at its index, or when it times out (then it may
// still take effect: the status panel shows the configuration in effect either way).

import type { ClusterConfig, ConfChange, Proposed, RaftError, RaftState } from '../../core';
import { termAt } from '../../core';
import { ClientError } from './pending-writes';

export interface MembershipResult {
  /** The index of the configuration entry that committed. */
  readonly index: number;
  /** The configuration in effect once it committed (joint until LeaveJoint commits, if it went through one). */
  readonly config: ClusterConfig;
}

interface Pending {
  readonly changes: readonly ConfChange[];
  readonly resolve: (r: MembershipResult) => void;
  readonly reject: (e: ClientError) => void;
  readonly deadline: number;
  index: number | null;
  term: number | null;
}

export class PendingConfChanges {
  private readonly pending = new Map<string, Pending>();

  get size(): number {
    return this.pending.size;
  }

  create(requestId: string, changes: readonly ConfChange[], now: number, timeoutMs: number): Promise<MembershipResult> {
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { changes, resolve, reject, deadline: now + timeoutMs, index: null, term: null });
    });
  }

  /** Reads one step's output: where each proposal landed, and core's refusals. */
  onOutput(proposed: readonly Proposed[], errors: readonly RaftError[]): void {
    for (const p of proposed) {
      const c = this.pending.get(p.requestId);
      if (c !== undefined) {
        c.index = p.firstIndex;
        c.term = p.term;
      }
    }
    for (const e of errors) {
      if (!('requestId' in e)) continue;
      const c = this.pending.get(e.requestId);
      if (c === undefined) continue;
      this.pending.delete(e.requestId);
      if (e.type === 'ConfChangeRejected') c.reject(new ClientError('ConfChangeRejected', `${e.reason}${e.node !== undefined ? ` (${e.node})` : ''}`));
      else if (e.type === 'NotLeader') c.reject(new ClientError('NotLeader', `this tab does not lead; ${e.leaderHint !== null ? `the leader is ${e.leaderHint}` : 'no leader is known yet'}`));
      else c.reject(new ClientError('Dropped', `core dropped the change: ${e.type}${'reason' in e ? ` ${String(e.reason)}` : ''}`));
    }
  }

  /** Completes the changes whose entry committed, and fails those whose entry was replaced. */
  onState(s: RaftState): void {
    for (const [id, c] of this.pending) {
      if (c.index === null) continue;
      const term = c.index > s.log.snapshotIndex ? termAt(s.log, c.index) : undefined;
      if (term !== undefined && term !== c.term) {
        this.pending.delete(id);
        c.reject(new ClientError('OutcomeUnknown', `the configuration entry at ${c.index} was replaced by a new leader's log`));
      } else if (s.commitIndex >= c.index) {
        this.pending.delete(id);
        c.resolve({ index: c.index, config: s.cluster });
      }
    }
  }

  expire(now: number): void {
    for (const [id, c] of this.pending) {
      if (now < c.deadline) continue;
      this.pending.delete(id);
      c.reject(new ClientError('Timeout', 'the configuration entry did not commit in time; it may still take effect'));
    }
  }

  rejectAll(error: ClientError): void {
    for (const c of this.pending.values()) c.reject(error);
    this.pending.clear();
  }
}
