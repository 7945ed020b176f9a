// Where trace lines go. Building a line costs an allocation and a JSON.stringify, so a run
// without a trace uses NO_TRACE and the simulator skips building events at all.
//
// Every sink that takes lines formats them here, and keeps the count and running SHA-256 that the
// End line needs (docs/trace-format.md): the same run gives the same bytes, End line included,
// whichever sink wrote them.

import { createHash } from 'node:crypto';
import { formatEndLine, type TraceEvent, type TraceHeader } from './format';

export type TraceEventBody = TraceEvent extends infer E ? (E extends unknown ? Omit<E, 'i' | 't'> : never) : never;

export interface TraceSink {
  readonly enabled: boolean;
  header(header: TraceHeader): void;
  event(timeMs: number, body: TraceEventBody): void;
  /** Lines written so far, counting the header as line 0. */
  readonly lines: number;
}

export const NO_TRACE: TraceSink = { enabled: false, header() {}, event() {}, lines: 0 };

/** Lines are hashed in batches of about this many characters: one hash update per line is slow. */
const HASH_BATCH_CHARS = 1 << 16;

/** Formats the lines, numbers them, and hashes them for the End line; subclasses say where they go. */
export abstract class LineSink implements TraceSink {
  readonly enabled = true;
  private count = 0;
  private readonly hash = createHash('sha256');
  private unhashed = '';

  get lines(): number {
    return this.count;
  }

  header(header: TraceHeader): void {
    this.add(JSON.stringify(header));
  }

  event(timeMs: number, body: TraceEventBody): void {
    // Round virtual time to microseconds so that the text never depends on float formatting noise.
    this.add(JSON.stringify({ i: this.count, t: Math.round(timeMs * 1000) / 1000, ...body }));
  }

  /** The End line that completes the lines so far. */
  endLine(): string {
    if (this.count === 0) throw new Error('a trace needs its header before its End line');
    return formatEndLine(this.count - 1, this.contentHash().digest('hex'));
  }

  /** SHA-256 of the complete trace's bytes, End line included: what sha256sum prints for its file. */
  digest(): string {
    return this.contentHash().update(`${this.endLine()}\n`).digest('hex');
  }

  /** Takes line number `index` (0 is the header); called once per line, in order. */
  protected abstract emit(line: string, index: number): void;

  private add(line: string): void {
    const index = this.count++;
    this.unhashed += `${line}\n`;
    if (this.unhashed.length >= HASH_BATCH_CHARS) {
      this.hash.update(this.unhashed);
      this.unhashed = '';
    }
    this.emit(line, index);
  }

  private contentHash() {
    return this.hash.copy().update(this.unhashed);
  }
}

/** Keeps every line in memory (or none, when only the count and digest are wanted). */
export class MemoryTrace extends LineSink {
  /** The header and event lines, without the End line (empty unless kept). */
  readonly text: string[] = [];

  constructor(private readonly keep = true) {
    super();
  }

  protected emit(line: string): void {
    if (this.keep) this.text.push(line);
  }

  /** The complete trace as NDJSON, End line included. */
  ndjson(): string {
    if (!this.keep) throw new Error('this MemoryTrace keeps no lines: construct it with keep = true');
    return `${this.text.join('\n')}\n${this.endLine()}\n`;
  }
}

/** A complete trace from header and event lines (for a prefix of a trace, or a test's own lines). */
export function completeTrace(lines: readonly string[]): string {
  if (lines.length === 0) throw new Error('a trace needs its header');
  const body = `${lines.join('\n')}\n`;
  return `${body}${formatEndLine(lines.length - 1, createHash('sha256').update(body).digest('hex'))}\n`;
}
