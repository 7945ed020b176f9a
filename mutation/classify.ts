// Renders the survivor classification (mutation/survivors.json) against a summary: every mutant
// the checks did not detect gets its class (equivalent, unreachable, blind spot), and one that has
// none is listed as unclassified, so a new run shows at once what still needs a judgement.
//
//   node -r ts-node/register/transpile-only mutation/classify.ts SUMMARY.json... > table.md

import { readFileSync } from 'node:fs';
import { mutantKey } from './mutants';
import type { MutationSummary, MutantOutcome } from './summary';

export type SurvivorClass = 'equivalent' | 'unreachable' | 'blind spot';

export interface Classification {
  readonly class: SurvivorClass;
  /** A theme id from `themes` (blind spots), or the reason (equivalent, unreachable). */
  readonly theme?: string;
  readonly why: string;
}

export interface SurvivorFile {
  readonly themes: Record<string, string>;
  readonly mutants: Record<string, Classification>;
}

export interface ClassifiedFigures {
  readonly file: string;
  readonly total: number;
  readonly detected: number;
  readonly equivalent: number;
  readonly unclassified: number;
  /** Detected over non-equivalent mutants, percent. */
  readonly score: number | null;
}

const undetected = (m: MutantOutcome): boolean => m.status === 'Survived' || m.status === 'NoCoverage';
const detected = (m: MutantOutcome): boolean => m.status === 'Killed' || m.status === 'Timeout' || m.status === 'RuntimeError';

export function classifiedFigures(summary: MutationSummary, survivors: SurvivorFile): ClassifiedFigures[] {
  const files = [...new Set(summary.mutants.map((m) => m.file))].sort();
  return files.map((file) => {
    const own = summary.mutants.filter((m) => m.file === file && (detected(m) || undetected(m)));
    const equivalent = own.filter((m) => undetected(m) && survivors.mutants[mutantKey(m)]?.class === 'equivalent').length;
    const unclassified = own.filter((m) => undetected(m) && survivors.mutants[mutantKey(m)] === undefined).length;
    const hits = own.filter(detected).length;
    const valid = own.length - equivalent;
    return { file, total: own.length, detected: hits, equivalent, unclassified, score: valid === 0 ? null : Math.round((1000 * hits) / valid) / 10 };
  });
}

const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
const short = (t: string): string => (t.length > 70 ? `${t.slice(0, 67)}...` : t);

export function renderClassification(summary: MutationSummary, survivors: SurvivorFile): string {
  const out: string[] = ['| where | mutator: original → replacement | status | class | theme / reason |', '| --- | --- | --- | --- | --- |'];
  for (const m of summary.mutants.filter(undetected)) {
    const c = survivors.mutants[mutantKey(m)];
    const change = `${m.mutatorName}: \`${cell(short(m.original))}\` → \`${cell(short(m.replacement))}\``;
    const where = `${m.file}:${m.location.start.line}:${m.location.start.column + 1}`;
    out.push(`| ${where} | ${change} | ${m.status} | ${c?.class ?? '**unclassified**'} | ${c ? cell(`${c.theme ? `${c.theme}: ` : ''}${c.why}`) : ''} |`);
  }
  return out.join('\n') + '\n';
}

/** One row per blind-spot theme: how many of these summaries' survivors it holds, and its fix. */
export function renderThemes(summaries: readonly MutationSummary[], survivors: SurvivorFile): string {
  const counts = new Map<string, number>();
  for (const m of summaries.flatMap((s) => s.mutants).filter(undetected)) {
    const c = survivors.mutants[mutantKey(m)];
    if (c?.class === 'blind spot' && c.theme !== undefined) counts.set(c.theme, (counts.get(c.theme) ?? 0) + 1);
  }
  const out = ['| theme | survivors | what is missing, and the general fix |', '| --- | ---: | --- |'];
  for (const [theme, text] of Object.entries(survivors.themes).sort((a, b) => (counts.get(b[0]) ?? 0) - (counts.get(a[0]) ?? 0))) {
    out.push(`| ${theme} | ${counts.get(theme) ?? 0} | ${cell(text)} |`);
  }
  return out.join('\n') + '\n';
}

if (require.main === module) {
  const survivors = JSON.parse(readFileSync('mutation/survivors.json', 'utf8')) as SurvivorFile;
  const paths = process.argv.slice(2);
  process.stdout.write(renderThemes(paths.map((p) => JSON.parse(readFileSync(p, 'utf8')) as MutationSummary), survivors) + '\n');
  for (const path of paths) {
    const summary = JSON.parse(readFileSync(path, 'utf8')) as MutationSummary;
    for (const f of classifiedFigures(summary, survivors)) {
      process.stdout.write(`${f.file}: ${f.detected} of ${f.total - f.equivalent} non-equivalent detected (${f.score}%), ${f.equivalent} equivalent, ${f.unclassified} unclassified\n`);
    }
    process.stdout.write('\n' + renderClassification(summary, survivors) + '\n');
  }
}
