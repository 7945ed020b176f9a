/**
 * TLA+ trace validation: does TLC find a behaviour of tla/trace/TraceRaft.tla matching a trace?
 *
 * Verdicts come from TLC's exit code together with its `-tool` message codes (tla/tlc.ts):
 *   exit 12 + "Invariant TraceNotFullyMatched is violated"  -> pass (the whole trace matched);
 *   exit 0  + "No error has been found"                      -> fail (no behaviour matches);
 *   anything else                                             -> error.
 * On a fail, the search depth says how far the best behaviour got, and a second run with
 * DiagnoseAt prints the spec's candidates at the first unmatched event (tla/trace/diagnose.ts).
 *
 * The `raftbed tla validate` command (cli/tla-validate.ts) is a thin layer over validateTraceText.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TraceFormatError, parseTrace } from '../trace/read';
import { completeTrace } from '../trace/sink';
import { findTlcJar, runTlc, type TlcResult } from './tlc';
import { convertTrace, generateModule, type ConvertedTrace } from './trace/convert';
import { disagreeingFields, extractDiagnostics } from './trace/diagnose';

export const TRACE_SPEC_DIR = path.join(__dirname, 'trace');
export const SPEC_DIR = __dirname;
export const ACCEPTANCE_INVARIANT = 'TraceNotFullyMatched';
export const JAR_HOW_TO = 'TLC jar not found: run `bash tla/install-tlc.sh` (or set TLA2TOOLS_JAR to a tla2tools jar)';

export type Verdict = 'pass' | 'fail' | 'error';

export interface FirstUnmatched {
  /** 1-based line number in the trace file (the header is line 1). */
  readonly line: number;
  /** The line as written. */
  readonly content: string;
  /** Fields of that event that disagree with every behaviour of the spec (see diagnose.ts). */
  readonly disagreeingFields: string[];
}

export interface ValidationResult {
  readonly verdict: Verdict;
  /** Events (of those the spec models) matched before the first that could not be. */
  readonly eventsMatched: number;
  /** Events the spec models; trace lines it ignores by design are not counted. */
  readonly eventsTotal: number;
  readonly firstUnmatched?: FirstUnmatched;
  readonly tlcExitCode: number | null;
  readonly wallMs: number;
  /** For verdict 'error': what went wrong. */
  readonly error?: string;
}

export interface ValidateOptions {
  /** Stop each TLC run after this long (verdict 'error'). */
  readonly timeoutMs?: number;
  readonly jar?: string;
  /** Skip the second TLC run that names the disagreeing fields. */
  readonly skipDiagnosis?: boolean;
  /** Told as each TLC run of one validation starts (at most three; see ValidationPhase). */
  readonly onPhase?: (p: PhaseProgress) => void;
}

/**
 * The TLC runs of one validation, in order: `fast` (one state per trace position; its pass is
 * final), `full` (every branch kept, after a fast fail), `diagnose` (names the disagreeing fields,
 * after a full fail). A pass costs one run, a fail up to three: a progress line can say which.
 */
export type ValidationPhase = 'fast' | 'full' | 'diagnose';

export interface PhaseProgress {
  readonly phase: ValidationPhase;
  /** 1-based number of this TLC run within the validation. */
  readonly run: number;
  /** The most TLC runs this validation can still take, this one included, counted from the first. */
  readonly maxRuns: number;
  /** Events of the trace the spec models. */
  readonly eventsTotal: number;
}

export interface ManyProgress {
  /** Traces finished (validated, or refused as unreadable). */
  readonly done: number;
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  /** TLC errors and unreadable traces. */
  readonly errors: number;
  /** The trace just finished. */
  readonly last: ManyResult;
}

type RunMode = { readonly diagnoseAt: number; readonly mergeByPosition: boolean };

async function runTraceModule(trace: ConvertedTrace, mode: RunMode, options: ValidateOptions): Promise<TlcResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raftbed-trace-'));
  try {
    const generated = generateModule(trace, mode);
    const spec = path.join(dir, `${generated.name}.tla`);
    const config = path.join(dir, `${generated.name}.cfg`);
    fs.writeFileSync(spec, generated.tla);
    fs.writeFileSync(config, generated.cfg);
    return await runTlc({
      spec,
      config,
      jar: options.jar ?? findTlcJar(),
      workers: 1,
      libraryDirs: [TRACE_SPEC_DIR, SPEC_DIR],
      timeoutMs: options.timeoutMs,
      // A passing trace ends in an "invariant violation" whose counterexample is the whole run:
      // print only the VIEW (fast path) or only what changes between states, or printing
      // costs more than checking.
      extraArgs: mode.mergeByPosition ? ['-view'] : ['-difftrace'],
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Validates already parsed text; throws TraceFormatError for malformed traces. */
export async function validateTraceText(text: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const started = Date.now();
  const trace = convertTrace(text);
  const total = trace.events.length;
  // TLC would report such a trace as matched: a trace with nothing to match proves nothing.
  if (total === 0) throw new TraceFormatError(trace.lines.length, 'the trace has no events the spec models: nothing to validate');
  const jar = options.jar ?? findTlcJar();
  const passed = (r: TlcResult): boolean => r.verdict === 'invariant-violated' && r.violated === ACCEPTANCE_INVARIANT;
  const maxRuns = options.skipDiagnosis ? 2 : 3;
  let runs = 0;
  const phase = (name: ValidationPhase): void => options.onPhase?.({ phase: name, run: ++runs, maxRuns, eventsTotal: total });
  // Fast path: one state per trace position. Its pass is sound; its fail is only a hint.
  phase('fast');
  const fast = await runTraceModule(trace, { diagnoseAt: 0, mergeByPosition: true }, { ...options, jar });
  if (passed(fast)) {
    return { eventsTotal: total, tlcExitCode: fast.exitCode, verdict: 'pass', eventsMatched: total, wallMs: Date.now() - started };
  }
  // Confirm with every branch kept.
  if (fast.verdict === 'no-error') phase('full');
  const run = fast.verdict === 'no-error' ? await runTraceModule(trace, { diagnoseAt: 0, mergeByPosition: false }, { ...options, jar }) : fast;
  const base = { eventsTotal: total, tlcExitCode: run.exitCode };
  if (passed(run)) {
    return { ...base, verdict: 'pass', eventsMatched: total, wallMs: Date.now() - started };
  }
  if (run.verdict !== 'no-error' || run.depth === undefined) {
    const error = run.verdict === 'no-error' ? 'TLC reported no search depth' : `${run.verdict}: ${run.errorText ?? 'no detail'}`;
    return { ...base, verdict: 'error', eventsMatched: 0, wallMs: Date.now() - started, error };
  }
  // Depth d means states with l = 1..d were reached: events 1..d-1 matched, event d did not.
  const eventsMatched = Math.min(run.depth - 1, total);
  const event = trace.events[eventsMatched];
  if (event === undefined) {
    return { ...base, verdict: 'error', eventsMatched, wallMs: Date.now() - started, error: `TLC found no match, yet reached depth ${run.depth} of ${total} events` };
  }
  let fields = ['unknown'];
  if (!options.skipDiagnosis) {
    phase('diagnose');
    const diagnosis = await runTraceModule(trace, { diagnoseAt: eventsMatched + 1, mergeByPosition: false }, { ...options, jar });
    fields = disagreeingFields(extractDiagnostics(diagnosis.untagged.join('\n')));
  }
  return {
    ...base,
    verdict: 'fail',
    eventsMatched,
    firstUnmatched: { line: event.line, content: trace.lines[event.line - 1], disagreeingFields: fields },
    wallMs: Date.now() - started,
  };
}

/** Validates the trace file at `tracePath`; throws TraceFormatError for malformed traces. */
export async function validateTrace(tracePath: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  return validateTraceText(fs.readFileSync(tracePath, 'utf8'), options);
}

export interface ManyResult {
  readonly path: string;
  readonly result?: ValidationResult;
  /** A trace that could not be read or converted (TraceFormatError, missing file). */
  readonly problem?: string;
}

/**
 * Validates many traces, `workers` TLC processes at a time (for `raftbed sweep --validate K`).
 * Results come back in the order of `paths`; a bad trace is reported, never thrown.
 */
export async function validateMany(
  paths: readonly string[],
  workers: number,
  options: ValidateOptions & { readonly onTraceDone?: (p: ManyProgress) => void } = {},
): Promise<ManyResult[]> {
  if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  const jar = options.jar ?? findTlcJar();
  const results: ManyResult[] = new Array(paths.length);
  const counts = { done: 0, passed: 0, failed: 0, errors: 0 };
  const finished = (last: ManyResult): void => {
    counts.done++;
    if (last.result?.verdict === 'pass') counts.passed++;
    else if (last.result?.verdict === 'fail') counts.failed++;
    else counts.errors++;
    options.onTraceDone?.({ ...counts, total: paths.length, last });
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const index = next++;
      const file = paths[index];
      try {
        results[index] = { path: file, result: await validateTrace(file, { ...options, jar }) };
      } catch (error) {
        if (error instanceof TraceFormatError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
          results[index] = { path: file, problem: (error as Error).message };
        } else {
          throw error;
        }
      }
      finished(results[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, paths.length) }, worker));
  return results;
}

// ------------------------------------------------------------------------------------------------
// raftbed tla validate
// ------------------------------------------------------------------------------------------------

/**
 * The header and the first `events` events of a complete trace, as a complete trace of its own
 * (with its own End line). The whole trace is checked first: a prefix of a cut trace is refused.
 */
export function tracePrefix(text: string, events: number): string {
  return completeTrace(parseTrace(text).lines.slice(0, events + 1));
}
