// The summary of a mutation run (or of merged shards): per core file, how many mutants each
// status got and the score; and every mutant that was not detected, with where and what it is.
// JSON for machines (merge, CI baseline), markdown for people.

import { mutantKey, type MutantSite } from './mutants';

export const STATUSES = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'RuntimeError', 'CompileError', 'Ignored', 'Pending'] as const;
export type Status = (typeof STATUSES)[number];

export interface MutantOutcome extends MutantSite {
  readonly status: Status;
  /** For a killed mutant: the check that failed and how (the failing test's message). */
  readonly statusReason?: string;
  readonly killedBy?: readonly string[];
  /** The original source text of the mutated node. */
  readonly original: string;
}

export interface FileScore {
  readonly file: string;
  readonly total: number;
  readonly counts: Record<Status, number>;
  /** Detected (killed + timeout + runtime error) over valid (all but compile errors and ignored), in percent. */
  readonly score: number | null;
}

export interface RunInfo {
  readonly suite: 'product' | 'unit';
  readonly budgetS: number;
  /** Whether the TypeScript checker set aside mutants that do not compile (absent in early summaries: it was off). */
  readonly typeCheck?: boolean;
  readonly selection: string;
  readonly wallS: number;
  /** os.loadavg() at the start and at the end of the run: the machine was shared. */
  readonly loadAtStart: readonly number[];
  readonly loadAtEnd: readonly number[];
  readonly startedAt: string;
  /** The git tree hash of core/ that was mutated. */
  readonly coreVersion: string;
}

export interface MutationSummary {
  readonly runs: readonly RunInfo[];
  readonly files: readonly FileScore[];
  readonly total: FileScore;
  readonly mutants: readonly MutantOutcome[];
}

const DETECTED: readonly Status[] = ['Killed', 'Timeout', 'RuntimeError'];
const INVALID: readonly Status[] = ['CompileError', 'Ignored', 'Pending'];

export function isDetected(s: Status): boolean {
  return DETECTED.includes(s);
}

function score(file: string, mutants: readonly MutantOutcome[]): FileScore {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const m of mutants) counts[m.status]++;
  const detected = DETECTED.reduce((n, s) => n + counts[s], 0);
  const valid = mutants.length - INVALID.reduce((n, s) => n + counts[s], 0);
  return { file, total: mutants.length, counts, score: valid === 0 ? null : Math.round((1000 * detected) / valid) / 10 };
}

export function summarize(runs: readonly RunInfo[], mutants: readonly MutantOutcome[]): MutationSummary {
  const files = [...new Set(mutants.map((m) => m.file))].sort();
  return {
    runs,
    files: files.map((f) => score(f, mutants.filter((m) => m.file === f))),
    total: score('all', mutants),
    mutants,
  };
}

export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/**
 * Shards' summaries as one. A mutant in more than one shard must have been tested on the same
 * code, so its key is the same; a real status wins over Ignored/Pending, and two real statuses
 * that disagree are an error (a flaky check or shards run on different code).
 */
export function mergeSummaries(parts: readonly MutationSummary[]): MutationSummary {
  const suites = new Set(parts.flatMap((p) => p.runs.map((r) => r.suite)));
  if (suites.size > 1) throw new MergeError(`cannot merge results of different suites: ${[...suites].join(', ')}`);
  const versions = new Set(parts.flatMap((p) => p.runs.map((r) => r.coreVersion)));
  if (versions.size > 1) throw new MergeError(`cannot merge results of different versions of core: ${[...versions].join(', ')}`);
  const byKey = new Map<string, MutantOutcome>();
  for (const m of parts.flatMap((p) => p.mutants)) {
    const key = mutantKey(m);
    const had = byKey.get(key);
    if (had === undefined || INVALID.includes(had.status)) byKey.set(key, m);
    else if (!INVALID.includes(m.status) && isDetected(had.status) !== isDetected(m.status)) {
      throw new MergeError(`${key}: ${had.status} in one shard, ${m.status} in another`);
    }
  }
  return summarize(parts.flatMap((p) => p.runs), [...byKey.values()]);
}

const pct = (s: number | null): string => (s === null ? 'n/a' : `${s.toFixed(1)}%`);
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 90);

export function renderMarkdown(s: MutationSummary): string {
  const out: string[] = [];
  const suites = [...new Set(s.runs.map((r) => r.suite))].join(', ');
  out.push(`# Mutation summary (${suites} suite)`, '');
  for (const r of s.runs) {
    const budget = r.suite === 'product' ? `budget ${r.budgetS} s per mutant, ` : '';
    const checker = r.typeCheck === true ? 'type-checked, ' : 'not type-checked, ';
    out.push(`- ${r.selection}: ${budget}${checker}${Math.round(r.wallS)} s wall, load ${r.loadAtStart.map((l) => l.toFixed(2)).join(' ')} at start, ${r.loadAtEnd.map((l) => l.toFixed(2)).join(' ')} at end, core tree ${r.coreVersion.slice(0, 10)}, ${r.startedAt}`);
  }
  out.push('', '| file | mutants | killed | timeout | survived | no coverage | runtime error | compile error | score |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const f of [...s.files, s.total]) {
    const c = f.counts;
    out.push(`| ${f.file} | ${f.total} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.RuntimeError} | ${c.CompileError} | ${pct(f.score)} |`);
  }
  const undetected = s.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
  out.push('', `## Undetected mutants (${undetected.length})`, '', '| where | mutator | original | replacement | status |', '| --- | --- | --- | --- | --- |');
  for (const m of undetected) {
    out.push(`| ${m.file}:${m.location.start.line}:${m.location.start.column + 1} | ${m.mutatorName} | \`${cell(m.original)}\` | \`${cell(m.replacement)}\` | ${m.status} |`);
  }
  return out.join('\n') + '\n';
}
