// `npm run mutate -- [--files core/election.ts,...] [--suite product|unit] [--budget-s N]
//                    [--shard I/N | --sample K] [--out DIR]`
// Runs StrykerJS over core files with one of the two suites (stryker.config.mjs), then writes
// DIR/summary.json and DIR/summary.md: the score per file and every undetected mutant. A full run
// takes hours; shards split it into runs that `npm run mutate:merge` joins.
//
// --sample K tests about K innermost mutants picked deterministically across the files (CI);
// with --baseline FILE the exit code is 1 if the sample kills fewer than the baseline recorded
// (--record-baseline writes it).

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { importEsm } from './esm';
import { listMutants, mutantKey, type MutantSite } from './mutants';
import { assignShards, parseShard, sampleSites, shardUnits, siteRange, unitRange } from './select';
import { renderMarkdown, summarize, STATUSES, type MutantOutcome, type MutationSummary, type Status } from './summary';
import { BUDGET_ENV, DEFAULT_BUDGET_S, productPlan } from './product-plan';
import { checkBaseline, recordBaseline, type Baseline } from './baseline';

export const MEASURED_FILES = ['core/election.ts', 'core/replication.ts', 'core/snapshot.ts', 'core/reads.ts', 'core/transfer.ts'];

export interface MutateOptions {
  readonly files: readonly string[];
  readonly suite: 'product' | 'unit';
  readonly budgetS: number;
  readonly shard?: string;
  readonly sample?: number;
  readonly out: string;
  readonly concurrency: number;
  readonly baseline?: string;
  readonly recordBaseline: boolean;
  readonly typeCheck: boolean;
}

function positiveNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function coreFiles(text: string): string[] {
  const files = text.split(',').map((f) => f.trim()).filter((f) => f !== '');
  for (const f of files) if (!/^core\/[\w.-]+\.ts$/.test(f) || f.endsWith('.test.ts')) throw new InvalidArgumentError(`${f} is not a core source file (core/NAME.ts)`);
  if (files.length === 0) throw new InvalidArgumentError('no files given');
  return files;
}

export function parseMutateArgs(argv: readonly string[]): MutateOptions {
  const program = new Command('raftbed mutate')
    .description('mutation testing of core/ with StrykerJS: what do the product\'s checks (or core\'s unit tests) detect?')
    .option('--files <list>', 'comma-separated core files to mutate', coreFiles, MEASURED_FILES)
    .addOption(new Option('--suite <suite>', 'what kills a mutant: the product\'s checks or core\'s unit tests').choices(['product', 'unit']).default('product'))
    .option('--budget-s <seconds>', 'product suite: check budget per mutant, seconds of one core', positiveNumber, DEFAULT_BUDGET_S)
    .option('--shard <i/n>', 'run only shard i of n (top-level statements dealt evenly by mutant count)')
    .option('--sample <k>', 'run only about k mutants (whole innermost sites) picked deterministically across the files', positiveInteger)
    .option('--out <dir>', 'directory for summary.json and summary.md', 'reports/mutation')
    .option('--concurrency <n>', 'test runner processes', positiveInteger, 1)
    .option('--baseline <file>', 'with --sample: fail (exit 1) if fewer sampled mutants are detected than this baseline records')
    .option('--no-type-check', 'skip the TypeScript checker: mutants that would not compile run as the JavaScript they transpile to')
    .option('--record-baseline', 'with --baseline: write the baseline from this run instead of checking it', false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.parse([...argv], { from: 'user' });
  const o = program.opts();
  if (o.shard !== undefined && o.sample !== undefined) throw new InvalidArgumentError('--shard and --sample exclude each other');
  if (o.shard !== undefined) parseShard(o.shard);
  if (o.baseline !== undefined && o.sample === undefined) throw new InvalidArgumentError('--baseline needs --sample');
  if (o.suite === 'product') productPlan(o.budgetS);
  return {
    files: o.files, suite: o.suite, budgetS: o.budgetS, shard: o.shard, sample: o.sample, out: o.out,
    concurrency: o.concurrency, baseline: o.baseline, recordBaseline: o.recordBaseline, typeCheck: o.typeCheck,
  };
}

interface Selection {
  readonly label: string;
  readonly mutate: string[];
  readonly expected: readonly MutantSite[];
}

export async function selectMutants(o: MutateOptions): Promise<Selection> {
  const all = listMutants(o.files);
  if (o.shard !== undefined) {
    const shard = parseShard(o.shard);
    const units = assignShards(shardUnits(o.files, all), shard.count)[shard.index - 1];
    const inUnits = all.filter((m) => units.some((u) => u.file === m.file && m.location.start.line >= u.startLine && m.location.end.line <= u.endLine));
    return { label: `shard ${o.shard} of ${o.files.join(',')}`, mutate: units.map(unitRange), expected: inUnits };
  }
  if (o.sample !== undefined) {
    const sites = sampleSites(o.files, all, Math.max(1, Math.ceil(o.sample / o.files.length)));
    return { label: `sample of ${o.sample} from ${o.files.join(',')}`, mutate: sites.map(siteRange), expected: sites.flatMap((s) => s.mutants) };
  }
  return { label: o.files.join(','), mutate: [...o.files], expected: all };
}

interface StrykerModule {
  Stryker: new (options: Record<string, unknown>) => { runMutationTest(): Promise<unknown[]> };
}

/** The parts of Stryker's JSON report (mutation-testing-report-schema) read here. */
interface StrykerReport {
  files: Record<string, { mutants: ReportMutant[] }>;
  testFiles?: Record<string, { tests: { id: string; name: string }[] }>;
}

interface ReportMutant {
  /** Lines and columns 1-based. */
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  mutatorName: string;
  replacement: string;
  status: string;
  statusReason?: string;
  killedBy?: string[];
}

/** The report's mutants as outcomes: locations converted to `mutate`-range form (columns 0-based). */
export function outcomesFromReport(report: StrykerReport, root: string, source: (file: string) => string): MutantOutcome[] {
  const testNames = new Map<string, string>();
  for (const tf of Object.values(report.testFiles ?? {})) for (const t of tf.tests) testNames.set(t.id, t.name);
  return Object.entries(report.files).flatMap(([fileName, { mutants }]) => mutants.map((r): MutantOutcome => {
    const file = relative(root, resolve(root, fileName));
    const l = r.location;
    const site: MutantSite = {
      file,
      location: { start: { line: l.start.line, column: l.start.column - 1 }, end: { line: l.end.line, column: l.end.column - 1 } },
      mutatorName: r.mutatorName, replacement: r.replacement,
    };
    if (!(STATUSES as readonly string[]).includes(r.status)) throw new Error(`unknown Stryker status ${r.status}`);
    return {
      ...site, status: r.status as Status, original: originalText(source(file), site),
      ...(r.statusReason ? { statusReason: r.statusReason } : {}),
      ...(r.killedBy ? { killedBy: r.killedBy.map((id) => testNames.get(id) ?? id) } : {}),
    };
  }));
}

function originalText(source: string, m: MutantSite): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column, end.column);
  return [lines[start.line - 1].slice(start.column), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column)].join('\n');
}

/** The git tree of core/ (what was mutated): commits that change only other paths keep it. */
function coreVersion(): string {
  try {
    const tree = execFileSync('git', ['rev-parse', 'HEAD:core'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'core'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${tree}+modified` : tree;
  } catch {
    return 'unknown';
  }
}

export async function runMutation(o: MutateOptions): Promise<MutationSummary> {
  const selection = await selectMutants(o);
  const started = Date.now();
  const loadAtStart = loadavg();
  // The config module and the test runner processes read these.
  process.env.RAFTBED_MUTATION_SUITE = o.suite;
  process.env[BUDGET_ENV] = String(o.budgetS);
  process.env.RAFTBED_MUTATION_TYPE_CHECK = o.typeCheck ? '1' : '0';
  mkdirSync(o.out, { recursive: true });
  const { Stryker } = await importEsm<StrykerModule>('@stryker-mutator/core');
  const reportFile = join(o.out, 'stryker-report.json');
  await new Stryker({
    configFile: 'stryker.config.mjs',
    mutate: selection.mutate,
    concurrency: o.concurrency,
    jsonReporter: { fileName: reportFile },
  }).runMutationTest();
  const sources = new Map<string, string>();
  const source = (file: string): string => sources.get(file) ?? (sources.set(file, readFileSync(file, 'utf8')), sources.get(file)!);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as StrykerReport;
  const mutants = outcomesFromReport(report, process.cwd(), source);
  // The selection and Stryker must agree on what was tested, or shards would silently lose mutants.
  const got = new Set(mutants.map(mutantKey));
  const missing = selection.expected.filter((m) => !got.has(mutantKey(m)));
  if (missing.length > 0) throw new Error(`Stryker did not test ${missing.length} selected mutants, e.g. ${mutantKey(missing[0])}`);
  const summary = summarize([{
    suite: o.suite, budgetS: o.budgetS, typeCheck: o.typeCheck, selection: selection.label, wallS: (Date.now() - started) / 1000,
    loadAtStart, loadAtEnd: loadavg(), startedAt: new Date(started).toISOString(), coreVersion: coreVersion(),
  }], mutants);
  writeFileSync(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(o.out, 'summary.md'), renderMarkdown(summary));
  return summary;
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: MutateOptions;
  try {
    options = parseMutateArgs(argv);
  } catch (error) {
    const e = error as { code?: string; message?: string; exitCode?: number };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    if (!(e.code ?? '').startsWith('commander.')) process.stderr.write(`raftbed mutate: ${e.message}\n`);
    return 2;
  }
  const summary = await runMutation(options);
  process.stdout.write(renderMarkdown(summary).split('\n## Undetected')[0]);
  process.stdout.write(`\nsummary: ${join(options.out, 'summary.md')} and summary.json\n`);
  if (options.baseline === undefined) return 0;
  if (options.recordBaseline) {
    writeFileSync(options.baseline, JSON.stringify(recordBaseline(summary), null, 2) + '\n');
    process.stdout.write(`baseline recorded in ${options.baseline}\n`);
    return 0;
  }
  const verdict = checkBaseline(JSON.parse(readFileSync(options.baseline, 'utf8')) as Baseline, summary);
  for (const line of verdict.messages) process.stdout.write(`${line}\n`);
  return verdict.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error) => { process.stderr.write(`raftbed mutate: ${error instanceof Error ? error.stack : String(error)}\n`); process.exitCode = 3; },
  );
}
