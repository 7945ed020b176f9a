// A trace sink that only counts lines, so that a violation's eventIndex names the line a real
// trace of the same run would have (the simulator reports 0 when it has no trace), at a fraction
// of the cost of writing the lines.

import type { TraceSink } from '../../trace/sink';

export class CountingTrace implements TraceSink {
  readonly enabled = true;
  private count = 0;

  get lines(): number {
    return this.count;
  }

  header(): void {
    this.count++;
  }

  event(): void {
    this.count++;
  }
}
