// raftbed check-history FILE: decides whether a recorded history is linearizable and writes the
// HTML report. FILE is a raftbed history (JSON, docs/linearizability.md) or a Jepsen/Knossos
// history (EDN lines or jepsen.util log lines). Exit 0 linearizable, 1 violation, 2 usage or format
// error, 6 undecided within the budget (cli/exit-codes.ts). Wall time is read here, outside the simulated world.

import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CliUsageError } from './errors';
import type { Flags } from './flags';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_UNDECIDED } from './exit-codes';
import { checkHistory, renderViolationHtml, type LinearizabilityResult, type Operation } from '../linearizability';
import { parseHistoryJson } from '../linearizability/history-file';
import { importJepsenHistory, type JepsenModelName } from '../linearizability/jepsen';
import type { AnyModel } from '../linearizability/model';
import { builtInModel } from '../linearizability/models';

const EXIT = { ok: EXIT_OK, violation: EXIT_CHECK_FAILED, unknown: EXIT_UNDECIDED } as const;
/** Errors that mean the file or the flags are wrong: reported with exit 2, as usage errors. */
const INPUT_ERRORS = new Set(['HistoryFileError', 'HistoryValidationError', 'JepsenFormatError', 'CheckOptionsError']);

interface Loaded {
  model: AnyModel;
  ops: Operation[];
  format: 'json' | 'jepsen';
  note: string;
}

function load(file: string, text: string, flags: Flags): Loaded {
  const asked = flags.model === undefined ? undefined : builtInModel(String(flags.model));
  const format = String(flags.format ?? 'auto');
  // A .json name, text that parses, or text that starts like a JSON object ({" or [{") means JSON,
  // so a broken JSON file gets a JSON error with its line rather than an EDN one.
  const looksJson = format === 'json' || (format === 'auto' && (/\.json$/i.test(file) || /^\s*\[?\s*\{\s*"/.test(text) || isJson(text)));
  if (looksJson) {
    const { model, ops } = parseHistoryJson(text, { file, model: asked });
    return { model, ops, format: 'json', note: '' };
  }
  const imported = importJepsenHistory(text, {
    model: asked?.name as JepsenModelName | undefined,
    failedCas: flags['fail-cas'] as 'not-applied' | 'not-swapped' | undefined,
  });
  const model = builtInModel(imported.model)!;
  const note = `${imported.failed} ops completed :fail and were left out; ${imported.skipped} nemesis events skipped`;
  return { model, ops: imported.ops, format: 'jepsen', note };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function summarize(file: string, loaded: Loaded, result: LinearizabilityResult, reportPath: string | null, wallMs: number) {
  const partitions = [...result.perKey.values()];
  return {
    file,
    format: loaded.format,
    model: result.model,
    verdict: result.verdict,
    operations: loaded.ops.length,
    partitions: partitions.length,
    violatingPartitions: result.violatingKeys,
    undecidedPartitions: partitions.filter((p) => p.verdict === 'unknown').map((p) => ({ partition: p.key, why: p.exhausted })),
    failedOps: Object.fromEntries(partitions.filter((p) => p.failedOp !== undefined).map((p) => [p.key, p.failedOp])),
    searchSteps: result.searchSteps,
    workerThreads: result.workerThreads,
    wallMs: Math.round(wallMs),
    report: reportPath,
  };
}

export async function checkHistoryCommand({ flags, args, io }: Invocation): Promise<number> {
  const file = args[0];
  const text = readFileSync(file, 'utf8');
  try {
    const loaded = load(file, text, flags);
    const t0 = performance.now();
    const result = await checkHistory(loaded.ops, loaded.model, {
      workers: flags.workers === undefined ? undefined : Number(flags.workers),
      maxSearchSteps: flags['max-steps'] === undefined ? undefined : Number(flags['max-steps']),
      stopAtFirstViolation: !flags.all,
      ...(flags['time-limit'] === undefined ? {} : { timeLimitMs: Number(flags['time-limit']) * 1000, now: () => performance.now() }),
    });
    const wallMs = performance.now() - t0;
    let reportPath: string | null = flags.output === undefined ? null : String(flags.output);
    if (reportPath === null && result.verdict !== 'ok') reportPath = `${file}.linearizability.html`;
    if (reportPath !== null) writeFileSync(reportPath, renderViolationHtml(loaded.ops, result, { model: loaded.model, viewHref: flags.view as string | undefined }));
    if (flags.json) io.out(JSON.stringify(summarize(file, loaded, result, reportPath, wallMs), null, 2));
    else {
      const undecided = [...result.perKey.values()].filter((p) => p.verdict === 'unknown').length;
      const detail =
        result.verdict === 'violation'
          ? `not linearizable: ${result.violatingKeys.map((k) => (k === '' ? 'the history' : `partition ${JSON.stringify(k)}`)).join(', ')}`
          : result.verdict === 'unknown'
            ? `undecided: ${undecided} partitions not decided within the budget`
            : 'linearizable';
      io.out(`${result.verdict} ${file}: ${detail} (${loaded.ops.length} ops, ${result.perKey.size} partitions, model ${result.model}, ${result.searchSteps} steps, ${Math.round(wallMs)} ms)`);
      if (loaded.note) io.err(loaded.note);
      if (reportPath !== null) io.err(`report: ${reportPath}`);
    }
    return EXIT[result.verdict];
  } catch (e) {
    if (e instanceof Error && INPUT_ERRORS.has(e.name)) throw new CliUsageError(`${e.message.startsWith(file) ? '' : `${file}: `}${e.message}`);
    throw e;
  }
}
