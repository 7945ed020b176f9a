// raftbed sweep --seeds N: the main job. Runs seeds in parallel on worker threads, checks every
// run, and fails on any violation or on a fault profile whose faults never happened.

import { Worker } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runSeed } from '../run-seed';
import { MemoryTrace } from '../trace/sink';
import { makeSimConfig, type SimConfig } from '../config';
import { Coverage, missingCoverage } from '../cluster/coverage';
import { parseArgs, helpText, parseShard, CliUsageError, type FlagSpec } from './args';
import { SIM_FLAGS, simConfigFromFlags, configFlags, describeViolation, buildInfo, resolveBug } from './common';
import type { SeedSummary } from './sweep-types';
import type { CliIo } from './io';
import { ProgressBar } from './progress';

const FLAGS: Record<string, FlagSpec> = {
  seeds: { kind: 'int', min: 1, help: 'how many seeds to run (required)' },
  from: { kind: 'int', min: 0, help: 'first seed (default 1)' },
  workers: { kind: 'int', min: 1, max: 64, help: 'worker threads (default: the number of cores)' },
  shard: { kind: 'string', help: 'i/n: run only this machine\'s share of the seeds (CI fan-out)' },
  out: { kind: 'string', help: 'directory for traces of failing seeds (default ./raftbed-failures)' },
  validate: { kind: 'int', min: 0, help: 'also validate K of the passing runs\' traces with TLC (TLA+ trace validation)' },
  ...SIM_FLAGS,
};

export interface SweepReport {
  readonly runs: number;
  readonly violations: { seed: number; property: string; detail: string; eventIndex: number; trace: string; replay: string }[];
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly speedOverRealTime: number;
  readonly linearizability: Record<string, number>;
  readonly coverage: Record<string, number>;
  readonly missingCoverage: string[];
  readonly validation: readonly TraceValidation[];
}

export async function sweepCommand(argv: readonly string[], io: CliIo, now: () => number): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS);
  if (flags.help) {
    io.out(helpText('raftbed sweep --seeds N [--from S] [--nodes 5] [--faults PROFILE] [--workers K] [--shard i/n] [--duration MS]', FLAGS));
    return 0;
  }
  if (flags.seeds === undefined) throw new CliUsageError('--seeds is required');
  const from = Number(flags.from ?? 1);
  const shard = flags.shard !== undefined ? parseShard(String(flags.shard)) : { index: 0, count: 1 };
  const seeds: number[] = [];
  for (let k = 0; k < Number(flags.seeds); k++) if (k % shard.count === shard.index) seeds.push(from + k);
  const base = simConfigFromFlags(flags, from);
  resolveBug(base.bug);
  const workers = Math.min(Number(flags.workers ?? availableParallelism()), Math.max(1, seeds.length));
  const outDir = String(flags.out ?? 'raftbed-failures');

  const t0 = now();
  const progress = new ProgressBar(io, seeds.length, now);
  const summaries = await runInWorkers(base, seeds, workers, (s) => progress.tick(s.violation !== null));
  progress.done();
  const wallMs = now() - t0;

  const coverage = new Coverage();
  const linearizability: Record<string, number> = { ok: 0, unknown: 0, violation: 0, skipped: 0 };
  let events = 0;
  let simulatedMs = 0;
  for (const s of summaries) {
    coverage.merge(s.coverage);
    events += s.events;
    simulatedMs += s.simulatedMs;
    linearizability[s.linearizability ?? 'skipped']++;
  }
  const violations = summaries
    .filter((s) => s.violation !== null)
    .map((s) => reproduce(base, s, outDir));
  const missing = missingCoverage(base.faults, coverage.counts);
  const validation = flags.validate ? await validateWithTlc(base, summaries, Number(flags.validate), workers, outDir) : [];
  const report: SweepReport = {
    runs: summaries.length, violations, events, eventsPerSecond: events / (wallMs / 1000), simulatedMs, wallMs,
    speedOverRealTime: simulatedMs / wallMs, linearizability, coverage: coverage.counts, missingCoverage: missing, validation,
  };
  if (flags.json) io.out(JSON.stringify(report, null, 2));
  else printReport(io, base, report, workers);
  const rejected = validation.filter((v) => v.verdict !== 'pass');
  return violations.length > 0 || missing.length > 0 || rejected.length > 0 ? 1 : 0;
}

export interface TraceValidation {
  readonly seed: number;
  readonly trace: string;
  readonly verdict: string;
  readonly detail: string;
}

/** Re-runs K passing seeds with traces and asks TLC whether each is a behaviour of the spec. */
async function validateWithTlc(base: SimConfig, summaries: readonly SeedSummary[], k: number, workers: number, outDir: string): Promise<TraceValidation[]> {
  // Loaded on demand: plain sweeps need neither Java nor TLC.
  const { validateMany } = require('../../tla/validate') as typeof import('../../tla/validate');
  const dir = join(outDir, 'validated');
  mkdirSync(dir, { recursive: true });
  const { version, commit } = buildInfo();
  const chosen = summaries.filter((s) => s.violation === null).slice(0, k);
  const paths = chosen.map((s) => {
    const trace = new MemoryTrace(true);
    runSeed(makeSimConfig({ ...base, seed: s.seed }), { trace, bug: resolveBug(base.bug), version, commit });
    const path = join(dir, `seed-${s.seed}.ndjson`);
    writeFileSync(path, trace.ndjson());
    return path;
  });
  const results = await validateMany(paths, workers);
  return results.map((r, i) => ({
    seed: chosen[i].seed,
    trace: r.path,
    verdict: r.result?.verdict ?? 'error',
    detail: r.problem ?? r.result?.error ?? (r.result?.firstUnmatched ? `line ${r.result.firstUnmatched.line}: ${r.result.firstUnmatched.disagreeingFields.join(', ')}` : `${r.result?.eventsMatched} events matched`),
  }));
}

function runInWorkers(base: SimConfig, seeds: readonly number[], workers: number, onResult: (s: SeedSummary) => void): Promise<SeedSummary[]> {
  const results: SeedSummary[] = [];
  let next = 0;
  return new Promise((resolve, reject) => {
    let live = workers;
    for (let w = 0; w < workers; w++) {
      const worker = new Worker(join(__dirname, 'worker-boot.js'), { workerData: { script: join(__dirname, 'sweep-worker.ts'), config: base } });
      const feed = () => {
        if (next < seeds.length) worker.postMessage(seeds[next++]);
        else void worker.terminate();
      };
      worker.on('message', (s: SeedSummary) => {
        results.push(s);
        onResult(s);
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', () => {
        if (--live === 0) resolve(results.sort((a, b) => a.seed - b.seed));
      });
      feed();
    }
  });
}

/** Re-runs a failing seed with a trace: the run is deterministic, so it fails the same way. */
function reproduce(base: SimConfig, s: SeedSummary, outDir: string) {
  const config = makeSimConfig({ ...base, seed: s.seed });
  const trace = new MemoryTrace(true);
  const { version, commit } = buildInfo();
  const again = runSeed(config, { trace, bug: resolveBug(config.bug), version, commit });
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `seed-${s.seed}.ndjson`);
  writeFileSync(path, trace.ndjson());
  const v = again.violation ?? s.violation;
  return {
    seed: s.seed, property: v?.property ?? '?', detail: v?.detail ?? '', eventIndex: v?.eventIndex ?? -1, trace: path,
    replay: `raftbed replay ${path}   # or: raftbed run ${configFlags(config)}`,
  };
}

function printReport(io: CliIo, base: SimConfig, r: SweepReport, workers: number): void {
  io.out(`raftbed sweep: ${r.runs} runs, profile ${base.faults}, ${base.nodes} nodes, ${base.durationMs} ms each, ${workers} workers`);
  io.out(`  events: ${r.events.toLocaleString('en-US')} (${Math.round(r.eventsPerSecond).toLocaleString('en-US')} events/s across workers)`);
  io.out(`  simulated ${(r.simulatedMs / 1000).toFixed(1)} s in ${(r.wallMs / 1000).toFixed(1)} s of wall time: ${Math.round(r.speedOverRealTime).toLocaleString('en-US')}x real time`);
  io.out(`  linearizability: ${Object.entries(r.linearizability).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  io.out(`  coverage: ${Object.entries(r.coverage).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (r.validation.length > 0) {
    const passed = r.validation.filter((v) => v.verdict === 'pass').length;
    io.out(`  TLA+ trace validation: ${passed}/${r.validation.length} traces are behaviours of the spec`);
    for (const v of r.validation) if (v.verdict !== 'pass') io.out(`    seed ${v.seed}: ${v.verdict.toUpperCase()} ${v.detail} (${v.trace})`);
  }
  if (r.missingCoverage.length > 0) io.out(`  FAULTS NEVER HAPPENED under profile ${base.faults}: ${r.missingCoverage.join(', ')}`);
  if (r.violations.length === 0) {
    io.out('  violations: none');
    return;
  }
  io.out(`  VIOLATIONS: ${r.violations.length}`);
  for (const v of r.violations) {
    io.out(`    seed ${v.seed}: ${v.property} at trace event ${v.eventIndex}: ${v.detail}`);
    io.out(`      trace: ${v.trace}`);
    io.out(`      replay: ${v.replay}`);
  }
}

export { describeViolation };
