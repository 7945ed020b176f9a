// raftbed replay FILE | --seed S: re-runs a run, proves the trace is identical byte for byte, and
// reports its violation.

import { runSeed } from '../run-seed';
import type { SimConfig } from '../config';
import { MemoryTrace } from '../trace/sink';
import { parseArgs, helpText, CliUsageError, type FlagSpec } from './args';
import { SIM_FLAGS, simConfigFromFlags, describeViolation, buildInfo, resolveBug, loadSimTrace } from './common';
import { loadPlan } from './cmd-run';
import type { CliIo } from './io';
import { writeFailureArtifacts } from './failure-artifacts';

const FLAGS: Record<string, FlagSpec> = {
  seed: { kind: 'int', min: 0, help: 'replay this seed (twice, comparing the traces) instead of a trace file' },
  plan: { kind: 'string', help: 'with --seed: the fault plan file printed by a property-based counterexample' },
  ...SIM_FLAGS,
};

export async function replayCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS, 1);
  if (flags.help) {
    io.out(helpText('raftbed replay TRACE.ndjson | --seed S [--plan FILE] [flags]', FLAGS));
    return 0;
  }
  if ((positional.length === 0) === (flags.seed === undefined)) throw new CliUsageError('give either a trace file or --seed S');
  const { version, commit } = buildInfo();
  let config: SimConfig;
  let expected: readonly string[] | null = null;
  if (positional.length === 1) {
    const recorded = loadSimTrace(positional[0]);
    config = recorded.config;
    expected = recorded.lines;
  } else {
    config = simConfigFromFlags(flags, Number(flags.seed));
    if (flags.plan !== undefined) config = { ...config, faultPlan: loadPlan(String(flags.plan), config.nodes) };
  }
  const bug = resolveBug(config.bug);
  const first = new MemoryTrace(true);
  const result = runSeed(config, { trace: first, bug, version, commit });
  if (expected === null) {
    const second = new MemoryTrace(false);
    runSeed(config, { trace: second, bug, version, commit });
    expected = first.text;
    if (second.digest() !== first.digest()) {
      io.out(`NOT DETERMINISTIC: seed ${config.seed} gave two different traces (${first.digest()} vs ${second.digest()})`);
      return 2;
    }
  }
  const diff = firstDifference(expected, first.text);
  // A failing trace file gets its view and linearizability report beside it.
  const artifacts = positional.length === 1 && diff === null && result.violation !== null ? writeFailureArtifacts(positional[0], first.ndjson(), result) : null;
  const report = { seed: config.seed, identical: diff === null, firstDifferentLine: diff, violation: result.violation, traceSha256: first.digest(), ...(artifacts ? { view: artifacts.view, linearizabilityReport: artifacts.linearizability } : {}) };
  if (flags.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    io.out(diff === null ? `identical: ${first.lines} lines, sha256 ${first.digest()}` : `DIFFERENT from line ${diff + 1}:\n  expected ${expected[diff] ?? '<end>'}\n  got      ${first.text[diff] ?? '<end>'}`);
    io.out(result.violation ? `violation: ${describeViolation(result.violation)}` : 'no violation');
    if (artifacts) io.out(`view: ${artifacts.view}${artifacts.linearizability ? `\nlinearizability report: ${artifacts.linearizability}` : ''}`);
  }
  if (diff !== null) return 2;
  return result.violation ? 1 : 0;
}

/** Header lines may differ in the commit they name; everything after must match exactly. */
function firstDifference(expected: readonly string[], actual: readonly string[]): number | null {
  const n = Math.max(expected.length, actual.length);
  for (let k = 1; k < n; k++) if (expected[k] !== actual[k]) return k;
  return null;
}
