/**
 * `raftbed tla bench`: how fast TLC validates traces. Generates a simulator trace, cuts it to
 * exactly N events (default 10,000), validates it (one TLC worker, so one core), and reports the
 * wall time and validated events per second. A 100-event run first measures the fixed cost
 * (JVM start-up, parsing), reported separately.
 */
import { simTrace, tracePrefix } from './sim-traces';
import { JAR_HOW_TO, type ValidationResult } from '../tla/validate';
import type { CliIo } from './tla-validate';
import { CliUsageError, flagHelp, parseArgs, type FlagSpec } from './args';
import { TlcJarNotFoundError, findTlcJar } from '../tla/tlc';
import type { SimConfig } from '../sim/config';
import { FAULT_PROFILES } from '../sim/faults';

const BENCH_FLAGS: Record<string, FlagSpec> = {
  events: { kind: 'int', min: 100, help: 'trace length in events (default 10000, at least 100)' },
  seed: { kind: 'int', min: 0, value: 'S', help: 'simulator seed (default 1)' },
  faults: { kind: 'choice', choices: FAULT_PROFILES, value: 'PROFILE', help: `fault profile: ${FAULT_PROFILES.join(', ')} (default all)` },
  json: { kind: 'bool', help: 'print the report as JSON' },
  help: { kind: 'bool', alias: '-h', help: 'this text' },
};

export const BENCH_USAGE = `usage: raftbed tla bench [--events N] [--seed S] [--faults PROFILE] [--json]

Validates one simulator trace of exactly N events (default 10000; seed 1, faults all, 3 nodes,
2 clients) with one TLC worker and prints the wall time and validated events per second.

options:
${flagHelp(BENCH_FLAGS)}`;

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

export async function runBench(options: { events: number; seed: number; faults: SimConfig['faults'] }): Promise<BenchReport> {
  // Imported here, not at the top: validate.ts re-exports this module's CLI.
  const { validateTraceText } = await import('../tla/validate');
  const jar = findTlcJar();
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

const STD_IO: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** `raftbed tla bench ...`; never throws, returns the exit code (0 ok, 1 the trace did not pass, 2 usage, 3 environment). */
export async function runTlaBenchCli(argv: string[], io: CliIo = STD_IO): Promise<number> {
  try {
    const { flags } = parseArgs(argv, BENCH_FLAGS);
    if (flags.help) {
      io.out(BENCH_USAGE);
      return 0;
    }
    const events = flags.events === undefined ? 10_000 : Number(flags.events);
    const seed = flags.seed === undefined ? 1 : Number(flags.seed);
    const faults = (flags.faults ?? 'all') as SimConfig['faults'];
    const json = flags.json === true;
    const report = await runBench({ events, seed, faults });
    if (json) io.out(JSON.stringify(report, null, 2));
    else {
      io.out(`tla bench: ${report.events} events (seed ${report.seed}, faults ${report.faults}): ${report.verdict} in ${(report.wallMs / 1000).toFixed(1)} s on one TLC worker`);
      io.out(`  ${report.eventsPerSecond} events/s overall; ${report.marginalEventsPerSecond} events/s after the fixed cost of ${(report.fixedCostMs / 1000).toFixed(1)} s (JVM start-up, parsing)`);
    }
    return report.verdict === 'pass' ? 0 : 1;
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`raftbed tla bench: ${error.message}\n${BENCH_USAGE}`);
      return 2;
    }
    if (error instanceof TlcJarNotFoundError) {
      io.err(JAR_HOW_TO);
      return 3;
    }
    io.err(`raftbed tla bench: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  runTlaBenchCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
