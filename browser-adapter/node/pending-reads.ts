// Linearizable reads in flight (ReadIndex, §6.4). Core answers a Read with a ReadResult once the
// state machine has applied the read index, or with ReadFailed. A read forwarded to a leader that
// then vanished is never answered, so each attempt gets its own request id and is retried (under
// a new id) after `retryMs`; answers to an abandoned id are ignored.

import { ClientError } from './pending-writes';

interface PendingRead {
  readonly key: string;
  readonly resolve: (value: string | null) => void;
  readonly reject: (error: ClientError) => void;
  readonly deadline: number;
  requestId: string;
  issuedAt: number;
}

export class PendingReads {
  private counter = 0;
  private readonly byRequest = new Map<string, PendingRead>();

  constructor(private readonly prefix: string) {}

  get size(): number {
    return this.byRequest.size;
  }

  create(key: string, now: number, timeoutMs: number): { requestId: string; promise: Promise<string | null> } {
    let resolve!: (v: string | null) => void;
    let reject!: (e: ClientError) => void;
    const promise = new Promise<string | null>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const requestId = this.nextId();
    this.byRequest.set(requestId, { key, resolve, reject, deadline: now + timeoutMs, requestId, issuedAt: now });
    return { requestId, promise };
  }

  private nextId(): string {
    return `${this.prefix}r${++this.counter}`;
  }

  /** Completes the read answered by `requestId` with the value `lookup` gives for its key. */
  complete(requestId: string, lookup: (key: string) => string | null): boolean {
    const read = this.byRequest.get(requestId);
    if (read === undefined) return false;
    this.byRequest.delete(requestId);
    read.resolve(lookup(read.key));
    return true;
  }

  /** Re-keys reads that failed or went unanswered; returns the new request ids to issue. */
  reissue(requestIds: readonly string[], now: number): string[] {
    const out: string[] = [];
    for (const old of requestIds) {
      const read = this.byRequest.get(old);
      if (read === undefined) continue;
      this.byRequest.delete(old);
      read.requestId = this.nextId();
      read.issuedAt = now;
      this.byRequest.set(read.requestId, read);
      out.push(read.requestId);
    }
    return out;
  }

  /** Request ids issued more than `retryMs` ago and not answered. */
  unanswered(now: number, retryMs: number): string[] {
    const out: string[] = [];
    for (const read of this.byRequest.values()) if (now - read.issuedAt >= retryMs) out.push(read.requestId);
    return out;
  }

  expire(now: number): number {
    let n = 0;
    for (const read of [...this.byRequest.values()]) {
      if (now < read.deadline) continue;
      this.byRequest.delete(read.requestId);
      read.reject(new ClientError('Timeout', `read of ${JSON.stringify(read.key)} not served within its timeout`));
      n++;
    }
    return n;
  }

  rejectAll(error: ClientError): void {
    for (const read of this.byRequest.values()) read.reject(error);
    this.byRequest.clear();
  }
}
