/**
 * `raftbed tla <subcommand>`: the project's CLI dispatches here.
 * Exit codes: 0 all as expected, 1 a check failed, 2 usage error or not implemented,
 * 3 environment problem (TLC jar or Java missing).
 */
import { CheckOutcome, CheckReport, runCheck } from './check';
import { TlcJarNotFoundError, TlcLaunchError, findTlcJar } from './tlc';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_ENVIRONMENT = 3;

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
  --small              use the few-second model instead of the CI model
  --model-only         only the bounded model
  --mutants-only       only the mutants and their controls
  --extensions-only    only the extension models
  --workers N          TLC workers for the model runs (default 2)
  --timeout-seconds S  stop any single TLC run after S seconds
  --json               print one JSON report instead of text
  --help               this text
`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface CheckFlags {
  small: boolean;
  only?: 'model' | 'mutants' | 'extensions';
  workers: number;
  timeoutMs?: number;
  json: boolean;
  help: boolean;
}

function positiveInteger(flag: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) <= 0) {
    throw new UsageError(`${flag} needs a positive integer, got ${value === undefined ? 'nothing' : `"${value}"`}`);
  }
  return Number(value);
}

export function parseCheckFlags(args: string[]): CheckFlags {
  const flags: CheckFlags = { small: false, workers: 2, json: false, help: false };
  const setOnly = (only: NonNullable<CheckFlags['only']>, flag: string): void => {
    if (flags.only && flags.only !== only) throw new UsageError(`${flag} conflicts with --${flags.only}-only`);
    flags.only = only;
  };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    switch (arg) {
      case '--small':
        flags.small = true;
        break;
      case '--model-only':
        setOnly('model', arg);
        break;
      case '--mutants-only':
        setOnly('mutants', arg);
        break;
      case '--extensions-only':
        setOnly('extensions', arg);
        break;
      case '--workers':
        flags.workers = positiveInteger(arg, args[++index]);
        break;
      case '--timeout-seconds':
        flags.timeoutMs = positiveInteger(arg, args[++index]) * 1000;
        break;
      case '--json':
        flags.json = true;
        break;
      case '--help':
      case '-h':
        flags.help = true;
        break;
      default:
        throw new UsageError(`unknown option for check: ${arg}`);
    }
  }
  return flags;
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
        return await (require('../browser-adapter/trace-merge-cli') as typeof import('../browser-adapter/trace-merge-cli')).runTraceMergeCli(rest);
      case 'validate':
        return await (require('./validate') as typeof import('./validate')).runValidateCli(rest);
      case 'bench':
        return await (require('./validate') as typeof import('./validate')).runTlaBenchCli(rest);
      case 'replay-spec':
        return await (require('./replay-spec/command') as typeof import('./replay-spec/command')).runReplaySpecCommand(rest, io);
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
    if (error instanceof UsageError) {
      io.err(`raftbed tla ${command}: ${error.message} (see --help)`);
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
