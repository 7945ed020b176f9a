// Reading traces back. Every reader (replay, shrink, TLA+ validation, the browser merge and
// checkers) goes through TraceScanner, one line at a time, so all of them agree on what a
// complete, well-formed trace is (docs/trace-format.md). A problem is a typed error naming the
// line, never a crash or a silently partial read; a trace without its End line is incomplete.

import { createHash } from 'node:crypto';
import { TRACE_FORMAT, type TraceEnd, type TraceHeader } from './format';

export class TraceFormatError extends Error {
  override readonly name: string = 'TraceFormatError';
  /** `line` counts from 0 (the header); the message says line + 1, as editors number lines. */
  constructor(readonly line: number, message: string) {
    super(`trace line ${line + 1}: ${message}`);
  }
}

/** The trace stops before its End line: its writer was stopped, or the file was cut since. */
export class TraceIncompleteError extends TraceFormatError {
  override readonly name: string = 'TraceIncompleteError';
}

/** The header names an older format, written before traces had an End line. */
export class TraceVersionError extends TraceFormatError {
  override readonly name: string = 'TraceVersionError';
}

/** The End line disagrees with the lines before it: lines were lost, added or edited. */
export class TraceChecksumError extends TraceFormatError {
  override readonly name: string = 'TraceChecksumError';
}

/** An event's index `i` is not its line number: lines were lost or reordered. */
export class TraceLineOrderError extends TraceFormatError {
  override readonly name: string = 'TraceLineOrderError';
}

export type ScannedLine =
  | { readonly kind: 'header'; readonly index: number; readonly text: string; readonly value: TraceHeader }
  | { readonly kind: 'event'; readonly index: number; readonly text: string; readonly value: Record<string, unknown> }
  | { readonly kind: 'end'; readonly index: number; readonly text: string; readonly value: TraceEnd };

const FORMAT_VERSION = /^raftbed-trace\/(\d+)$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Lines are hashed in batches of about this many characters: one hash update per line is slow. */
const HASH_BATCH_CHARS = 1 << 16;

/**
 * Checks a trace one line at a time, in order, holding only a running hash: the same checks for a
 * trace in memory (parseTrace) and a file of any length (TraceFileReader).
 *
 * Accepted as written by other tools: a byte-order mark before the header and CRLF line endings.
 * Both are removed before checking and hashing: the End line's hash covers the lines' text, each
 * followed by "\n", which is the exact bytes of every raftbed writer's output.
 */
export class TraceScanner {
  private next = 0;
  private header: TraceHeader | null = null;
  private end: TraceEnd | null = null;
  private readonly hash = createHash('sha256');
  private unhashed = '';

  /** Checks line `this.next` (given without its "\n"); `terminated` says whether a "\n" followed it. */
  line(raw: string, terminated: boolean): ScannedLine {
    const index = this.next++;
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (index === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (this.end !== null) throw new TraceFormatError(index, 'a line after the End line (two traces joined, or text appended to a complete trace)');
    const value = parseObject(index, text, terminated);
    if (index === 0) {
      this.header = checkHeader(value);
      this.hashLine(text);
      return { kind: 'header', index, text, value: this.header };
    }
    if (value.type === 'End') {
      this.end = this.checkEnd(index, value);
      return { kind: 'end', index, text, value: this.end };
    }
    if (value.i !== index) {
      throw new TraceLineOrderError(index, `event index ${JSON.stringify(value.i)} where ${index} was expected (a line is missing or out of order)`);
    }
    if (typeof value.t !== 'number' || typeof value.ev !== 'string') throw new TraceFormatError(index, 'an event needs a numeric t and a string ev');
    this.hashLine(text);
    return { kind: 'event', index, text, value };
  }

  /** After the last line: the header and End line, or TraceIncompleteError if the End line never came. */
  finish(): { readonly header: TraceHeader; readonly end: TraceEnd } {
    if (this.header === null) throw new TraceIncompleteError(0, 'empty trace: no header (its writer stopped before writing anything)');
    if (this.end === null) {
      throw new TraceIncompleteError(this.next, `incomplete trace: it stops after ${this.next === 1 ? 'its header' : `event ${this.next - 1}`} without the End line a complete trace ends with (its writer was stopped, or the file was cut): regenerate it`);
    }
    return { header: this.header, end: this.end };
  }

  private hashLine(text: string): void {
    this.unhashed += text + '\n';
    if (this.unhashed.length >= HASH_BATCH_CHARS) {
      this.hash.update(this.unhashed);
      this.unhashed = '';
    }
  }

  private checkEnd(index: number, v: Record<string, unknown>): TraceEnd {
    if (!Number.isSafeInteger(v.events) || (v.events as number) < 0 || typeof v.sha256 !== 'string' || !SHA256_HEX.test(v.sha256)) {
      throw new TraceFormatError(index, 'the End line needs an events count and a sha256 of 64 lowercase hex digits');
    }
    const events = index - 1;
    if (v.events !== events) {
      throw new TraceChecksumError(index, `the End line counts ${v.events as number} events, but ${events} precede it: lines were lost or added`);
    }
    this.hash.update(this.unhashed);
    this.unhashed = '';
    if (this.hash.digest('hex') !== v.sha256) {
      throw new TraceChecksumError(index, 'the lines before the End line do not hash to its sha256: the trace was edited or damaged after it was written');
    }
    return { type: 'End', events, sha256: v.sha256 };
  }
}

function parseObject(index: number, text: string, terminated: boolean): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    // Only the last line can lack its "\n": a writer stopped mid-line, or a file cut there.
    if (!terminated) throw new TraceIncompleteError(index, 'incomplete trace: the last line is cut off mid-line (its writer was stopped, or the file was cut): regenerate it');
    throw new TraceFormatError(index, 'not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TraceFormatError(index, 'not a JSON object');
  return v as Record<string, unknown>;
}

function checkHeader(header: Record<string, unknown>): TraceHeader {
  if (header.type !== 'header') throw new TraceFormatError(0, 'the first line must be the header');
  if (header.format !== TRACE_FORMAT) {
    const version = typeof header.format === 'string' ? FORMAT_VERSION.exec(header.format)?.[1] : undefined;
    if (version !== undefined && Number(version) < Number(FORMAT_VERSION.exec(TRACE_FORMAT)?.[1])) {
      throw new TraceVersionError(0,
        `format ${header.format} is older than ${TRACE_FORMAT}: it has no End line, so whether it is complete cannot be told. `
        + 'Regenerate it: a simulator trace with the `raftbed run ... --trace FILE` that wrote it (the header holds its seed and config), a browser trace by exporting it again');
    }
    throw new TraceFormatError(0, `unsupported format ${JSON.stringify(header.format)} (expected ${TRACE_FORMAT})`);
  }
  if (!Array.isArray(header.nodes) || !header.nodes.every((n) => typeof n === 'string')) throw new TraceFormatError(0, 'header.nodes must list node ids');
  return header as unknown as TraceHeader;
}

export interface ParsedTrace {
  readonly header: TraceHeader;
  /** The header and event lines as written (without BOM or "\r"), for byte comparisons; not the End line. */
  readonly lines: readonly string[];
  readonly events: readonly Record<string, unknown>[];
  readonly end: TraceEnd;
}

/** Reads a whole trace held in memory; throws a TraceFormatError (or one of its kinds) naming the line. */
export function parseTrace(text: string): ParsedTrace {
  const scanner = new TraceScanner();
  const raw = text.split('\n');
  const endsWithNewline = raw[raw.length - 1] === '';
  if (endsWithNewline) raw.pop();
  const lines: string[] = [];
  const events: Record<string, unknown>[] = [];
  for (let k = 0; k < raw.length; k++) {
    const line = scanner.line(raw[k], k < raw.length - 1 || endsWithNewline);
    if (line.kind !== 'end') lines.push(line.text);
    if (line.kind === 'event') events.push(line.value);
  }
  const { header, end } = scanner.finish();
  return { header, lines, events, end };
}
