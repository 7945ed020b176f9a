/**
 * `raftbed tla check`: model-checks the bounded Raft model and the extensions (which must
 * find no error) and runs every mutant (which must violate its named invariant, while its
 * control run from the same start must not).
 */
import { EXTENSIONS, FULL_MODEL, ModelRun, MUTANTS, MutantRun, SMALL_MODEL, TLA_DIR, inTlaDir } from './catalogue';
import { TlcResult, TlcVerdict, runTlc } from './tlc';

export type CheckKind = 'model' | 'extension' | 'mutant' | 'control';

export interface CheckOutcome {
  kind: CheckKind;
  id: string;
  passed: boolean;
  expected: string;
  verdict: TlcVerdict;
  violated?: string;
  exitCode: number | null;
  distinctStates?: number;
  depth?: number;
  /** Length of the counterexample TLC printed, if any. */
  traceLength: number;
  durationMs: number;
  /** Why it failed, or TLC's own error text. */
  detail?: string;
  command: string;
}

export interface CheckOptions {
  /** Use the few-second model instead of the CI one. */
  small?: boolean;
  includeModel?: boolean;
  includeExtensions?: boolean;
  includeMutants?: boolean;
  workers?: number;
  jar?: string;
  timeoutMs?: number;
  /** Called after each run, so a CLI can print progress. */
  onOutcome?: (outcome: CheckOutcome) => void;
}

export interface CheckReport {
  passed: boolean;
  outcomes: CheckOutcome[];
  durationMs: number;
}

function run(model: ModelRun, config: string, options: CheckOptions, workers: number): Promise<TlcResult> {
  return runTlc({
    spec: inTlaDir(model.module),
    config: inTlaDir(config),
    libraryDirs: [TLA_DIR],
    workers,
    jar: options.jar,
    timeoutMs: options.timeoutMs,
  });
}

function outcomeOf(kind: CheckKind, id: string, expected: string, result: TlcResult, failure?: string): CheckOutcome {
  return {
    kind,
    id,
    passed: failure === undefined,
    expected,
    verdict: result.verdict,
    violated: result.violated,
    exitCode: result.exitCode,
    distinctStates: result.distinctStates,
    depth: result.depth,
    traceLength: result.trace.length,
    durationMs: result.durationMs,
    detail: failure ?? (result.verdict === 'no-error' ? undefined : result.errorText),
    command: result.command.join(' '),
  };
}

/** A run that must exhaust its state space without error. */
export async function expectNoError(kind: CheckKind, model: ModelRun, config: string, options: CheckOptions, workers: number): Promise<CheckOutcome> {
  const result = await run(model, config, options, workers);
  const failure =
    result.verdict === 'no-error' ? undefined : `expected no error, got ${result.verdict}: ${firstLine(result.errorText)}`;
  return outcomeOf(kind, kind === 'control' ? `${model.id}:control` : model.id, 'no-error', result, failure);
}

/** A mutant run that must stop with exit 12 naming the expected invariant. */
export async function expectViolation(mutant: MutantRun, options: CheckOptions): Promise<CheckOutcome> {
  const result = await run(mutant, mutant.config, options, 1);
  let failure: string | undefined;
  if (result.verdict !== 'invariant-violated') {
    failure = `expected invariant ${mutant.expectedInvariant} violated, got ${result.verdict}: ${firstLine(result.errorText)}`;
  } else if (result.violated !== mutant.expectedInvariant) {
    failure = `expected invariant ${mutant.expectedInvariant} violated, TLC named ${result.violated}`;
  }
  return outcomeOf('mutant', mutant.id, `violates ${mutant.expectedInvariant}`, result, failure);
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n').find((line) => line.trim() !== '') ?? '(no message)';
}

export async function runCheck(options: CheckOptions = {}): Promise<CheckReport> {
  const started = Date.now();
  const outcomes: CheckOutcome[] = [];
  const record = (outcome: CheckOutcome): void => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  const workers = options.workers ?? 2;

  if (options.includeMutants ?? true) {
    // Mutants of one feature may share a control (same start, unmutated spec): run it once.
    const controlsRun = new Set<string>();
    for (const mutant of MUTANTS) {
      record(await expectViolation(mutant, options));
      const control = `${mutant.module}|${mutant.controlConfig}`;
      if (controlsRun.has(control)) continue;
      controlsRun.add(control);
      record(await expectNoError('control', mutant, mutant.controlConfig, options, 1));
    }
  }
  if (options.includeExtensions ?? true) {
    for (const extension of EXTENSIONS) {
      record(await expectNoError('extension', extension, extension.config, options, workers));
    }
  }
  if (options.includeModel ?? true) {
    const model = options.small ? SMALL_MODEL : FULL_MODEL;
    record(await expectNoError('model', model, model.config, options, workers));
  }
  return { passed: outcomes.every((o) => o.passed), outcomes, durationMs: Date.now() - started };
}
