// raftbed sweep --seeds N: the main job. Runs seeds in parallel on worker threads, checks every
// run, and fails on any violation or on a fault profile whose faults never happened. An exception
// in one seed is that seed's violation (UncaughtException); the other seeds are still reported.

import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runSeed, type SeedOutcome } from '../sim/run-seed';
import { writeFailureArtifacts, type FailureArtifacts } from './failure-artifacts';
import { MemoryTrace } from '../trace/sink';
import { makeSimConfig, type SimConfig } from '../sim/config';
import { Coverage, missingCoverage, notDrawnCoverage } from '../sim/cluster/coverage';
import { performance } from 'node:perf_hooks';
import { simConfigFromFlags, configFlags, describeViolation, buildInfo, resolveBug, capabilitySkip } from './common';
import { uncaughtViolation, type Violation } from '../sim/cluster/simulation';
import type { SeedSummary, SweepReport, SweepViolation, SweepAvailability, TraceValidation } from './sweep-types';
import { processSignals, type CliIo } from './io';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_INTERRUPTED, EXIT_OK } from './exit-codes';
import { progressLine, type RateLine } from './progress';
import { PACKAGE_ROOT } from './package-root';
import { runInWorkers } from './sweep-pool';
import { configDigest, type SweepProvenance } from './sweep-merge';
import type { PlantedBug } from '../sim/bugs/types';

/** The flags are declared in commands-sim.ts; deps.sweepBugModule plants a harness fault (tests). */
export async function sweepCommand({ flags, io, deps }: Invocation): Promise<number> {
  const now = deps.now ?? (() => performance.now());
  const hooks = { bugModule: deps.sweepBugModule };
  const from = Number(flags.from ?? 1);
  const shard = (flags.shard as { index: number; count: number } | undefined) ?? { index: 0, count: 1 };
  const seeds: number[] = [];
  for (let k = 0; k < Number(flags.seeds); k++) if (k % shard.count === shard.index) seeds.push(from + k);
  const base = simConfigFromFlags(flags, from);
  const skipped = capabilitySkip(base);
  if (skipped !== null) {
    io.out(flags.json ? JSON.stringify({ skipped: true, reason: skipped }) : skipped);
    return EXIT_OK;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bug = hooks.bugModule !== undefined ? (require(hooks.bugModule) as { plantedBug: PlantedBug }).plantedBug : resolveBug(base.bug);
  const workers = Math.min(Number(flags.workers ?? availableParallelism()), Math.max(1, seeds.length));
  const outDir = String(flags.out ?? 'raftbed-failures');

  const t0 = now();
  const progress = progressLine(io, flags, now, 'runs');
  const finished: SeedSummary[] = [];
  // Ctrl-C stops the workers; then the seeds finished so far, the failing ones with their replay
  // commands, and exit 130.
  const stop = new AbortController();
  const offInterrupt = (deps.onSignal ?? processSignals)('SIGINT', () => stop.abort());
  let summaries: SeedSummary[];
  try {
    summaries = await runInWorkers(base, seeds, {
      workers, bugModule: hooks.bugModule, signal: stop.signal,
      onResult: (s) => {
        finished.push(s);
        progress.update(finished.length, seeds.length, `${finished.filter((f) => f.violation !== null).length} failing`);
      },
    });
  } finally {
    offInterrupt();
  }
  progress.done();
  if (stop.signal.aborted) {
    printInterrupted(io, base, finished, seeds.length);
    return EXIT_INTERRUPTED;
  }
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
    .map((s) => reproduce(base, s, outDir, bug));
  const missing = missingCoverage(base.faults, coverage.counts, base.nodes);
  const validation = flags.validate ? await validateWithTlc(base, summaries, Number(flags.validate), workers, outDir, bug, progressLine(io, flags, now, 'traces')) : [];
  const report: SweepReport & SweepProvenance = {
    runs: summaries.length, violations, events, eventsPerSecond: events / (wallMs / 1000), simulatedMs, wallMs,
    speedOverRealTime: simulatedMs / wallMs, linearizability, coverage: coverage.counts, missingCoverage: missing, validation,
    availability: worstAvailability(summaries),
    ...provenance(base, shard, from, Number(flags.seeds), seeds),
  };
  if (flags.json) io.out(JSON.stringify(report, null, 2));
  else printReport(io, base, report, workers);
  const rejected = validation.filter((v) => v.verdict !== 'pass');
  return violations.length > 0 || missing.length > 0 || rejected.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

/** Who ran this share of which sweep: what `raftbed merge` checks before it adds shards up. */
function provenance(base: SimConfig, shard: { index: number; count: number }, from: number, count: number, seeds: readonly number[]): SweepProvenance {
  const { seed: _seed, ...config } = base;
  const { version, commit } = buildInfo();
  return { raftbed: { version, commit }, config, configDigest: configDigest(config), shard, seedRange: { from, count }, seeds };
}

/** Re-runs K passing seeds with traces and asks TLC whether each is a behaviour of the spec. */
async function validateWithTlc(base: SimConfig, summaries: readonly SeedSummary[], k: number, workers: number, outDir: string, bug: PlantedBug | undefined, progress: RateLine): Promise<TraceValidation[]> {
  // Loaded on demand: plain sweeps need neither Java nor TLC.
  const { validateMany } = require('../tla/validate') as typeof import('../tla/validate');
  const dir = join(outDir, 'validated');
  mkdirSync(dir, { recursive: true });
  const { version, commit } = buildInfo();
  const chosen = summaries.filter((s) => s.violation === null).slice(0, k);
  const paths = chosen.map((s) => {
    const trace = new MemoryTrace(true);
    runSeed(makeSimConfig({ ...base, seed: s.seed }), { trace, bug, version, commit });
    const path = join(dir, `seed-${s.seed}.ndjson`);
    writeFileSync(path, trace.ndjson());
    return path;
  });
  // One line for the validation stage: traces done of K, their rate and ETA, and the verdicts so far.
  const results = await validateMany(paths, workers, {
    onTraceDone: (p) => progress.update(p.done, p.total, `${p.passed} passed, ${p.failed} failed, ${p.errors} errors`),
  });
  progress.done();
  return results.map((r, i) => ({
    seed: chosen[i].seed,
    trace: r.path,
    verdict: r.result?.verdict ?? 'error',
    detail: r.problem ?? r.result?.error ?? (r.result?.firstUnmatched ? `line ${r.result.firstUnmatched.line}: ${r.result.firstUnmatched.disagreeingFields.join(', ')}` : `${r.result?.eventsMatched} events matched`),
  }));
}

function worstAvailability(summaries: readonly SeedSummary[]): SweepAvailability {
  let w = {
    maxLeaderlessMs: 0, leaderlessBoundMs: Infinity, maxOperationMs: 0, stalledOperationBoundMs: Infinity, catchUpBoundMs: Infinity, catchUpWindowsJudged: 0, catchUpExtensions: 0,
  };
  for (const s of summaries) {
    const a = s.availability;
    if (a === null || a.bounds === null) continue;
    w = {
      maxLeaderlessMs: Math.max(w.maxLeaderlessMs, a.maxLeaderlessMs),
      leaderlessBoundMs: Math.min(w.leaderlessBoundMs, a.bounds.leaderlessMs),
      maxOperationMs: Math.max(w.maxOperationMs, a.maxOperationMs),
      stalledOperationBoundMs: Math.min(w.stalledOperationBoundMs, a.bounds.stalledOperationMs),
      catchUpBoundMs: Math.min(w.catchUpBoundMs, a.bounds.catchUpMs),
      catchUpWindowsJudged: w.catchUpWindowsJudged + a.catchUpWindowsJudged,
      catchUpExtensions: w.catchUpExtensions + a.catchUpExtensions,
    };
  }
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return { ...w, leaderlessBoundMs: finite(w.leaderlessBoundMs), stalledOperationBoundMs: finite(w.stalledOperationBoundMs), catchUpBoundMs: finite(w.catchUpBoundMs) };
}

/**
 * Re-runs a failing seed with a trace: the run is deterministic, so it fails the same way. A seed
 * that killed its worker is not re-run here (it could take the sweep down with it); a re-run that
 * throws keeps the worker's verdict. Either way the seed is reported with its replay command.
 */
function reproduce(base: SimConfig, s: SeedSummary, outDir: string, bug: PlantedBug | undefined): SweepViolation {
  const config = makeSimConfig({ ...base, seed: s.seed });
  const replayRun = `raftbed run ${configFlags(config)}`;
  let again: Violation | null = null;
  let path = '';
  let artifacts: FailureArtifacts = { view: '', linearizability: null };
  if (s.workerDied !== true) {
    const trace = new MemoryTrace(true);
    const { version, commit } = buildInfo();
    let outcome: SeedOutcome | null = null;
    try {
      outcome = runSeed(config, { trace, bug, version, commit });
      again = outcome.violation;
    } catch (e) {
      again = uncaughtViolation(e, -1, trace.lines);
    }
    mkdirSync(outDir, { recursive: true });
    path = join(outDir, `seed-${s.seed}.ndjson`);
    const text = trace.ndjson();
    writeFileSync(path, text);
    try {
      artifacts = writeFailureArtifacts(path, text, outcome ?? { history: [], linearizability: null });
    } catch (e) {
      // The pages are a convenience: a page that cannot be drawn must not lose the seed's report.
      artifacts = { view: `(not written: ${(e as Error).message})`, linearizability: null };
    }
  }
  const v = again ?? s.violation;
  const frames = v?.frames?.map(repoRelative);
  return {
    seed: s.seed, property: v?.property ?? '?', detail: v?.detail ?? '', eventIndex: v?.eventIndex ?? -1, ...(frames ? { frames } : {}), trace: path,
    view: artifacts.view, linearizabilityReport: artifacts.linearizability,
    replay: path !== '' ? `raftbed replay ${path}   # or: ${replayRun}` : replayRun,
  };
}

const REPO_ROOT = PACKAGE_ROOT;

/** A stack frame with the repository's location on this machine left out. */
function repoRelative(frame: string): string {
  return frame.split(REPO_ROOT + '/').join('');
}

/** The partial summary printed on Ctrl-C: no traces are written (that would re-run seeds), only replay commands. */
export function printInterrupted(io: CliIo, base: SimConfig, finished: readonly SeedSummary[], total: number): void {
  const failing = finished.filter((s) => s.violation !== null).sort((a, b) => a.seed - b.seed);
  io.out(`raftbed sweep: interrupted after ${finished.length}/${total} runs, ${failing.length} failing`);
  for (const s of failing) {
    const v = s.violation as Violation;
    io.out(`    seed ${s.seed}: ${v.property}: ${v.detail}`);
    io.out(`      replay: raftbed run ${configFlags(makeSimConfig({ ...base, seed: s.seed }))} --trace seed-${s.seed}.ndjson`);
  }
}

function printReport(io: CliIo, base: SimConfig, r: SweepReport, workers: number): void {
  io.out(`raftbed sweep: ${r.runs} runs, profile ${base.faults}, ${base.nodes} nodes, ${base.durationMs} ms each, ${workers} workers`);
  io.out(`  events: ${r.events.toLocaleString('en-US')} (${Math.round(r.eventsPerSecond).toLocaleString('en-US')} events/s across workers)`);
  io.out(`  simulated ${(r.simulatedMs / 1000).toFixed(1)} s in ${(r.wallMs / 1000).toFixed(1)} s of wall time: ${Math.round(r.speedOverRealTime).toLocaleString('en-US')}x real time`);
  io.out(`  linearizability: ${Object.entries(r.linearizability).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  io.out(`  coverage: ${Object.entries(r.coverage).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const a = r.availability;
  if (a.catchUpWindowsJudged > 0 || a.maxLeaderlessMs > 0) {
    const ms = (x: number | null) => (x === null ? '-' : x.toFixed(0));
    io.out(`  availability after quiet: longest leaderless ${ms(a.maxLeaderlessMs)} ms (bound ${ms(a.leaderlessBoundMs)}), slowest operation ${ms(a.maxOperationMs)} ms (bound ${ms(a.stalledOperationBoundMs)}), catch-up windows ${a.catchUpWindowsJudged} judged, ${a.catchUpExtensions} extended (bound ${ms(a.catchUpBoundMs)} ms)`);
  }
  if (r.validation.length > 0) {
    const passed = r.validation.filter((v) => v.verdict === 'pass').length;
    io.out(`  TLA+ trace validation: ${passed}/${r.validation.length} traces are behaviours of the spec`);
    for (const v of r.validation) if (v.verdict !== 'pass') io.out(`    seed ${v.seed}: ${v.verdict.toUpperCase()} ${v.detail} (${v.trace})`);
  }
  const notDrawn = notDrawnCoverage(base.faults, r.coverage as Parameters<typeof notDrawnCoverage>[1]);
  if (notDrawn.length > 0) io.out(`  not drawn, for want of the implementation's capability (runsWith* at 0): ${notDrawn.join(', ')}`);
  if (r.missingCoverage.length > 0) io.out(`  FAULTS NEVER HAPPENED under profile ${base.faults}: ${r.missingCoverage.join(', ')}`);
  if (r.violations.length === 0) {
    io.out('  violations: none');
    return;
  }
  io.out(`  VIOLATIONS: ${r.violations.length}`);
  for (const v of r.violations) {
    io.out(`    seed ${v.seed}: ${v.property} at trace event ${v.eventIndex}: ${v.detail}`);
    for (const f of v.frames ?? []) io.out(`      ${f}`);
    if (v.trace !== '') io.out(`      trace: ${v.trace}`);
    if (v.view !== '') io.out(`      view: ${v.view}`);
    if (v.linearizabilityReport !== null) io.out(`      linearizability report: ${v.linearizabilityReport}`);
    io.out(`      replay: ${v.replay}`);
  }
}

export { describeViolation };
export type { SweepReport, SweepViolation, SweepAvailability, TraceValidation };
