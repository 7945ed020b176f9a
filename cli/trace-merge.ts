// `raftbed tla merge`: merge a browser run's exported traces into one cluster trace, and with
// --validate check it as the end-to-end test does (TLC trace validation and sim's SafetyChecker).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliUsageError, flagHelp, parseArgs, type FlagSpec } from './args';
import { TraceFormatError } from '../trace/read';
import { TlcJarNotFoundError, TlcLaunchError, findTlcJar } from '../tla/tlc';
import { JAR_HOW_TO, validateTraceText, type ValidationResult } from '../tla/validate';
import { checkMergedTraceSafety, type MergedSafetyResult } from '../browser-adapter/merged-trace-safety';
import { TraceMergeError, mergeBrowserTraces, type MergeStats, type TraceInput } from '../browser-adapter/trace-merge';

const MERGE_FLAGS: Record<string, FlagSpec> = {
  output: { kind: 'string', alias: '-o', value: 'MERGED.ndjson', help: 'write the merged trace here (required)' },
  validate: { kind: 'bool', help: "then check it: TLC trace validation and sim's SafetyChecker" },
  'timeout-seconds': { kind: 'int', min: 1, value: 'S', help: 'stop TLC after S seconds' },
  json: { kind: 'bool', help: 'print one JSON report instead of text' },
  help: { kind: 'bool', alias: '-h', help: 'this text' },
};

export const MERGE_USAGE = `usage: raftbed tla merge TRACE_OR_DIR... -o MERGED.ndjson [--validate] [--timeout-seconds S] [--json]

Merges the per-tab, per-incarnation traces of one browser run (files, or directories whose
*.ndjson files are taken, except *.merged.ndjson) into one cluster trace in causal order,
written to MERGED.ndjson.
--validate then checks it: TLC trace validation against TraceRaft and sim's SafetyChecker.

options:
${flagHelp(MERGE_FLAGS)}

Exit codes: 0 merged (and valid), 1 TLC or the checker rejected it, 2 usage error or inputs that
cannot be merged (the error kind is printed), 3 TLC jar or Java missing, 4 TLC error.`;

export interface MergeCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const STD_IO: MergeCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

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

/** `raftbed tla merge ...`; never throws, returns the exit code. */
export async function runTraceMergeCli(argv: string[], io: MergeCliIo = STD_IO, deps: { findJar?: () => string } = {}): Promise<number> {
  try {
    const { flags, positional: args } = parseArgs(argv, MERGE_FLAGS, Infinity);
    if (flags.help) {
      io.out(MERGE_USAGE);
      return 0;
    }
    const output = flags.output === undefined ? undefined : String(flags.output);
    const validate = flags.validate === true;
    const json = flags.json === true;
    const timeoutMs = flags['timeout-seconds'] === undefined ? undefined : Number(flags['timeout-seconds']) * 1000;
    if (output === undefined) throw new CliUsageError('name the merged trace with -o MERGED.ndjson');
    if (args.length === 0) throw new CliUsageError('name the traces (files or directories) to merge');
    const files = collectTraceFiles(args, output);
    // The jar is looked up before any work, so a missing one fails fast.
    const jar = validate ? (deps.findJar ?? findTlcJar)() : undefined;
    const inputs: TraceInput[] = files.map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
    const merged = mergeBrowserTraces(inputs);
    fs.writeFileSync(output, merged.text);
    let report: MergeCliReport = { output, stats: merged.stats };
    if (!json) io.out(describeStats(merged.stats, output));
    if (!validate) {
      if (json) io.out(JSON.stringify(report, null, 2));
      return 0;
    }
    const invariants = checkMergedTraceSafety(merged.text);
    if (!json) io.out(describeInvariants(invariants));
    const tlc = await validateTraceText(merged.text, { jar, timeoutMs });
    if (!json) io.out(describeTlc(tlc));
    report = { ...report, invariants, tlc };
    if (json) io.out(JSON.stringify(report, null, 2));
    if (tlc.verdict === 'error') return 4;
    return invariants.ok && tlc.verdict === 'pass' ? 0 : 1;
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`raftbed tla merge: ${error.message}\n${MERGE_USAGE}`);
      return 2;
    }
    if (error instanceof TraceMergeError) {
      io.err(`raftbed tla merge: cannot merge: ${error.message}`);
      return 2;
    }
    if (error instanceof TraceFormatError) {
      io.err(`raftbed tla merge: malformed merged trace: ${error.message}`);
      return 2;
    }
    if (error instanceof TlcJarNotFoundError) {
      io.err(JAR_HOW_TO);
      return 3;
    }
    if (error instanceof TlcLaunchError) {
      io.err(`raftbed tla merge: ${error.message} (is Java 11+ installed?)`);
      return 3;
    }
    io.err(`raftbed tla merge: unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return 4;
  }
}
