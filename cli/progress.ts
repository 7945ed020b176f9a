// Progress for long CLI work, on stderr, only on a terminal or when asked (--progress): CI logs
// stay clean. The wall clock is read here, in the CLI, never in the simulation.

import type { CliIo } from './io';
import type { Flags } from './flags';
import type { PhaseProgress } from '../tla/validate';

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
    // The last unit always draws: the line must not end on a stale count.
    if (t - this.lastDrawMs < 200 && done < total) return;
    this.lastDrawMs = t;
    this.drawn = true;
    this.write(`\r\x1b[2K${this.render(done, total, detail)}`);
  }

  /** Draws `text` with the elapsed time, unthrottled: for rare, slow steps (each TLC run). */
  show(text: string): void {
    if (!this.enabled) return;
    this.drawn = true;
    this.write(`\r\x1b[2K${text}, elapsed ${formatSeconds((this.now() - this.startMs) / 1000)}`);
  }

  get active(): boolean {
    return this.enabled;
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

/**
 * Progress of TLC trace validation (tla validate, tla merge --validate): which TLC run is going
 * (fast; after a fail, full and diagnose) on how many events, and the elapsed time, redrawn every
 * second while TLC works. `stop` ends the line.
 */
export function tlcPhaseLine(io: CliIo, flags: Flags, now: () => number): { onPhase: (p: PhaseProgress) => void; stop: () => void } {
  const line = progressLine(io, flags, now, 'TLC runs');
  let current = '';
  const timer = line.active ? setInterval(() => current && line.show(current), 1000) : undefined;
  timer?.unref();
  return {
    onPhase: (p) => {
      current = `TLC run ${p.run} of at most ${p.maxRuns} (${p.phase}) on ${p.eventsTotal} events`;
      line.show(current);
    },
    stop: () => {
      if (timer !== undefined) clearInterval(timer);
      line.done();
    },
  };
}
