// Progress for long CLI work, on stderr, only on a terminal or when asked (--progress): CI logs
// stay clean. The wall clock is read here, in the CLI, never in the simulation.

import type { CliIo } from './io';
import type { Flags } from './flags';

/** "1m05s", "12s": a duration a person reads at a glance. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const whole = Math.round(s);
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

/**
 * One self-rewriting status line on stderr for long work: done/total, the rate, and an ETA. The
 * ETA is the sooner of "the rest at the current rate" and the wall budget left, when there is one.
 * Drawn at most every 200 ms, only when enabled (stderr is a terminal, or --progress).
 */
export class RateLine {
  private readonly startMs: number;
  private lastDrawMs = -Infinity;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly now: () => number,
    private readonly unit: string,
    private readonly budgetMs: number = Infinity,
  ) {
    this.startMs = now();
  }

  /** The line for `done` of `total` units, with `detail` appended; exported for tests. */
  render(done: number, total: number, detail: string): string {
    const elapsedS = (this.now() - this.startMs) / 1000;
    const rate = elapsedS > 0 ? done / elapsedS : 0;
    const byRateS = rate > 0 ? (total - done) / rate : Infinity;
    const byBudgetS = (this.budgetMs - (this.now() - this.startMs)) / 1000;
    const etaS = Math.max(0, Math.min(byRateS, byBudgetS));
    return `${done}/${total} ${this.unit}, ${rate.toFixed(1)} ${this.unit}/s, ETA ${formatSeconds(etaS)}, elapsed ${formatSeconds(elapsedS)}${detail ? `, ${detail}` : ''}`;
  }

  update(done: number, total: number, detail = ''): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.lastDrawMs < 200) return;
    this.lastDrawMs = t;
    this.drawn = true;
    this.write(`\r\x1b[2K${this.render(done, total, detail)}`);
  }

  done(): void {
    if (this.enabled && this.drawn) this.write('\n');
  }
}

/** The progress line of a long command: on io's stderr, drawn on a terminal or with --progress. */
export function progressLine(io: CliIo, flags: Flags, now: () => number, unit: string, budgetMs?: number): RateLine {
  const write = io.progress !== undefined ? (text: string) => io.progress?.(text) : (text: string) => void process.stderr.write(text);
  return new RateLine(write, io.isTTY || flags.progress === true, now, unit, budgetMs);
}
