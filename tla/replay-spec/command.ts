/**
 * `raftbed tla replay-spec`: flags, the run, and its report (text or JSON).
 * Exit codes as for every `raftbed tla` command: 0 agreement, 1 a disagreement (or TLC failed to
 * generate behaviours), 2 usage error; a missing TLC jar (3) is reported by tla/cli.ts.
 */
import { BehaviourFileError } from './behaviour-file';
import type { StepFunction } from './core-harness';
import { formatDisagreement } from './replay';
import { ReplaySpecReport, runReplaySpec } from './replay-spec';
import { TlcGenerationError } from './run-tlc';

const EXIT_OK = 0;
const EXIT_CHECK_FAILED = 1;
const EXIT_USAGE = 2;

export const REPLAY_SPEC_USAGE = `usage: raftbed tla replay-spec --count N [options]

TLC generates N random behaviours of tla/replay-spec/ReplaySpec.tla (biased toward elections and
commits); each is replayed against core's step function, and after every step the spec's term,
role, vote, log, commit index and persist sequence must equal core's. See docs/replay-spec.md.

options:
  --count N            behaviours per PreVote setting (required)
  --depth D            states per behaviour, D - 1 steps (default 50, at least 2)
  --seed S             TLC's simulation seed and core's timer seed (default 1)
  --pre-vote MODE      on, off or both (default both: N behaviours with each)
  --timeout-seconds T  stop any TLC run after T seconds
  --json               print one JSON report instead of text
  --help               this text

exit codes: 0 no disagreement, 1 a disagreement (each printed with its behaviour and step),
2 usage error, 3 TLC jar or Java missing
`;

export class ReplaySpecUsageError extends Error {
  override readonly name = 'ReplaySpecUsageError';
}

export interface ReplaySpecFlags {
  count?: number;
  depth: number;
  seed: number;
  preVote: readonly boolean[];
  timeoutMs?: number;
  json: boolean;
  help: boolean;
}

function integerFlag(flag: string, value: string | undefined, min: number): number {
  if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new ReplaySpecUsageError(`${flag} needs an integer of at least ${min}, got ${value === undefined ? 'nothing' : `"${value}"`}`);
  }
  return Number(value);
}

export function parseReplaySpecFlags(args: readonly string[]): ReplaySpecFlags {
  const flags: ReplaySpecFlags = { depth: 50, seed: 1, preVote: [false, true], json: false, help: false };
  const seen = new Set<string>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (seen.has(arg)) throw new ReplaySpecUsageError(`${arg} given twice`);
    seen.add(arg);
    switch (arg) {
      case '--count':
        flags.count = integerFlag(arg, args[++index], 1);
        break;
      case '--depth':
        flags.depth = integerFlag(arg, args[++index], 2);
        break;
      case '--seed':
        flags.seed = integerFlag(arg, args[++index], 0);
        break;
      case '--pre-vote': {
        const mode = args[++index];
        if (mode === 'on') flags.preVote = [true];
        else if (mode === 'off') flags.preVote = [false];
        else if (mode === 'both') flags.preVote = [false, true];
        else throw new ReplaySpecUsageError(`--pre-vote needs on, off or both, got ${mode === undefined ? 'nothing' : `"${mode}"`}`);
        break;
      }
      case '--timeout-seconds':
        flags.timeoutMs = integerFlag(arg, args[++index], 1) * 1000;
        break;
      case '--json':
        flags.json = true;
        break;
      case '--help':
      case '-h':
        flags.help = true;
        break;
      default:
        throw new ReplaySpecUsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  if (!flags.help && flags.count === undefined) throw new ReplaySpecUsageError('--count N is required');
  return flags;
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
    if (!(error instanceof ReplaySpecUsageError)) throw error;
    io.err(`raftbed tla replay-spec: ${error.message} (see --help)`);
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
