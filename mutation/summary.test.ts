import { checkBaseline, recordBaseline } from './baseline';
import { MergeError, mergeSummaries, renderMarkdown, summarize, type MutantOutcome, type RunInfo, type Status } from './summary';

const run = (selection: string): RunInfo => ({
  suite: 'product', budgetS: 60, selection, wallS: 10, loadAtStart: [1, 1, 1], loadAtEnd: [1, 1, 1], startedAt: '2024-01-01T00:00:00Z', coreVersion: 'abc',
});
const mutant = (line: number, status: Status, file = 'core/x.ts'): MutantOutcome => ({
  file, location: { start: { line, column: 2 }, end: { line, column: 9 } }, mutatorName: 'EqualityOperator', replacement: 'a <= b', status, original: 'a < b',
});

it('scores detected over valid mutants per file, timeouts and runtime errors counting as detected', () => {
  const s = summarize([run('all')], [mutant(1, 'Killed'), mutant(2, 'Timeout'), mutant(3, 'Survived'), mutant(4, 'NoCoverage'), mutant(5, 'CompileError'), mutant(6, 'Killed', 'core/y.ts')]);
  expect(s.files.map((f) => [f.file, f.total, f.score])).toEqual([['core/x.ts', 5, 50], ['core/y.ts', 1, 100]]);
  expect(s.total.score).toBe(60);
  const md = renderMarkdown(s);
  expect(md).toContain('| core/x.ts | 5 | 1 | 1 | 1 | 1 | 0 | 1 | 50.0% |');
  expect(md).toContain('core/x.ts:3:3 | EqualityOperator | `a < b` | `a <= b` | Survived');
  expect(md).toContain('core/x.ts:4:3');
  expect(md).not.toContain('core/x.ts:1:3');
});

it('merges shards: each mutant once, a real status over Ignored, disagreeing verdicts refused', () => {
  const a = summarize([run('shard 1/2')], [mutant(1, 'Killed'), mutant(2, 'Ignored')]);
  const b = summarize([run('shard 2/2')], [mutant(2, 'Survived'), mutant(3, 'Killed')]);
  const merged = mergeSummaries([a, b]);
  expect(merged.mutants.map((m) => m.status)).toEqual(['Killed', 'Survived', 'Killed']);
  expect(merged.runs).toHaveLength(2);
  expect(() => mergeSummaries([a, summarize([run('x')], [mutant(1, 'Survived')])])).toThrow(MergeError);
  expect(() => mergeSummaries([a, summarize([{ ...run('y'), coreVersion: 'def' }], [])])).toThrow(/different versions of core/);
});

it('baseline: fails when a detected mutant survives, passes on the same or better', () => {
  const recorded = recordBaseline(summarize([run('s')], [mutant(1, 'Killed'), mutant(2, 'Survived')]));
  expect(recorded.detected).toBe(1);
  expect(checkBaseline(recorded, summarize([run('s')], [mutant(1, 'Killed'), mutant(2, 'Survived')])).ok).toBe(true);
  expect(checkBaseline(recorded, summarize([run('s')], [mutant(1, 'Timeout'), mutant(2, 'Killed')])).ok).toBe(true);
  const worse = checkBaseline(recorded, summarize([run('s')], [mutant(1, 'Survived'), mutant(2, 'Survived')]));
  expect(worse.ok).toBe(false);
  expect(worse.messages.join('\n')).toContain('no longer detected: core/x.ts:1:2-1:9');
});
