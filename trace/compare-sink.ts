// Replay's sink: compares each line the simulation produces with the next line of the recorded
// trace, as it is produced, and stops the run at the first difference. A replay therefore never
// simulates further than the recording goes, whatever its header claims, and holds no more of
// either trace than one line.

import type { ScannedLine } from './read';
import { LineSink } from './sink';

export interface LineSource {
  /** The next recorded line (header, events, then the End line); null after the End line. */
  next(): ScannedLine | null;
}

export interface Divergence {
  /** 1-based line number in the trace file (the header is line 1). */
  readonly line: number;
  /** The recorded line, or null where the recording ended. */
  readonly expected: string | null;
  /** The replayed line, or null where the replay ended. */
  readonly actual: string | null;
}

/** Thrown from inside the simulation to stop it at the first difference. */
export class ReplayDiverged extends Error {
  override readonly name = 'ReplayDiverged';
  constructor(readonly divergence: Divergence) {
    super(`replay differs from the recording at line ${divergence.line}`);
  }
}

export class ComparingTrace extends LineSink {
  private recordedEnd = false;
  private first: Divergence | null = null;

  constructor(private readonly recorded: LineSource) {
    super();
  }

  /** The first difference, once one was found. */
  get divergence(): Divergence | null {
    return this.first;
  }

  /**
   * The header line names the build that wrote it, so it is read but not compared; every event
   * must be identical, byte for byte. After a difference every line throws again: the simulation
   * records an exception as the run's failure and traces a Violation line, and that line must
   * stop it too.
   */
  protected emit(line: string, index: number): void {
    if (this.first !== null) throw new ReplayDiverged(this.first);
    const expected = this.pull();
    if (index === 0) return;
    if (expected === null || expected.text !== line) {
      this.first = { line: index + 1, expected: expected?.text ?? null, actual: line };
      throw new ReplayDiverged(this.first);
    }
  }

  /** After the run: the recording must end where the replay did. Returns the difference, or null. */
  finish(): Divergence | null {
    if (this.first !== null) return this.first;
    const expected = this.pull();
    if (expected !== null) return { line: this.lines + 1, expected: expected.text, actual: null };
    return null;
  }

  /** The next recorded line, or null at the End line (reading on checks nothing follows it). */
  private pull(): ScannedLine | null {
    if (this.recordedEnd) return null;
    const line = this.recorded.next();
    if (line === null || line.kind === 'end') {
      this.recordedEnd = true;
      if (line !== null) this.recorded.next();
      return null;
    }
    return line;
  }
}
