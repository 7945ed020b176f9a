// A CliIo that keeps what a command printed, so CLI tests run in-process and read its output.

import type { CliIo } from '../io';

export class CapturingIo implements CliIo {
  readonly isTTY = false;
  readonly outLines: string[] = [];
  readonly errLines: string[] = [];
  /** What progress lines drew, raw (carriage returns and all). */
  progressText = '';

  out(line: string): void {
    this.outLines.push(line);
  }

  err(line: string): void {
    this.errLines.push(line);
  }

  progress(text: string): void {
    this.progressText += text;
  }

  get stdout(): string {
    return this.outLines.join('\n');
  }

  get stderr(): string {
    return this.errLines.join('\n');
  }
}
