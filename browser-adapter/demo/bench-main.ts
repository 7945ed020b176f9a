// The benchmark page: the same cluster member as the demo, plus a write generator that the bench
// CLI drives through `window.raftbench`. Wall time is measured here, for humans; nothing asserts it.

import { startPage, type PageApi } from './page-runtime';

export interface BenchRunOptions {
  /** 'rate': open loop at ratePerSec; 'saturate': keep `window` writes in flight. */
  readonly mode: 'rate' | 'saturate';
  readonly ratePerSec?: number;
  readonly window?: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly keySpace: number;
  readonly valueBytes: number;
}

export interface BenchRunResult {
  readonly node: string;
  /** Writes completed (committed, durable on a majority, applied here) inside the measured span. */
  readonly completed: number;
  readonly failed: number;
  readonly measuredMs: number;
  /** Commit latencies (invoke to applied here) of the measured writes, in ms, unsorted. */
  readonly latencies: number[];
  readonly maxInFlight: number;
}

declare global {
  interface Window {
    raftbench?: { run(options: BenchRunOptions): Promise<BenchRunResult> };
  }
}

function run(api: PageApi, o: BenchRunOptions): Promise<BenchRunResult> {
  return new Promise((resolve) => {
    const value = 'v'.repeat(Math.max(0, o.valueBytes));
    const start = performance.now();
    const measureFrom = start + o.warmupMs;
    const measureTo = measureFrom + o.durationMs;
    let inFlight = 0;
    let maxInFlight = 0;
    let completed = 0;
    let failed = 0;
    let counter = 0;
    let stopped = false;
    const latencies: number[] = [];
    const prefix = `${api.config.node}-`;

    const issue = (): void => {
      const t0 = performance.now();
      const key = `${prefix}${counter++ % o.keySpace}`;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      api.put(key, value).then(
        () => {
          inFlight--;
          const t1 = performance.now();
          if (t0 >= measureFrom && t1 <= measureTo) {
            completed++;
            latencies.push(t1 - t0);
          }
          refill();
        },
        () => {
          inFlight--;
          failed++;
          refill();
        },
      );
    };

    let refillQueued = false;
    const refill = (): void => {
      if (o.mode !== 'saturate' || stopped || refillQueued) return;
      refillQueued = true;
      // Top up once all completions of this apply step have run: one batch, not one write at a time.
      queueMicrotask(() => {
        refillQueued = false;
        while (!stopped && inFlight < (o.window ?? 1000)) issue();
      });
    };

    let timer: ReturnType<typeof setInterval> | null = null;
    if (o.mode === 'rate') {
      let owed = 0;
      let last = start;
      timer = setInterval(() => {
        const now = performance.now();
        owed += ((now - last) / 1000) * (o.ratePerSec ?? 1000);
        last = now;
        while (owed >= 1) {
          owed--;
          issue();
        }
      }, 5);
    } else {
      refill();
    }

    setTimeout(() => {
      stopped = true;
      if (timer !== null) clearInterval(timer);
      resolve({ node: api.config.node, completed, failed, measuredMs: o.durationMs, latencies, maxInFlight });
    }, o.warmupMs + o.durationMs + 50);
  });
}

async function main(): Promise<void> {
  const who = document.getElementById('who') as HTMLElement;
  try {
    const api = await startPage();
    who.textContent = api.config.node;
    window.raftbench = { run: (o) => run(api, o) };
  } catch (e) {
    window.raftbedError = (e as Error).message;
    window.raftbedErrorName = (e as Error).name;
    (document.getElementById('out') as HTMLElement).textContent = (e as Error).message;
  }
}

void main();
