// Where trace lines go. Building a line costs an allocation and a JSON.stringify, so a run
// without a trace uses NO_TRACE and the simulator skips building events at all.

import { createHash, type Hash } from 'node:crypto';
import type { TraceEvent, TraceHeader } from './format';

export type TraceEventBody = TraceEvent extends infer E ? (E extends unknown ? Omit<E, 'i' | 't'> : never) : never;

export interface TraceSink {
  readonly enabled: boolean;
  header(header: TraceHeader): void;
  event(timeMs: number, body: TraceEventBody): void;
  /** Lines written so far, counting the header as line 0. */
  readonly lines: number;
}

export const NO_TRACE: TraceSink = { enabled: false, header() {}, event() {}, lines: 0 };

/** Keeps every line in memory and a running SHA-256 of the bytes, for replay comparisons. */
export class MemoryTrace implements TraceSink {
  readonly enabled = true;
  readonly text: string[] = [];
  private readonly hash: Hash = createHash('sha256');
  private count = 0;

  constructor(private readonly keep = true) {}

  get lines(): number {
    return this.count;
  }

  private write(line: string): void {
    this.hash.update(line);
    this.hash.update('\n');
    if (this.keep) this.text.push(line);
    this.count++;
  }

  header(header: TraceHeader): void {
    this.write(JSON.stringify(header));
  }

  event(timeMs: number, body: TraceEventBody): void {
    // Round virtual time to microseconds so that the text never depends on float formatting noise.
    this.write(JSON.stringify({ i: this.count, t: Math.round(timeMs * 1000) / 1000, ...body }));
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }

  ndjson(): string {
    return this.text.join('\n') + '\n';
  }
}
