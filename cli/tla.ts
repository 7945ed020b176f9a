/**
 * `raftbed tla <subcommand>`: the project's CLI dispatches here.
 * Exit codes: 0 all as expected, 1 a check failed, 2 usage error or not implemented,
 * 3 environment problem (TLC jar or Java missing).
 */
import { CheckOutcome, CheckReport, runCheck } from '../tla/check';
import { TlcJarNotFoundError, TlcLaunchError, findTlcJar } from '../tla/tlc';
import { CliUsageError, flagHelp, parseArgs, type FlagSpec } from './args';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_ENVIRONMENT = 3;

const CHECK_FLAGS: Record<string, FlagSpec> = {
  small: { kind: 'bool', help: 'use the few-second model instead of the CI model' },
  'model-only': { kind: 'bool', help: 'only the bounded model' },
  'mutants-only': { kind: 'bool', help: 'only the mutants and their controls' },
  'extensions-only': { kind: 'bool', help: 'only the extension models' },
  workers: { kind: 'int', min: 1, help: 'TLC workers for the model runs (default 2)' },
  'timeout-seconds': { kind: 'int', min: 1, value: 'S', help: 'stop any single TLC run after S seconds' },
  json: { kind: 'bool', help: 'print one JSON report instead of text' },
  help: { kind: 'bool', alias: '-h', help: 'this text' },
};

const USAGE = `usage: raftbed tla <command> [options]

commands:
  check          model-check MCRaft and the extensions, run every mutant (must
                 violate its invariant) and its control (must not)
  validate       decide with TLC whether a trace (sim or browser) is a behaviour of the spec
  merge          merge a browser run's per-tab traces into one cluster trace (--validate: TLC + invariants)
  replay-spec    TLC generates random spec behaviours; replay each against core's step
                 function and report any disagreement with its step (see replay-spec --help)
  bench          measure trace-validation speed (events/s, a 10,000-event trace)

check options:
${flagHelp(CHECK_FLAGS)}
`;

interface CheckFlags {
  small: boolean;
  only?: 'model' | 'mutants' | 'extensions';
  workers: number;
  timeoutMs?: number;
  json: boolean;
  help: boolean;
}

const ONLY_FLAGS = ['model', 'mutants', 'extensions'] as const;

export function parseCheckFlags(args: string[]): CheckFlags {
  const { flags } = parseArgs(args, CHECK_FLAGS);
  const only = ONLY_FLAGS.filter((part) => flags[`${part}-only`] === true);
  if (only.length > 1) throw new CliUsageError(`--${only[1]}-only conflicts with --${only[0]}-only`);
  return {
    small: flags.small === true,
    ...(only.length === 1 ? { only: only[0] } : {}),
    workers: flags.workers === undefined ? 2 : Number(flags.workers),
    ...(flags['timeout-seconds'] === undefined ? {} : { timeoutMs: Number(flags['timeout-seconds']) * 1000 }),
    json: flags.json === true,
    help: flags.help === true,
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

async function checkCommand(args: string[], out: (line: string) => void): Promise<number> {
  const flags = parseCheckFlags(args);
  if (flags.help) {
    out(USAGE);
    return EXIT_OK;
  }
  const jar = findTlcJar();
  const report = await runCheck({
    small: flags.small,
    includeModel: flags.only === undefined || flags.only === 'model',
    includeMutants: flags.only === undefined || flags.only === 'mutants',
    includeExtensions: flags.only === undefined || flags.only === 'extensions',
    workers: flags.workers,
    timeoutMs: flags.timeoutMs,
    jar,
    onOutcome: flags.json ? undefined : (outcome) => out(describe(outcome)),
  });
  out(flags.json ? JSON.stringify(report, null, 2) : summary(report));
  return report.passed ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** Entry point for `raftbed tla ...`; never throws, returns the process exit code. */
export async function runTlaCli(
  argv: string[],
  io: { out: (line: string) => void; err: (line: string) => void } = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await checkCommand(rest, io.out);
      case 'merge':
        return await (require('./trace-merge') as typeof import('./trace-merge')).runTraceMergeCli(rest);
      case 'validate':
        return await (require('./tla-validate') as typeof import('./tla-validate')).runValidateCli(rest);
      case 'bench':
        return await (require('./tla-bench-validate') as typeof import('./tla-bench-validate')).runTlaBenchCli(rest);
      case 'replay-spec':
        return await (require('./tla-replay-spec') as typeof import('./tla-replay-spec')).runReplaySpecCommand(rest, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      default:
        io.err(`raftbed tla: unknown command "${command}"\n${USAGE}`);
        return EXIT_USAGE;
    }
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`raftbed tla ${command}: ${error.message}`);
      return EXIT_USAGE;
    }
    if (error instanceof TlcJarNotFoundError || error instanceof TlcLaunchError) {
      io.err(`raftbed tla ${command}: ${error.message}`);
      return EXIT_ENVIRONMENT;
    }
    io.err(`raftbed tla ${command}: unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return EXIT_CHECK_FAILED;
  }
}

if (require.main === module) {
  runTlaCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
