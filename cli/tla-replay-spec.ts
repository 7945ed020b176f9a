/**
 * `raftbed tla replay-spec`: the run and its report (text or JSON); the flags are declared in
 * cli/commands-tla.ts. Exit 0 agreement, 1 a disagreement; TLC failing to generate behaviours is
 * a tool failure (5) and a missing jar 4, both reported by cli/main.ts.
 */
import { formatDisagreement } from '../tla/replay-spec/replay';
import { ReplaySpecReport, runReplaySpec } from '../tla/replay-spec/replay-spec';
import type { Flags } from './flags';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_OK } from './exit-codes';

export interface ReplaySpecOptions {
  readonly count: number;
  readonly depth: number;
  readonly seed: number;
  readonly preVote: readonly boolean[];
  readonly timeoutMs?: number;
  readonly json: boolean;
}

const PRE_VOTE_SETTINGS: Readonly<Record<string, readonly boolean[]>> = { on: [true], off: [false], both: [false, true] };

/** The run the flags ask for, with the documented defaults (commander has checked each flag). */
export function replaySpecOptions(flags: Flags): ReplaySpecOptions {
  return {
    count: Number(flags.count),
    depth: flags.depth === undefined ? 50 : Number(flags.depth),
    seed: flags.seed === undefined ? 1 : Number(flags.seed),
    preVote: PRE_VOTE_SETTINGS[String(flags['pre-vote'] ?? 'both')],
    ...(flags['timeout-seconds'] === undefined ? {} : { timeoutMs: Number(flags['timeout-seconds']) * 1000 }),
    json: flags.json === true,
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

export async function runReplaySpecCommand({ flags: given, io, deps }: Invocation): Promise<number> {
  const flags = replaySpecOptions(given);
  const reports: ReplaySpecReport[] = [];
  for (const preVote of flags.preVote) {
    const report = await runReplaySpec({
      count: flags.count, depth: flags.depth, seed: flags.seed, preVote, jar: deps.findJar?.(), step: deps.replaySpecStep, timeoutMs: flags.timeoutMs,
    });
    reports.push(report);
    if (!flags.json) {
      io.out(summaryLine(report));
      for (const d of report.disagreements) io.out(`  ${formatDisagreement(d)}`);
    }
  }
  const passed = reports.every((r) => r.passed);
  if (flags.json) {
    // Per-behaviour replays are summarised; the disagreements are kept whole.
    io.out(JSON.stringify({ passed, runs: reports.map(({ replays: _replays, ...rest }) => rest) }, null, 2));
  }
  return passed ? EXIT_OK : EXIT_CHECK_FAILED;
}
