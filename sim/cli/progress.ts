// A progress bar on a terminal (stderr), silent otherwise: CI logs stay clean.
import type { CliIo } from './io';

export class ProgressBar {
  private doneCount = 0;
  private failed = 0;
  private lastDrawMs = -Infinity;

  constructor(private readonly io: CliIo, private readonly total: number, private readonly now: () => number) {}

  tick(failed: boolean): void {
    this.doneCount++;
    if (failed) this.failed++;
    if (!this.io.isTTY) return;
    const t = this.now();
    if (t - this.lastDrawMs < 100 && this.doneCount < this.total) return;
    this.lastDrawMs = t;
    const width = 30;
    const filled = Math.round((this.doneCount / this.total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.doneCount}/${this.total} runs, ${this.failed} failing`);
  }

  done(): void {
    if (this.io.isTTY) process.stderr.write('\n');
  }
}
