/**
 * `raftbed tla validate TRACE.ndjson`: output and exit codes around tla/validate.ts (the flags are
 * declared in cli/commands-tla.ts).
 */
import * as fs from 'fs';
import { CliUsageError } from './errors';
import { findTlcJar } from '../tla/tlc';
import { tracePrefix, validateTraceText, type FirstUnmatched, type ValidationResult } from '../tla/validate';
import type { Invocation } from './program';
import { performance } from 'node:perf_hooks';
import { tlcPhaseLine } from './progress';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_TOOL_FAILED } from './exit-codes';

function describe(file: string, r: ValidationResult): string[] {
  const seconds = (r.wallMs / 1000).toFixed(1);
  if (r.verdict === 'pass') return [`PASS ${file}: all ${r.eventsTotal} events match a behaviour of TraceRaft (${seconds} s)`];
  if (r.verdict === 'error') {
    const hint = /out of memory/i.test(r.error ?? '') ? ` (the trace has ${r.eventsTotal} events: validate a prefix with --events N)` : '';
    return [`ERROR ${file}: TLC exited ${r.tlcExitCode}: ${r.error ?? ''}${hint} (${seconds} s)`];
  }
  const u = r.firstUnmatched as FirstUnmatched;
  return [
    `FAIL ${file}: line ${u.line} matches no behaviour of TraceRaft (${r.eventsMatched} of ${r.eventsTotal} events matched, ${seconds} s)`,
    `  disagreeing: ${u.disagreeingFields.join(', ')}`,
    `  ${u.content}`,
  ];
}

/** Exit 0 pass, 1 fail, 5 TLC error; a missing or malformed trace is a usage error (2). */
export async function runValidateCli({ flags, args, io, deps }: Invocation): Promise<number> {
  const file = args[0];
  const timeoutMs = flags['timeout-seconds'] === undefined ? undefined : Number(flags['timeout-seconds']) * 1000;
  const events = flags.events === undefined ? undefined : Number(flags.events);
  if (!fs.existsSync(file)) throw new CliUsageError(`no such trace file: ${file}`);
  const jar = (deps.findJar ?? findTlcJar)();
  const text = fs.readFileSync(file, 'utf8');
  let result: ValidationResult;
  const progress = tlcPhaseLine(io, flags, deps.now ?? (() => performance.now()));
  try {
    result = await validateTraceText(events === undefined ? text : tracePrefix(text, events), { timeoutMs, skipDiagnosis: flags['no-diagnosis'] === true, jar, onPhase: progress.onPhase });
  } catch (error) {
    // The message says which: malformed, incomplete (no End line), edited, or an older format.
    if (error instanceof Error && /^Trace\w*Error$/.test(error.name)) throw new CliUsageError(`cannot validate ${file}: ${error.message}`);
    throw error;
  } finally {
    progress.stop();
  }
  if (flags.json) io.out(JSON.stringify(result, null, 2));
  else for (const line of describe(file, result)) io.out(line);
  return result.verdict === 'pass' ? EXIT_OK : result.verdict === 'fail' ? EXIT_CHECK_FAILED : EXIT_TOOL_FAILED;
}
