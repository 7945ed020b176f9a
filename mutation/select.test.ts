import { readFileSync } from 'node:fs';
import { listMutants, mutantKey, type MutantSite } from './mutants';
import { assignShards, innermostSites, parseShard, sampleSites, SelectionError, shardUnits, topLevelLineRanges } from './select';

const FIVE = ['core/election.ts', 'core/replication.ts', 'core/snapshot.ts', 'core/reads.ts', 'core/transfer.ts'];
let mutants: MutantSite[];
beforeAll(() => {
  mutants = listMutants(FIVE);
}, 60_000);

const inUnit = (m: MutantSite, u: { file: string; startLine: number; endLine: number }): boolean =>
  m.file === u.file && m.location.start.line >= u.startLine && m.location.end.line <= u.endLine;

it('lists Stryker\'s mutants of the five measured files, all inside them', () => {
  expect(mutants.length).toBeGreaterThan(500);
  expect(new Set(mutants.map((m) => m.file))).toEqual(new Set(FIVE));
  expect(new Set(mutants.map(mutantKey)).size).toBe(mutants.length);
});

it('parses I/N shards and rejects anything else', () => {
  expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
  for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1-3', '']) expect(() => parseShard(bad)).toThrow(SelectionError);
});

it('cuts a file at top-level statements, merging statements that share a line', () => {
  expect(topLevelLineRanges('import x from "y";\n\nfunction f() {\n  return 1;\n}\nconst a = 1; const b = 2;\n')).toEqual([
    { startLine: 1, endLine: 1 }, { startLine: 3, endLine: 5 }, { startLine: 6, endLine: 6 },
  ]);
});

it.each([1, 2, 3, 7])('deals every mutant to exactly one of %i shards, evenly', (count) => {
  const units = shardUnits(FIVE, mutants);
  const shards = assignShards(units, count);
  const owners = mutants.map((m) => shards.filter((s) => s.some((u) => inUnit(m, u))).length);
  expect(owners.every((n) => n === 1)).toBe(true);
  const loads = shards.map((s) => s.reduce((n, u) => n + u.mutants, 0));
  const biggestUnit = Math.max(...units.map((u) => u.mutants));
  expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(biggestUnit);
});

it('samples innermost sites deterministically, unmoved by an edit elsewhere in the file', () => {
  const transfer = mutants.filter((m) => m.file === 'core/transfer.ts');
  const sites = innermostSites(transfer);
  for (const s of sites) {
    const inside = transfer.filter((m) => m.location !== s.location && mutantKey(m) !== mutantKey(s.mutants[0]));
    expect(inside.every((m) => !(m.location.start.line > s.location.start.line && m.location.end.line < s.location.end.line))).toBe(true);
  }
  const read = (f: string): string => readFileSync(f, 'utf8');
  const pick = sampleSites(['core/transfer.ts'], transfer, 3, read);
  const sampled = pick.reduce((n, s) => n + s.mutants.length, 0);
  expect(sampled).toBeGreaterThanOrEqual(3);
  expect(sampled - pick[pick.length - 1].mutants.length).toBeLessThan(3);
  expect(sampleSites(['core/transfer.ts'], transfer, 3, read)).toEqual(pick);
  // Two blank lines inserted at the top shift every site by two lines, and the sample with it.
  const shifted = (read('core/transfer.ts').replace(/^/, '\n\n'));
  const moved = transfer.map((m) => ({ ...m, location: { start: { ...m.location.start, line: m.location.start.line + 2 }, end: { ...m.location.end, line: m.location.end.line + 2 } } }));
  const again = sampleSites(['core/transfer.ts'], moved, 3, () => shifted);
  expect(again.map((s) => s.location.start.line)).toEqual(pick.map((s) => s.location.start.line + 2));
});
