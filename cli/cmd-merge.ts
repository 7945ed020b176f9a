// raftbed merge RESULTS...: joins the --json reports of a sharded sweep (one per pod of a
// Kubernetes Indexed Job, or per CI machine) into one summary, after proving that they are one
// sweep: same raftbed build and configuration, every shard once, every seed exactly once.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliUsageError } from './errors';
import { mergeShards, parseShardReport, ShardError, ShardMismatch, type MergedSweep } from './sweep-merge';
import type { CliIo } from './io';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes';

/** A directory stands for the .json files in it (a results volume), in name order. */
function expand(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    if (!statSync(p).isDirectory()) return [p];
    const files = readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f));
    if (files.length === 0) throw new CliUsageError(`${p} holds no .json shard reports`);
    return files;
  });
}

export async function mergeCommand({ flags, args: positional, io }: Invocation): Promise<number> {
  let merged: MergedSweep;
  try {
    merged = mergeShards(expand(positional).map((file) => ({ file, report: parseShardReport(file, readFileSync(file, 'utf8')) })));
  } catch (e) {
    if (!(e instanceof ShardError)) throw e;
    if (flags.json) io.out(JSON.stringify({ error: e.name, ...(e instanceof ShardMismatch ? { field: e.field } : {}), message: e.message }, null, 2));
    io.err(`raftbed merge: ${e.name}: ${e.message}`);
    return EXIT_USAGE;
  }
  if (flags.json) io.out(JSON.stringify(merged, null, 2));
  else printMerged(io, merged);
  return merged.violations.length > 0 || merged.missingCoverage.length > 0 || merged.validation.some((v) => v.verdict !== 'pass') ? EXIT_CHECK_FAILED : EXIT_OK;
}

function printMerged(io: CliIo, m: MergedSweep): void {
  const { from, count } = m.seedRange;
  io.out(`raftbed merge: ${m.shards} shards, seeds ${from}..${from + count - 1}, raftbed ${m.raftbed.version} (${m.raftbed.commit.slice(0, 12)}), config ${m.configDigest.slice(0, 19)}`);
  io.out(`  runs: ${m.runs} (${m.passes} passed, ${m.violations.length} failed)`);
  io.out(`  events: ${m.events.toLocaleString('en-US')} (${Math.round(m.eventsPerSecond).toLocaleString('en-US')} events/s over the slowest shard's ${(m.wallMs / 1000).toFixed(1)} s)`);
  io.out(`  simulated ${(m.simulatedMs / 1000).toFixed(1)} s`);
  io.out(`  linearizability: ${Object.entries(m.linearizability).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  io.out(`  coverage: ${Object.entries(m.coverage).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (m.missingCoverage.length > 0) io.out(`  FAULTS NEVER HAPPENED under profile ${String(m.config.faults)}: ${m.missingCoverage.join(', ')}`);
  if (m.validation.length > 0) io.out(`  TLA+ trace validation: ${m.validation.filter((v) => v.verdict === 'pass').length}/${m.validation.length} traces are behaviours of the spec`);
  if (m.violations.length === 0) {
    io.out('  violations: none');
    return;
  }
  io.out(`  VIOLATIONS: ${m.violations.length}`);
  for (const v of m.violations) {
    io.out(`    seed ${v.seed}: ${v.property} at trace event ${v.eventIndex}: ${v.detail}`);
    io.out(`      replay: ${v.replay}`);
  }
}
