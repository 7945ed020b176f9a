/**
 * `raftbed tla validate TRACE.ndjson`: flags, output and exit codes around tla/validate.ts.
 */
import * as fs from 'fs';
import { TraceFormatError } from '../trace/read';
import { CliUsageError, flagHelp, parseArgs, type FlagSpec } from './args';
import { TlcJarNotFoundError, TlcLaunchError, findTlcJar } from '../tla/tlc';
import { JAR_HOW_TO, tracePrefix, validateTraceText, type FirstUnmatched, type ValidationResult } from '../tla/validate';

const VALIDATE_FLAGS: Record<string, FlagSpec> = {
  events: { kind: 'int', min: 1, help: 'validate only the first N events' },
  json: { kind: 'bool', help: 'print the result as JSON' },
  'timeout-seconds': { kind: 'int', min: 1, value: 'S', help: 'stop TLC after S seconds' },
  'no-diagnosis': { kind: 'bool', help: 'on a failure, skip the second TLC run that names the disagreeing fields' },
  help: { kind: 'bool', alias: '-h', help: 'this text' },
};

export const VALIDATE_USAGE = `usage: raftbed tla validate TRACE.ndjson [--events N] [--json] [--timeout-seconds S] [--no-diagnosis]

Decides with TLC whether the trace is a behaviour of tla/trace/TraceRaft.tla.
--events N validates only the first N events: TLC holds the whole trace in memory, and traces of
about 70,000 events or more exhaust its default heap.

options:
${flagHelp(VALIDATE_FLAGS)}

Exit codes: 0 pass, 1 fail (the first unmatched line and its disagreeing fields are printed),
2 usage error or a trace that is malformed, incomplete (no End line), edited, or in an older
format, 3 environment (TLC jar or Java missing), 4 TLC error.`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const STD_IO: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};


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

export interface CliDeps {
  /** Finds the TLC jar (tests replace it to simulate a missing jar). */
  readonly findJar?: () => string;
}

/** `raftbed tla validate ...`; never throws, returns the exit code. */
export async function runValidateCli(argv: string[], io: CliIo = STD_IO, deps: CliDeps = {}): Promise<number> {
  let file: string | undefined;
  try {
    const { flags, positional: files } = parseArgs(argv, VALIDATE_FLAGS, 1);
    if (flags.help) {
      io.out(VALIDATE_USAGE);
      return 0;
    }
    if (files.length === 0) throw new CliUsageError('name one trace file');
    const json = flags.json === true;
    const skipDiagnosis = flags['no-diagnosis'] === true;
    const timeoutMs = flags['timeout-seconds'] === undefined ? undefined : Number(flags['timeout-seconds']) * 1000;
    const events = flags.events === undefined ? undefined : Number(flags.events);
    file = files[0];
    if (!fs.existsSync(file)) throw new CliUsageError(`no such trace file: ${file}`);
    const jar = (deps.findJar ?? findTlcJar)();
    const text = fs.readFileSync(file, 'utf8');
    const result = await validateTraceText(events === undefined ? text : tracePrefix(text, events), { timeoutMs, skipDiagnosis, jar });
    if (json) io.out(JSON.stringify(result, null, 2));
    else for (const line of describe(file, result)) io.out(line);
    return result.verdict === 'pass' ? 0 : result.verdict === 'fail' ? 1 : 4;
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`raftbed tla validate: ${error.message}\n${VALIDATE_USAGE}`);
      return 2;
    }
    if (error instanceof TraceFormatError) {
      // The message says which: malformed, incomplete (no End line), edited, or an older format.
      io.err(`raftbed tla validate: cannot validate ${file ?? 'the trace'}: ${error.message}`);
      return 2;
    }
    if (error instanceof TlcJarNotFoundError) {
      io.err(JAR_HOW_TO);
      return 3;
    }
    if (error instanceof TlcLaunchError) {
      io.err(`raftbed tla validate: ${error.message} (is Java 11+ installed?)`);
      return 3;
    }
    io.err(`raftbed tla validate: unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return 4;
  }
}
