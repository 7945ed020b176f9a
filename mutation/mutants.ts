// Mutants as this tool names them: a file, a location, the mutator and its replacement. The list
// of a file's mutants comes from Stryker's own instrumenter, with the same options the run uses,
// so sharding and sampling see exactly the mutants Stryker will test.

import { execFileSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';

/** Lines 1-based, columns 0-based: as Stryker's `mutate` ranges read them (file:L:C-L:C). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Location {
  readonly start: Position;
  readonly end: Position;
}

export interface MutantSite {
  readonly file: string;
  readonly location: Location;
  readonly mutatorName: string;
  readonly replacement: string;
}

/** Stable identity of a mutant across runs and shards (ids are per run). */
export function mutantKey(m: MutantSite): string {
  const { start, end } = m.location;
  return `${m.file}:${start.line}:${start.column}-${end.line}:${end.column} ${m.mutatorName} ${JSON.stringify(m.replacement)}`;
}

export function locationKey(file: string, l: Location): string {
  return `${file}:${l.start.line}:${l.start.column}-${l.end.line}:${l.end.column}`;
}

/** A Stryker `mutate` entry naming exactly this location (and anything nested in it). */
export function mutateRange(file: string, l: Location): string {
  return locationKey(file, l);
}

export function compareSites(a: MutantSite, b: MutantSite): number {
  return (
    a.file.localeCompare(b.file) ||
    a.location.start.line - b.location.start.line ||
    a.location.start.column - b.location.start.column ||
    a.location.end.line - b.location.end.line ||
    a.location.end.column - b.location.end.column ||
    a.mutatorName.localeCompare(b.mutatorName) ||
    a.replacement.localeCompare(b.replacement)
  );
}

export function contains(outer: Location, inner: Location): boolean {
  const startsBefore = outer.start.line < inner.start.line || (outer.start.line === inner.start.line && outer.start.column <= inner.start.column);
  const endsAfter = outer.end.line > inner.end.line || (outer.end.line === inner.end.line && outer.end.column >= inner.end.column);
  return startsBefore && endsAfter;
}

export function sameLocation(a: Location, b: Location): boolean {
  return a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;
}

/** Stryker's API locations are 0-based lines and columns. */
export function fromStrykerLocation(l: { start: { line: number; column: number }; end: { line: number; column: number } }): Location {
  return { start: { line: l.start.line + 1, column: l.start.column }, end: { line: l.end.line + 1, column: l.end.column } };
}

interface ListedMutant {
  readonly fileName: string;
  readonly location: Parameters<typeof fromStrykerLocation>[0];
  readonly mutatorName: string;
  readonly replacement: string;
}

/** Every mutant Stryker generates for these files (paths relative to `root`), sorted. */
export function listMutants(files: readonly string[], root: string = process.cwd()): MutantSite[] {
  const script = join(__dirname, 'list-mutants.mjs');
  const out = execFileSync(process.execPath, [script, ...files], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return (JSON.parse(out) as ListedMutant[])
    .map((m) => ({ file: relative(root, resolve(root, m.fileName)), location: fromStrykerLocation(m.location), mutatorName: m.mutatorName, replacement: m.replacement }))
    .sort(compareSites);
}
