// The writes one tab's client has in flight, numbered for the KV state machine's client session
// (dissertation §6.3). A write completes when this tab's own state machine applies it: every
// committed entry reaches every replica, so there is no need to hear back from the leader, and a
// retry after a lost forward or a leader change is harmless (the session spots the duplicate).

import type { AppliedCommand } from '../app/replicated-machine';
export type ClientErrorCode =
  /** The command could not be encoded into an entry; nothing was sent. */
  | 'BadCommand'
  /** A key-value call on a node that replicates another state machine. */
  | 'NotKeyValue'
  /** The write may or may not have taken effect (a retry found the session already past it). */
  | 'OutcomeUnknown'
  /** Not completed within the operation timeout; it may still take effect later. */
  | 'Timeout'
  /** The node stopped (crash, partition of storage) with the operation in flight. */
  | 'NodeStopped'
  /** A membership change asked of a tab that does not lead (changes are proposed by the leader). */
  | 'NotLeader'
  /** Core refused a membership change (core's ConfChangeRejected reason follows). */
  | 'ConfChangeRejected'
  /** Core dropped a membership change (a leadership transfer was under way, say). */
  | 'Dropped';

export class ClientError extends Error {
  override readonly name = 'ClientError';
  constructor(readonly code: ClientErrorCode, message: string) {
    super(`${code}: ${message}`);
  }
}

interface PendingWrite {
  readonly seq: number;
  readonly data: string;
  readonly kind: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: ClientError) => void;
  readonly deadline: number;
  /** When it was last handed to a leader (or proposed locally); -Infinity: never. */
  lastSentAt: number;
}

export interface Completion {
  readonly seq: number;
  readonly outcome: 'ok' | 'unknown';
}

export class PendingWrites {
  private nextSeq = 1;
  /** In seq order: Map keeps insertion order and seqs are inserted increasing. */
  private readonly pending = new Map<number, PendingWrite>();
  /** Created but not yet sent: drained by every flush without scanning the whole map. */
  private fresh: PendingWrite[] = [];

  constructor(readonly clientId: string) {}

  get size(): number {
    return this.pending.size;
  }

  /** `encode(seq)` gives the entry data of this write in this session (see MachineKind.encode). */
  create(encode: (seq: number) => string, kind: string, now: number, timeoutMs: number): { seq: number; data: string; promise: Promise<unknown> } {
    const seq = this.nextSeq++;
    const data = encode(seq);
    let resolve!: (r: unknown) => void;
    let reject!: (e: ClientError) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const write: PendingWrite = { seq, data, kind, resolve, reject, deadline: now + timeoutMs, lastSentAt: -Infinity };
    this.pending.set(seq, write);
    this.fresh.push(write);
    return { seq, data, promise };
  }

  /** Settles the write this applied entry belongs to, if it is one of ours and still pending. */
  onApplied(applied: AppliedCommand): Completion | null {
    if (applied.client !== this.clientId) return null;
    const write = this.pending.get(applied.seq);
    if (write === undefined) return null;
    this.pending.delete(write.seq);
    if (applied.stale) {
      // The session moved past this seq without us seeing it apply (a snapshot covered it, or it
      // was lost while a later one committed): we cannot tell which.
      write.reject(new ClientError('OutcomeUnknown', `write ${write.seq} was overtaken by a later one of the same session`));
      return { seq: write.seq, outcome: 'unknown' };
    }
    write.resolve(applied.result);
    return { seq: write.seq, outcome: 'ok' };
  }

  /** Commands created since the last call, in seq order; marks them sent at `now`. */
  takeFresh(now: number): string[] {
    const out: string[] = [];
    for (const w of this.fresh) {
      if (!this.pending.has(w.seq) || w.lastSentAt !== -Infinity) continue;
      w.lastSentAt = now;
      out.push(w.data);
    }
    this.fresh = [];
    return out;
  }

  /**
   * Commands to (re)send, a scan for the retry timer, in seq order: those never sent, and those sent longer than `retryMs`
   * ago (all of them when `everything`, e.g. after a leader change). Marks them sent at `now`.
   */
  takeForSending(now: number, retryMs: number, everything = false): string[] {
    const out: string[] = [];
    for (const w of this.pending.values()) {
      if (everything || now - w.lastSentAt >= retryMs) {
        w.lastSentAt = now;
        out.push(w.data);
      }
    }
    return out;
  }

  /** Lets the given commands go out again at the next send (their forward was rejected). */
  markUnsent(data: readonly string[]): void {
    const wanted = new Set(data);
    for (const w of this.pending.values()) {
      if (wanted.has(w.data)) {
        w.lastSentAt = -Infinity;
        this.fresh.push(w);
      }
    }
  }

  /** Rejects writes past their deadline; returns their completions. */
  expire(now: number): Completion[] {
    const done: Completion[] = [];
    for (const w of this.pending.values()) {
      if (now < w.deadline) continue;
      this.pending.delete(w.seq);
      w.reject(new ClientError('Timeout', `write ${w.seq} (${w.kind}) not applied within its timeout`));
      done.push({ seq: w.seq, outcome: 'unknown' });
    }
    return done;
  }

  rejectAll(error: ClientError): Completion[] {
    const done: Completion[] = [];
    for (const w of this.pending.values()) {
      w.reject(error);
      done.push({ seq: w.seq, outcome: 'unknown' });
    }
    this.pending.clear();
    this.fresh = [];
    return done;
  }
}
