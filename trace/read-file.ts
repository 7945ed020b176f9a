// Reading a trace file of any length line by line, with the checks of TraceScanner, in memory
// bounded by the longest line. Synchronous on purpose: replay pulls the next expected line from
// inside the (synchronous) simulation.

import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { TraceEnd, TraceHeader } from './format';
import { TraceScanner, type ScannedLine } from './read';

const DEFAULT_CHUNK_BYTES = 1 << 20;

export class TraceFileReader {
  private fd: number | null;
  private readonly scanner = new TraceScanner();
  private readonly decoder = new StringDecoder('utf8');
  private readonly chunk: Buffer;
  private queue: string[] = [];
  private queued = 0;
  /** Text after the last "\n" read so far: the start of a line whose end is not read yet. */
  private partial = '';
  private atEof = false;
  private done = false;

  /** `chunkBytes`: how much is read at a time (tests make it tiny to cut lines and characters). */
  constructor(readonly path: string, chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.chunk = Buffer.allocUnsafe(chunkBytes);
    this.fd = openSync(path, 'r');
  }

  /**
   * The next line, checked (header, events, then the End line); null once the End line was the
   * last line of the file. Throws the scanner's typed errors, TraceIncompleteError included.
   */
  next(): ScannedLine | null {
    for (;;) {
      if (this.done) return null;
      if (this.queued < this.queue.length) return this.scanner.line(this.queue[this.queued++], true);
      if (this.atEof) {
        if (this.partial !== '') {
          const last = this.partial;
          this.partial = '';
          return this.scanner.line(last, false);
        }
        this.done = true;
        this.scanner.finish();
        return null;
      }
      this.fill();
    }
  }

  /** Reads to the end, checking every line; the header and End line of a complete trace. */
  readToEnd(): { readonly header: TraceHeader; readonly end: TraceEnd } {
    try {
      while (this.next() !== null);
      return this.scanner.finish();
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private fill(): void {
    const bytes = this.fd === null ? 0 : readSync(this.fd, this.chunk, 0, this.chunk.length, null);
    if (bytes === 0) {
      this.partial += this.decoder.end();
      this.atEof = true;
      this.close();
      return;
    }
    const lines = (this.partial + this.decoder.write(this.chunk.subarray(0, bytes))).split('\n');
    this.partial = lines.pop() as string;
    this.queue = lines;
    this.queued = 0;
  }
}

/** Checks a whole trace file (complete, well-formed, hash matching) without holding it in memory. */
export function checkTraceFile(path: string): { readonly header: TraceHeader; readonly end: TraceEnd } {
  return new TraceFileReader(path).readToEnd();
}
