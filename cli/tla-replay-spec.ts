/**
 * `raftbed tla replay-spec`: flags, the run, and its report (text or JSON).
 * Exit codes as for every `raftbed tla` command: 0 agreement, 1 a disagreement (or TLC failed to
 * generate behaviours), 2 usage error; a missing TLC jar (3) is reported by cli/tla.ts.
 */
import { BehaviourFileError } from '../tla/replay-spec/behaviour-file';
import type { StepFunction } from '../tla/replay-spec/core-harness';
import { formatDisagreement } from '../tla/replay-spec/replay';
import { ReplaySpecReport, runReplaySpec } from '../tla/replay-spec/replay-spec';
import { TlcGenerationError } from '../tla/replay-spec/run-tlc';
import { CliUsageError, flagHelp, parseArgs, type FlagSpec } from './args';

const EXIT_OK = 0;
const EXIT_CHECK_FAILED = 1;
const EXIT_USAGE = 2;

const FLAGS: Record<string, FlagSpec> = {
  count: { kind: 'int', min: 1, help: 'behaviours per PreVote setting (required)' },
  depth: { kind: 'int', min: 2, value: 'D', help: 'states per behaviour, D - 1 steps (default 50, at least 2)' },
  seed: { kind: 'int', min: 0, value: 'S', help: "TLC's simulation seed and core's timer seed (default 1)" },
  'pre-vote': { kind: 'choice', choices: ['on', 'off', 'both'], value: 'MODE', help: 'on, off or both (default both: N behaviours with each)' },
  'timeout-seconds': { kind: 'int', min: 1, value: 'T', help: 'stop any TLC run after T seconds' },
  json: { kind: 'bool', help: 'print one JSON report instead of text' },
  help: { kind: 'bool', alias: '-h', help: 'this text' },
};

export const REPLAY_SPEC_USAGE = `usage: raftbed tla replay-spec --count N [options]

TLC generates N random behaviours of tla/replay-spec/ReplaySpec.tla (biased toward elections and
commits); each is replayed against core's step function, and after every step the spec's term,
role, vote, log, commit index and persist sequence must equal core's. See docs/replay-spec.md.

options:
${flagHelp(FLAGS)}

exit codes: 0 no disagreement, 1 a disagreement (each printed with its behaviour and step),
2 usage error, 3 TLC jar or Java missing
`;

export interface ReplaySpecFlags {
  count?: number;
  depth: number;
  seed: number;
  preVote: readonly boolean[];
  timeoutMs?: number;
  json: boolean;
  help: boolean;
}

const PRE_VOTE_SETTINGS: Readonly<Record<string, readonly boolean[]>> = { on: [true], off: [false], both: [false, true] };

/** Throws CliUsageError naming the flag. */
export function parseReplaySpecFlags(args: readonly string[]): ReplaySpecFlags {
  const { flags } = parseArgs(args, FLAGS);
  const help = flags.help === true;
  if (!help && flags.count === undefined) throw new CliUsageError('--count N is required (see --help)');
  return {
    ...(flags.count === undefined ? {} : { count: Number(flags.count) }),
    depth: flags.depth === undefined ? 50 : Number(flags.depth),
    seed: flags.seed === undefined ? 1 : Number(flags.seed),
    preVote: PRE_VOTE_SETTINGS[String(flags['pre-vote'] ?? 'both')],
    ...(flags['timeout-seconds'] === undefined ? {} : { timeoutMs: Number(flags['timeout-seconds']) * 1000 }),
    json: flags.json === true,
    help,
  };
}

function summaryLine(r: ReplaySpecReport): string {
  const verdict = r.passed ? 'PASS' : 'FAIL';
  const perSecond = r.behaviours / ((r.tlcMs + r.replayMs) / 1000);
  return (
    `${verdict} pre-vote ${r.preVote ? 'on ' : 'off'}: ${r.behaviours} behaviours, ${r.steps} steps in agreement, ` +
    `${r.leadersElected} leaders elected, ${r.behavioursWithCommits} behaviours with commits, ` +
    `${r.disagreements.length} disagreements (TLC ${(r.tlcMs / 1000).toFixed(1)} s, replay ${(r.replayMs / 1000).toFixed(2)} s, ` +
    `${perSecond.toFixed(1)} behaviours/s)`
  );
}

type Io = { out: (line: string) => void; err: (line: string) => void };

export interface ReplaySpecCommandOptions {
  readonly jar?: string;
  /** Replaces core's step (tests plant bugs with it). */
  readonly step?: StepFunction;
}

export async function runReplaySpecCommand(args: readonly string[], io: Io, options: ReplaySpecCommandOptions = {}): Promise<number> {
  let flags: ReplaySpecFlags;
  try {
    flags = parseReplaySpecFlags(args);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.err(`raftbed tla replay-spec: ${error.message}`);
    return EXIT_USAGE;
  }
  if (flags.help) {
    io.out(REPLAY_SPEC_USAGE);
    return EXIT_OK;
  }
  const reports: ReplaySpecReport[] = [];
  try {
    for (const preVote of flags.preVote) {
      const report = await runReplaySpec({
        count: flags.count as number, depth: flags.depth, seed: flags.seed, preVote, jar: options.jar, step: options.step, timeoutMs: flags.timeoutMs,
      });
      reports.push(report);
      if (!flags.json) {
        io.out(summaryLine(report));
        for (const d of report.disagreements) io.out(`  ${formatDisagreement(d)}`);
      }
    }
  } catch (error) {
    if (error instanceof TlcGenerationError || error instanceof BehaviourFileError) {
      io.err(`raftbed tla replay-spec: ${error.message}`);
      return EXIT_CHECK_FAILED;
    }
    throw error;
  }
  const passed = reports.every((r) => r.passed);
  if (flags.json) {
    // Per-behaviour replays are summarised; the disagreements are kept whole.
    io.out(JSON.stringify({ passed, runs: reports.map(({ replays: _replays, ...rest }) => rest) }, null, 2));
  }
  return passed ? EXIT_OK : EXIT_CHECK_FAILED;
}
