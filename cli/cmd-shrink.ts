// raftbed shrink TRACE.ndjson: reduces a failing run (cluster size, duration, clients, seed,
// network, fault schedule) to a smaller one that fails with the SAME property, writes the shrunk
// plan and its trace, and prints the sizes before and after, the shrunk run's own violation and
// its replay commands. --impl / --impl-cmd shrink against another Raft than the header's. Ctrl-C stops the search and still writes the best case so far (exit 130).
// Exit 0: a reproducer was written; 1: the input run does not fail; 2: usage;
// 3: the shrunk run did not fail again when traced (the simulator was not deterministic).

import { writeFileSync } from 'node:fs';
import { runSeed } from '../sim/run-seed';
import { MemoryTrace } from '../trace/sink';
import { describeFault } from '../sim/faults';
import { caseConfig, disruptive, paceOf, shrinkSearch, type CasePace, type Judged, type ShrinkCaseResult } from '../sim/shrink';
import { describeViolation, buildInfo, implementationFromFlags, resolveBug, runReplayFlags } from './common';
import { CliUsageError } from './errors';
import type { Flags } from './flags';
import type { SimConfig } from '../sim/config';
import { processSignals } from './io';
import { formatSeconds, progressLine } from './progress';
import { openSimTrace } from './trace-input';
import { performance } from 'node:perf_hooks';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_REPLAY_DIVERGED } from './exit-codes';

export async function shrinkCommand({ flags, args, io, deps }: Invocation): Promise<number> {
  const now = deps.now ?? (() => performance.now());
  const path = args[0];
  // Checked whole first: a cut or edited trace is refused before any re-run.
  const { header, config: recorded } = openSimTrace(path);
  const config = withImplementationFlags(recorded, flags);
  const bug = resolveBug(config.bug);
  const original = runSeed(config, { bug });
  if (original.violation === null) {
    io.out(`${path}: this run does not fail (any more): nothing to shrink`);
    return EXIT_CHECK_FAILED;
  }
  const maxAttempts = Number(flags['max-attempts'] ?? 2000);
  const budgetMs = Number(flags['budget-s'] ?? 120) * 1000;
  const t0 = now();
  const line = progressLine(io, flags, now, 'runs', budgetMs);
  // Ctrl-C ends the search; the best case found so far is still traced and written (exit 130).
  let interrupted = false;
  const offInterrupt = (deps.onSignal ?? processSignals)('SIGINT', () => {
    interrupted = true;
  });
  let result: ShrinkCaseResult;
  try {
    const search = shrinkSearch(config, {
      bug, maxAttempts,
      shouldStop: () => interrupted || now() - t0 > budgetMs,
      onAttempt: (p) => line.update(p.attempts, p.maxAttempts, `best ${p.best.size.events} events (${p.accepted} kept, trying ${p.dimension})`),
    });
    for (;;) {
      const step = search.next();
      if (step.done === true) {
        result = step.value;
        break;
      }
      // Each attempt is a whole simulated run; between two, the event loop delivers signals.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    offInterrupt();
  }
  line.done();
  const wallS = (now() - t0) / 1000;

  // The shrunk run, traced for real: its own violation, and the file `raftbed replay` re-checks.
  const shrunkConfig = caseConfig(config, result.shrunk.case);
  const { version, commit } = buildInfo();
  const trace = new MemoryTrace(true);
  const rerun = runSeed(shrunkConfig, { trace, bug, version, commit });
  const property = result.original.violation.property;
  if (rerun.violation?.property !== property) {
    // Cannot happen for a deterministic simulator; if it does, say so rather than write a false reproducer.
    io.err(`shrink: the shrunk run did not fail with ${property} when re-run with a trace (${rerun.violation ? describeViolation(rerun.violation) : 'no violation'})`);
    return EXIT_REPLAY_DIVERGED;
  }
  const prefix = String(flags.out ?? `${path.replace(/\.ndjson$/, '')}.shrunk`);
  const planFile = `${prefix}.plan.json`;
  const traceFile = `${prefix}.ndjson`;
  const c = result.shrunk.case;
  // The plan file carries the whole config of the shrunk run (pace included) besides its faults and
  // network, and the printed `raftbed run` repeats every setting that differs from its defaults.
  const { faultPlan: _plan, ...shrunkSettings } = shrunkConfig;
  const runReplay = `raftbed run ${runReplayFlags(shrunkConfig)} --plan ${planFile}`;
  writeFileSync(planFile, JSON.stringify({ ...c.plan, replay: { seed: c.seed, config: shrunkSettings, command: runReplay } }, null, 2) + '\n');
  writeFileSync(traceFile, trace.ndjson());
  const replay = `raftbed replay ${traceFile}`;
  const exit = interrupted ? EXIT_INTERRUPTED : EXIT_OK;
  const sizes = (j: Judged) => ({ ...j.size, nodes: j.case.nodes, clients: j.case.clients, durationMs: j.case.durationMs, seed: j.case.seed, pace: j.case.pace ?? paceOf(config) });
  if (flags.json) {
    io.out(JSON.stringify({
      source: path, sourceSeed: header.seed, property, before: sizes(result.original), after: { ...sizes(result.shrunk), events: trace.lines },
      violation: rerun.violation, originalViolation: result.original.violation, attempts: result.attempts, accepted: result.accepted,
      truncated: result.truncated, interrupted, wallS, plan: planFile, trace: traceFile, replay, runReplay,
    }, null, 2));
    return exit;
  }
  const o = result.original;
  const s = result.shrunk;
  if (interrupted) io.out(`shrink: interrupted after ${result.attempts} runs: the best reproducer so far follows`);
  io.out(`${property}: shrunk in ${result.attempts} runs (${result.accepted} kept${result.truncated ? ', stopped by the bound' : ''}) in ${formatSeconds(wallS)}`);
  io.out(`  events      ${o.size.events} -> ${trace.lines}`);
  io.out(`  faults      ${o.size.faults} -> ${s.size.faults}`);
  io.out(`  operations  ${o.size.operations} -> ${s.size.operations}`);
  io.out(`  nodes ${o.case.nodes} -> ${c.nodes}, clients ${o.case.clients} -> ${c.clients}, duration ${o.case.durationMs} -> ${c.durationMs} ms, seed ${o.case.seed} -> ${c.seed}`);
  io.out(`  pace        ${describePaceChange(o.case.pace ?? paceOf(config), c.pace ?? paceOf(config))}`);
  for (const f of disruptive(c.plan)) io.out(`    ${describeFault(f)}`);
  io.out(`violation: ${describeViolation(rerun.violation)}`);
  io.out(`  (the original run: ${describeViolation(o.violation)})`);
  io.out(`plan: ${planFile}`);
  io.out(`trace: ${traceFile}`);
  io.out(`replay: ${replay}`);
  io.out(`   or: ${runReplay}`);
  return exit;
}

/**
 * The recorded config, run against the implementation --impl or --impl-cmd names instead of the
 * header's (a binary rebuilt or found elsewhere on this machine). A planted bug wraps core's step,
 * so a trace of one is refused with either flag, as run and sweep refuse the pair.
 */
function withImplementationFlags(recorded: SimConfig, flags: Flags): SimConfig {
  const chosen = implementationFromFlags(flags);
  if (chosen.implementation === undefined) return recorded;
  if (recorded.bug !== undefined) throw new CliUsageError(`--impl and --impl-cmd choose another Raft, but this trace ran planted bug ${recorded.bug}, and planted bugs wrap core's step`);
  return { ...recorded, ...chosen };
}

/** "tick 10 -> 40 ms, think 20 -> 80 ms" (only what changed), or "unchanged (tick 10 ms, ...)". */
function describePaceChange(from: CasePace, to: CasePace): string {
  const settings: [keyof CasePace, string, string][] = [
    ['tickMs', 'tick', 'ms'], ['electionTimeoutTicks', 'election', 'ticks'], ['heartbeatIntervalTicks', 'heartbeat', 'ticks'],
    ['thinkMeanMs', 'think', 'ms'], ['attemptTimeoutMs', 'attempt timeout', 'ms'], ['operationTimeoutMs', 'operation timeout', 'ms'],
  ];
  // The workload's limits, absent until the shrinker sets them (sim/shrink.ts operationCandidates).
  const limits: [keyof CasePace, string, string, string][] = [
    ['startInvokingAtMs', 'clients start', 'ms', '0'], ['maxOperations', 'operations at most', '', 'no limit'], ['redirectPauseMs', 'retry pause', 'ms', '5'],
  ];
  const changed = [...settings, ...limits.map(([k, name, unit]) => [k, name, unit] as [keyof CasePace, string, string])]
    .filter(([k]) => from[k] !== to[k])
    .map(([k, name, unit]) => {
      const absent = limits.find(([l]) => l === k)?.[3];
      return `${name} ${from[k] ?? absent} -> ${to[k] ?? absent}${unit ? ` ${unit}` : ''}`;
    });
  return changed.length > 0 ? changed.join(', ') : `unchanged (${settings.map(([k, name, unit]) => `${name} ${to[k]} ${unit}`).join(', ')})`;
}
