/**
 * `raftbed tla bench`: how fast TLC validates traces. Generates a simulator trace, cuts it to
 * exactly N events (default 10,000), validates it (one TLC worker, so one core), and reports the
 * wall time and validated events per second. A 100-event run first measures the fixed cost
 * (JVM start-up, parsing), reported separately.
 */
import { simTrace, tracePrefix } from './sim-traces';
import type { ValidationResult } from '../tla/validate';
import { findTlcJar } from '../tla/tlc';
import type { SimConfig } from '../sim/config';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_OK } from './exit-codes';

export interface BenchReport {
  readonly events: number;
  readonly seed: number;
  readonly faults: string;
  readonly verdict: ValidationResult['verdict'];
  readonly wallMs: number;
  readonly eventsPerSecond: number;
  /** Wall time of a 100-event trace: the fixed cost included in every run. */
  readonly fixedCostMs: number;
  /** Events per second once the fixed cost is subtracted. */
  readonly marginalEventsPerSecond: number;
}

/** Simulated time for roughly `events` trace events (about one event per simulated ms with 3 nodes). */
function durationFor(events: number): number {
  return Math.max(500, Math.ceil(events * 1.3));
}

export function benchTraceText(events: number, seed: number, faults: SimConfig['faults']): string {
  let duration = durationFor(events);
  for (;;) {
    const trace = simTrace({ seed, faults, durationMs: duration });
    if (trace.events >= events) return tracePrefix(trace.text, events);
    if (trace.violation !== null) throw new Error(`seed ${seed} stops at a violation after ${trace.events} events: ${trace.violation}`);
    duration *= 2;
  }
}

export async function runBench(options: { events: number; seed: number; faults: SimConfig['faults'] }, findJar: () => string = findTlcJar): Promise<BenchReport> {
  // Imported here, not at the top: validate.ts re-exports this module's CLI.
  const { validateTraceText } = await import('../tla/validate');
  const jar = findJar();
  const small = await validateTraceText(benchTraceText(100, options.seed, options.faults), { jar, skipDiagnosis: true });
  const result = await validateTraceText(benchTraceText(options.events, options.seed, options.faults), { jar, skipDiagnosis: true });
  const marginalMs = Math.max(1, result.wallMs - small.wallMs);
  return {
    events: options.events,
    seed: options.seed,
    faults: options.faults,
    verdict: result.verdict,
    wallMs: result.wallMs,
    eventsPerSecond: Math.round((options.events / result.wallMs) * 1000),
    fixedCostMs: small.wallMs,
    marginalEventsPerSecond: Math.round(((options.events - 100) / marginalMs) * 1000),
  };
}

/** `raftbed tla bench` (flags in cli/commands-tla.ts): 0 the trace passed, 1 it did not. */
export async function runTlaBenchCli({ flags, io, deps }: Invocation): Promise<number> {
  const events = flags.events === undefined ? 10_000 : Number(flags.events);
  const seed = flags.seed === undefined ? 1 : Number(flags.seed);
  const faults = (flags.faults ?? 'all') as SimConfig['faults'];
  const report = await runBench({ events, seed, faults }, deps.findJar);
  if (flags.json) io.out(JSON.stringify(report, null, 2));
  else {
    io.out(`tla bench: ${report.events} events (seed ${report.seed}, faults ${report.faults}): ${report.verdict} in ${(report.wallMs / 1000).toFixed(1)} s on one TLC worker`);
    io.out(`  ${report.eventsPerSecond} events/s overall; ${report.marginalEventsPerSecond} events/s after the fixed cost of ${(report.fixedCostMs / 1000).toFixed(1)} s (JVM start-up, parsing)`);
  }
  return report.verdict === 'pass' ? EXIT_OK : EXIT_CHECK_FAILED;
}
