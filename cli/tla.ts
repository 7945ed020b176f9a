/**
 * `raftbed tla check`: model-checks MCRaft and the extensions and runs every mutant and its
 * control. The flags are declared in cli/commands-tla.ts; exit codes in cli/exit-codes.ts.
 */
import { CheckOutcome, CheckReport, runCheck } from '../tla/check';
import { findTlcJar } from '../tla/tlc';
import type { Flags } from './flags';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_OK } from './exit-codes';

export interface CheckOptions {
  readonly small: boolean;
  readonly only?: 'model' | 'mutants' | 'extensions';
  readonly workers: number;
  readonly timeoutMs?: number;
  readonly json: boolean;
}

const ONLY_FLAGS = ['model', 'mutants', 'extensions'] as const;

/** The run the flags ask for (commander has already refused two different --*-only flags). */
export function checkOptions(flags: Flags): CheckOptions {
  const only = ONLY_FLAGS.find((part) => flags[`${part}-only`] === true);
  return {
    small: flags.small === true,
    ...(only === undefined ? {} : { only }),
    workers: flags.workers === undefined ? 2 : Number(flags.workers),
    ...(flags['timeout-seconds'] === undefined ? {} : { timeoutMs: Number(flags['timeout-seconds']) * 1000 }),
    json: flags.json === true,
  };
}

function describe(outcome: CheckOutcome): string {
  const status = outcome.passed ? 'PASS' : 'FAIL';
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  const states = outcome.distinctStates === undefined ? '' : `, ${outcome.distinctStates} distinct states`;
  const depth = outcome.depth === undefined ? '' : `, depth ${outcome.depth}`;
  const got = outcome.violated ? `${outcome.verdict} (${outcome.violated})` : outcome.verdict;
  const trace = outcome.traceLength > 0 ? `, counterexample of ${outcome.traceLength} states` : '';
  const line = `${status} ${outcome.kind.padEnd(9)} ${outcome.id.padEnd(24)} ${got}${trace}${states}${depth} in ${seconds} s`;
  return outcome.passed || !outcome.detail ? line : `${line}\n     ${outcome.detail.split('\n')[0]}`;
}

function summary(report: CheckReport): string {
  const failed = report.outcomes.filter((o) => !o.passed).length;
  const total = report.outcomes.length;
  const seconds = (report.durationMs / 1000).toFixed(1);
  return failed === 0
    ? `tla check: all ${total} runs as expected in ${seconds} s`
    : `tla check: ${failed} of ${total} runs NOT as expected (${seconds} s)`;
}

export async function checkCommand({ flags: given, io, deps }: Invocation): Promise<number> {
  const flags = checkOptions(given);
  const jar = (deps.findJar ?? findTlcJar)();
  const report = await runCheck({
    small: flags.small,
    includeModel: flags.only === undefined || flags.only === 'model',
    includeMutants: flags.only === undefined || flags.only === 'mutants',
    includeExtensions: flags.only === undefined || flags.only === 'extensions',
    workers: flags.workers,
    timeoutMs: flags.timeoutMs,
    jar,
    onOutcome: flags.json ? undefined : (outcome) => io.out(describe(outcome)),
  });
  io.out(flags.json ? JSON.stringify(report, null, 2) : summary(report));
  return report.passed ? EXIT_OK : EXIT_CHECK_FAILED;
}
