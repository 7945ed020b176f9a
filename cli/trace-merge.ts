// `raftbed tla merge`: merge a browser run's exported traces into one cluster trace, and with
// --validate check it as the end-to-end test does (TLC trace validation and sim's SafetyChecker).

import { performance } from 'node:perf_hooks';
import { tlcPhaseLine } from './progress';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliUsageError } from './errors';
import { findTlcJar } from '../tla/tlc';
import { validateTraceText, type ValidationResult } from '../tla/validate';
import { checkMergedTraceSafety, type MergedSafetyResult } from '../browser-adapter/merged-trace-safety';
import { TraceMergeError, mergeBrowserTraces, type MergeStats, type TraceInput } from '../browser-adapter/trace-merge';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_TOOL_FAILED } from './exit-codes';

/** Merged traces, skipped when a directory is read (the e2e test saves one beside its inputs). */
export const MERGED_SUFFIX = '.merged.ndjson';

/** Files named, plus every *.ndjson in directories named (sorted); the output file is never an input. */
export function collectTraceFiles(args: readonly string[], output: string): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (!fs.existsSync(arg)) throw new CliUsageError(`no such file or directory: ${arg}`);
    if (fs.statSync(arg).isDirectory()) {
      files.push(...fs.readdirSync(arg).filter((f) => f.endsWith('.ndjson') && !f.endsWith(MERGED_SUFFIX)).sort().map((f) => path.join(arg, f)));
    } else {
      files.push(arg);
    }
  }
  const out = path.resolve(output);
  const inputs = files.filter((f) => path.resolve(f) !== out);
  if (inputs.length === 0) throw new CliUsageError('no .ndjson traces found in the inputs');
  return inputs;
}

export interface MergeCliReport {
  readonly output: string;
  readonly stats: MergeStats;
  readonly invariants?: MergedSafetyResult;
  readonly tlc?: ValidationResult;
}

function describeStats(s: MergeStats, output: string): string {
  return `merged ${s.traces} traces of ${s.nodes} nodes: ${s.events} events, ${s.crashes} crash(es), ${s.deliveries} deliveries of ${s.sends} sends -> ${output}`;
}

function describeInvariants(r: MergedSafetyResult): string {
  if (r.ok) return `invariants PASS: sim SafetyChecker over ${r.stats.steps} steps, ${r.stats.leaders} elected term(s), ${r.stats.restarts} restart(s), highest committed ${r.stats.highestCommitted}`;
  const v = r.violation as NonNullable<MergedSafetyResult['violation']>;
  return `invariants FAIL: ${v.property} at line ${v.line}${v.src ? ` (${v.src})` : ''}${v.node ? ` on ${v.node}` : ''}: ${v.detail}`;
}

function describeTlc(r: ValidationResult): string {
  const seconds = (r.wallMs / 1000).toFixed(1);
  if (r.verdict === 'pass') return `TLC PASS: all ${r.eventsTotal} events match a behaviour of TraceRaft (${seconds} s)`;
  if (r.verdict === 'error') return `TLC ERROR: exit ${r.tlcExitCode}: ${r.error ?? ''} (${seconds} s)`;
  const u = r.firstUnmatched;
  return `TLC FAIL: line ${u?.line} matches no behaviour of TraceRaft (${r.eventsMatched} of ${r.eventsTotal} events matched, ${seconds} s)\n  ${u?.content ?? ''}`;
}

/** `raftbed tla merge ...` (flags in cli/commands-tla.ts): exit 0 merged (and valid), 1 rejected, 5 TLC error. */
export async function runTraceMergeCli({ flags, args, io, deps }: Invocation): Promise<number> {
  const output = String(flags.output);
  const validate = flags.validate === true;
  const json = flags.json === true;
  const timeoutMs = flags['timeout-seconds'] === undefined ? undefined : Number(flags['timeout-seconds']) * 1000;
  const files = collectTraceFiles(args, output);
  // The jar is looked up before any work, so a missing one fails fast.
  const jar = validate ? (deps.findJar ?? findTlcJar)() : undefined;
  const inputs: TraceInput[] = files.map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
  let merged: ReturnType<typeof mergeBrowserTraces>;
  try {
    merged = mergeBrowserTraces(inputs);
  } catch (error) {
    if (error instanceof TraceMergeError) throw new CliUsageError(`cannot merge: ${error.message}`);
    throw error;
  }
  fs.writeFileSync(output, merged.text);
  let report: MergeCliReport = { output, stats: merged.stats };
  if (!json) io.out(describeStats(merged.stats, output));
  if (!validate) {
    if (json) io.out(JSON.stringify(report, null, 2));
    return EXIT_OK;
  }
  let invariants: MergedSafetyResult;
  let tlc: ValidationResult;
  const progress = tlcPhaseLine(io, flags, deps.now ?? (() => performance.now()));
  try {
    invariants = checkMergedTraceSafety(merged.text);
    if (!json) io.out(describeInvariants(invariants));
    tlc = await validateTraceText(merged.text, { jar, timeoutMs, onPhase: progress.onPhase });
  } catch (error) {
    if (error instanceof Error && /^Trace\w*Error$/.test(error.name)) throw new CliUsageError(`malformed merged trace: ${error.message}`);
    throw error;
  } finally {
    progress.stop();
  }
  if (!json) io.out(describeTlc(tlc));
  report = { ...report, invariants, tlc };
  if (json) io.out(JSON.stringify(report, null, 2));
  if (tlc.verdict === 'error') return EXIT_TOOL_FAILED;
  return invariants.ok && tlc.verdict === 'pass' ? EXIT_OK : EXIT_CHECK_FAILED;
}
