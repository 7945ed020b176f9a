// Streams a trace to a file as the run produces it, in memory bounded by one buffer whatever the
// trace's length (a whole trace held as one string stops at V8's string limit, about six simulated
// minutes under `all`).
//
// The trace is written to PATH.tmp-SUFFIX beside PATH, synced, and renamed to PATH only once its
// End line is written. A file at PATH from an earlier run is removed when this one starts, so
// whenever this run is killed, PATH is either absent or this run's complete trace, never a
// partial one and never an older run's trace passing for this one. A kill leaves the temporary
// file behind: readers refuse it (it has no End line) and its name says what it is.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LineSink } from './sink';

export const DEFAULT_TRACE_BUFFER_CHARS = 1 << 20;

export interface FileTraceOptions {
  /** Names the temporary file PATH.tmp-SUFFIX; the CLI passes its process id, so runs never share one. */
  readonly tempSuffix: string;
  /** Lines are written once this many characters are waiting (default 1 MiB of characters). */
  readonly bufferChars?: number;
}

export class FileTrace extends LineSink {
  readonly tempPath: string;
  private readonly bufferChars: number;
  private fd: number | null;
  private buffered = '';
  private maxBuffered = 0;
  private state: 'open' | 'finished' | 'aborted' = 'open';
  private failure: unknown = null;

  constructor(readonly path: string, options: FileTraceOptions) {
    super();
    this.bufferChars = options.bufferChars ?? DEFAULT_TRACE_BUFFER_CHARS;
    if (!(this.bufferChars >= 1)) throw new RangeError(`bufferChars must be positive, got ${this.bufferChars}`);
    this.tempPath = `${path}.tmp-${options.tempSuffix}`;
    // Open the temporary file first: if PATH's directory cannot be written, the old file is kept.
    this.fd = openSync(this.tempPath, 'w');
    try {
      rmSync(path, { force: true });
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** The most characters ever waiting in the buffer: never more than bufferChars. */
  get maxBufferedChars(): number {
    return this.maxBuffered;
  }

  protected emit(line: string): void {
    this.append(`${line}\n`);
  }

  /** Writes the End line, syncs, and renames the temporary file to PATH. */
  finish(): void {
    if (this.state !== 'open') throw new Error(`trace ${this.path} is already ${this.state}`);
    this.append(`${this.endLine()}\n`);
    this.flush();
    const fd = this.fd as number;
    fsyncSync(fd);
    closeSync(fd);
    this.fd = null;
    renameSync(this.tempPath, this.path);
    syncDirectory(dirname(this.path));
    this.state = 'finished';
  }

  /** Gives up on a failed run: the temporary file is removed and PATH is left absent. */
  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    try {
      if (this.fd !== null) closeSync(this.fd);
    } catch {
      // Already unusable (the failure being cleaned up after): removing the file is what matters.
    }
    this.fd = null;
    rmSync(this.tempPath, { force: true });
  }

  private append(text: string): void {
    if (this.state !== 'open') throw new Error(`trace ${this.path} is already ${this.state}`);
    if (this.failure !== null) throw this.failure;
    if (this.buffered.length + text.length > this.bufferChars) this.flush();
    if (text.length > this.bufferChars) {
      this.write(text);
      return;
    }
    this.buffered += text;
    if (this.buffered.length > this.maxBuffered) this.maxBuffered = this.buffered.length;
  }

  private flush(): void {
    if (this.buffered === '') return;
    this.write(this.buffered);
    this.buffered = '';
  }

  /**
   * A failed write (a full disk) fails every later one too: the simulation records an exception
   * as the run's failure and goes on to trace a Violation line, which must not look written.
   */
  private write(text: string): void {
    if (this.failure !== null) throw this.failure;
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd as number, bytes, written, bytes.length - written);
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }
}

/** Makes the rename durable. Best effort: not every platform can open a directory for syncing. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // The rename itself has happened; only its durability across a power loss is not promised.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
