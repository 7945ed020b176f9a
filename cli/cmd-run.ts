// raftbed run --seed S [--trace FILE]: one seed, optionally traced, with a one-line replay on failure.

import { writeFileSync } from 'node:fs';
import { runSeed } from '../sim/run-seed';
import { MemoryTrace } from '../trace/sink';
import { FileTrace } from '../trace/file-sink';
import { MAX_TRACED_DURATION_MS } from './trace-input';
import { parseFaultPlan } from '../sim/faults';
import { readFileSync } from 'node:fs';
import { CliUsageError } from './errors';
import { simConfigFromFlags, configFlags, describeViolation, buildInfo, resolveBug, capabilitySkip } from './common';
import { renderViolationHtml } from '../linearizability';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_OK } from './exit-codes';

export async function runCommand({ flags, io }: Invocation): Promise<number> {
  let config = simConfigFromFlags(flags, Number(flags.seed));
  if (flags.plan !== undefined) config = { ...config, faultPlan: loadPlan(String(flags.plan), config.nodes) };
  const bug = resolveBug(config.bug);
  const skipped = capabilitySkip(config);
  if (skipped !== null) {
    io.out(flags.json ? JSON.stringify({ skipped: true, reason: skipped }) : skipped);
    return EXIT_OK;
  }
  if (flags.trace !== undefined && config.durationMs > MAX_TRACED_DURATION_MS) {
    throw new CliUsageError(`--duration: a traced run lasts at most ${MAX_TRACED_DURATION_MS} ms (one simulated day), the most replay accepts`);
  }
  // Streamed to a temporary file and renamed when complete: memory stays flat however long the
  // run, and a killed run leaves no file that passes for its trace (trace/file-sink.ts).
  const trace = flags.trace !== undefined ? new FileTrace(String(flags.trace), { tempSuffix: String(process.pid) }) : new MemoryTrace(false);
  const { version, commit } = buildInfo();
  let result;
  try {
    result = runSeed(config, { trace, bug, version, commit });
    if (trace instanceof FileTrace) trace.finish();
  } catch (e) {
    if (trace instanceof FileTrace) trace.abort();
    throw e;
  }
  if (flags.hash) {
    io.out(trace.digest());
    return result.violation ? EXIT_CHECK_FAILED : EXIT_OK;
  }
  const summary = {
    seed: config.seed, violation: result.violation, events: result.events, simulatedMs: result.simulatedMs,
    operations: result.history.length, committed: result.committed, traceSha256: trace.digest(),
    linearizability: result.linearizability?.verdict ?? null, coverage: result.coverage.counts,
  };
  if (result.violation && result.linearizability?.verdict === 'violation') {
    const htmlPath = `${flags.trace ?? `raftbed-seed-${config.seed}`}.linearizability.html`;
    writeFileSync(htmlPath, renderViolationHtml(result.history, result.linearizability));
    io.err(`linearizability report: ${htmlPath}`);
  }
  if (flags.json) {
    io.out(JSON.stringify(summary, null, 2));
  } else if (result.violation) {
    io.out(`VIOLATION seed ${config.seed}: ${describeViolation(result.violation)}`);
    if (flags.trace !== undefined) io.out(`trace: ${flags.trace}`);
    io.out(`replay: raftbed run ${configFlags(config)}${flags.plan ? ` --plan ${flags.plan}` : ''} --trace seed-${config.seed}.ndjson`);
  } else {
    io.out(`ok seed ${config.seed}: ${result.events} events, ${result.history.length} operations, commit ${result.committed}, linearizability ${summary.linearizability}, trace ${summary.traceSha256.slice(0, 16)}`);
  }
  return result.violation ? EXIT_CHECK_FAILED : EXIT_OK;
}

export function loadPlan(path: string, nodes: number) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliUsageError(`--plan ${path}: ${(e as Error).message}`);
  }
  try {
    return parseFaultPlan(raw, { nodes: Array.from({ length: nodes }, (_, i) => `n${i + 1}`) });
  } catch (e) {
    throw new CliUsageError(`--plan ${path}: ${(e as Error).message}`);
  }
}
