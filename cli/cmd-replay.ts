// raftbed replay FILE | --seed S: re-runs a run, proves the trace is identical byte for byte, and
// reports its violation.
//
// The recorded trace is checked whole first (complete, hash matching, header within bounds),
// then the re-run compares each line with the recording as it produces it and stops at the first
// difference: a replay never simulates past the end of its recording, and neither trace is held
// in memory.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSeed, type SeedOutcome } from '../sim/run-seed';
import type { SimConfig } from '../sim/config';
import { ComparingTrace, ReplayDiverged, type Divergence, type LineSource } from '../trace/compare-sink';
import { FileTrace } from '../trace/file-sink';
import { TraceFileReader } from '../trace/read-file';
import { CliUsageError } from './errors';
import { simConfigFromFlags, describeViolation, buildInfo, resolveBug } from './common';
import { loadPlan } from './cmd-run';
import { openSimTrace } from './trace-input';
import type { Invocation } from './program';
import { writeFailureArtifacts } from './failure-artifacts';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_REPLAY_DIVERGED } from './exit-codes';

interface Comparison {
  /** Null when the run was stopped at a difference before it finished. */
  readonly result: SeedOutcome | null;
  readonly divergence: Divergence | null;
  readonly trace: ComparingTrace;
}

/** Runs `config` against a recording, stopping at the first line that differs. */
function compareRun(config: SimConfig, recorded: LineSource): Comparison {
  const { version, commit } = buildInfo();
  const trace = new ComparingTrace(recorded);
  try {
    const result = runSeed(config, { trace, bug: resolveBug(config.bug), version, commit });
    // A run that stopped at a difference did not finish, whatever it returned.
    if (trace.divergence !== null) return { result: null, divergence: trace.divergence, trace };
    return { result, divergence: trace.finish(), trace };
  } catch (e) {
    if (e instanceof ReplayDiverged) return { result: null, divergence: e.divergence, trace };
    throw e;
  }
}

function compareWithFile(config: SimConfig, path: string): Comparison {
  const reader = new TraceFileReader(path);
  try {
    return compareRun(config, reader);
  } finally {
    reader.close();
  }
}

/** --seed: the first run streams its trace to a temporary file, the second is compared with it. */
function replaySeedTwice(config: SimConfig): Comparison {
  const dir = mkdtempSync(join(tmpdir(), 'raftbed-replay-'));
  try {
    const path = join(dir, `seed-${config.seed}.ndjson`);
    const first = new FileTrace(path, { tempSuffix: String(process.pid) });
    const { version, commit } = buildInfo();
    try {
      runSeed(config, { trace: first, bug: resolveBug(config.bug), version, commit });
    } catch (e) {
      first.abort();
      throw e;
    }
    first.finish();
    return compareWithFile(config, path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function replayCommand({ flags, args: positional, io }: Invocation): Promise<number> {
  if ((positional.length === 0) === (flags.seed === undefined)) throw new CliUsageError('give either a trace file or --seed S');
  let config: SimConfig;
  let comparison: Comparison;
  if (positional.length === 1) {
    config = openSimTrace(positional[0]).config;
    comparison = compareWithFile(config, positional[0]);
  } else {
    config = simConfigFromFlags(flags, Number(flags.seed));
    if (flags.plan !== undefined) config = { ...config, faultPlan: loadPlan(String(flags.plan), config.nodes) };
    comparison = replaySeedTwice(config);
  }
  const { result, divergence, trace } = comparison;
  const identical = divergence === null;
  // A failing trace file that replays identically gets its view and linearizability report beside it.
  const artifacts = positional.length === 1 && identical && result?.violation ? writeFailureArtifacts(positional[0], readFileSync(positional[0], 'utf8'), result) : null;
  const report = {
    seed: config.seed, identical, firstDifferentLine: divergence?.line ?? null,
    expected: divergence?.expected ?? null, actual: divergence?.actual ?? null,
    stoppedAtDifference: result === null, violation: result?.violation ?? null, traceSha256: identical ? trace.digest() : null,
    ...(artifacts ? { view: artifacts.view, linearizabilityReport: artifacts.linearizability } : {}),
  };
  if (flags.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    if (divergence === null) io.out(`identical: ${trace.lines + 1} lines, sha256 ${trace.digest()}`);
    else {
      io.out(`${positional.length === 1 ? 'DIFFERENT' : `NOT DETERMINISTIC: seed ${config.seed} gave two different traces,`} from line ${divergence.line}:`);
      io.out(`  expected ${divergence.expected ?? '<end>'}`);
      io.out(`  got      ${divergence.actual ?? '<end>'}`);
    }
    if (result === null) io.out(`replay stopped at line ${divergence?.line}`);
    else io.out(result.violation ? `violation: ${describeViolation(result.violation)}` : 'no violation');
    if (artifacts) io.out(`view: ${artifacts.view}${artifacts.linearizability ? `\nlinearizability report: ${artifacts.linearizability}` : ''}`);
  }
  if (divergence !== null) return EXIT_REPLAY_DIVERGED;
  return result?.violation ? EXIT_CHECK_FAILED : EXIT_OK;
}
