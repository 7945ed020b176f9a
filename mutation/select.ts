// Which mutants one Stryker run tests, expressed as Stryker `mutate` entries.
//
// Shards: a file is cut at its top-level statements (a function, a constant). Every mutant lies
// inside exactly one of them, so whole-line ranges around top-level statements neither lose nor
// repeat a mutant; units are dealt to shards largest first, so shards carry similar counts.
//
// Samples (CI): a few innermost mutation sites (nodes with no other mutant inside), picked by a
// hash of what they are rather than where they are, so an edit elsewhere in a file leaves the
// sample alone. A site's range selects all mutants on that node and nothing else.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as ts from 'typescript';
import { contains, locationKey, mutateRange, sameLocation, type Location, type MutantSite } from './mutants';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (match === null) throw new SelectionError(`--shard must be I/N with 1 <= I <= N, got ${JSON.stringify(text)}`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!(count >= 1 && index >= 1 && index <= count)) throw new SelectionError(`--shard must be I/N with 1 <= I <= N, got ${JSON.stringify(text)}`);
  return { index, count };
}

/** A file's top-level statements as inclusive 1-based line ranges (statements sharing a line merged). */
export function topLevelLineRanges(source: string, fileName = 'file.ts'): { startLine: number; endLine: number }[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const ranges: { startLine: number; endLine: number }[] = [];
  for (const statement of sf.statements) {
    const startLine = sf.getLineAndCharacterOfPosition(statement.getStart(sf)).line + 1;
    const endLine = sf.getLineAndCharacterOfPosition(statement.getEnd()).line + 1;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && startLine <= last.endLine) last.endLine = Math.max(last.endLine, endLine);
    else ranges.push({ startLine, endLine });
  }
  return ranges;
}

export interface Unit {
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly mutants: number;
}

/** Top-level statements with at least one mutant, in file and line order. */
export function shardUnits(files: readonly string[], mutants: readonly MutantSite[], readSource: (file: string) => string = (f) => readFileSync(f, 'utf8')): Unit[] {
  const units: Unit[] = [];
  for (const file of files) {
    const own = mutants.filter((m) => m.file === file);
    let placed = 0;
    for (const r of topLevelLineRanges(readSource(file), file)) {
      const n = own.filter((m) => m.location.start.line >= r.startLine && m.location.end.line <= r.endLine).length;
      placed += n;
      if (n > 0) units.push({ file, ...r, mutants: n });
    }
    if (placed !== own.length) throw new SelectionError(`${file}: ${own.length - placed} mutants lie outside every top-level statement`);
  }
  return units;
}

/** Deals units to shards, largest first, each to the least loaded (ties: lowest shard). */
export function assignShards(units: readonly Unit[], count: number): Unit[][] {
  const shards: Unit[][] = Array.from({ length: count }, () => []);
  const load = new Array<number>(count).fill(0);
  const order = units.map((u, k) => ({ u, k })).sort((a, b) => b.u.mutants - a.u.mutants || a.k - b.k);
  for (const { u } of order) {
    const target = load.indexOf(Math.min(...load));
    shards[target].push(u);
    load[target] += u.mutants;
  }
  const position = new Map(units.map((u, k) => [u, k]));
  return shards.map((s) => s.sort((a, b) => position.get(a)! - position.get(b)!));
}

export function unitRange(u: Unit): string {
  return `${u.file}:${u.startLine}-${u.endLine}`;
}

export interface Site {
  readonly file: string;
  readonly location: Location;
  readonly mutants: readonly MutantSite[];
}

/** Groups mutants by node; keeps the nodes that contain no other mutant's node. */
export function innermostSites(mutants: readonly MutantSite[]): Site[] {
  const sites = new Map<string, Site>();
  for (const m of mutants) {
    const key = locationKey(m.file, m.location);
    const site = sites.get(key);
    if (site) (site.mutants as MutantSite[]).push(m);
    else sites.set(key, { file: m.file, location: m.location, mutants: [m] });
  }
  const all = [...sites.values()];
  return all.filter((s) => !all.some((o) => o !== s && o.file === s.file && contains(s.location, o.location) && !sameLocation(s.location, o.location)));
}

/** What a site is, independent of its line: file, the node's text, and its mutants. */
function siteIdentity(site: Site, source: string): string {
  const lines = source.split('\n');
  const { start, end } = site.location;
  const text = start.line === end.line
    ? lines[start.line - 1].slice(start.column, end.column)
    : [lines[start.line - 1].slice(start.column), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column)].join('\n');
  return [site.file, text, ...site.mutants.map((m) => `${m.mutatorName}:${m.replacement}`)].join('\u0000');
}

/**
 * Innermost sites of each file, taken in the order of the hashes of their identities (a node's
 * text repeated in a file is told apart by its occurrence number) until they hold at least
 * `mutantsPerFile` mutants. Deterministic.
 */
export function sampleSites(files: readonly string[], mutants: readonly MutantSite[], mutantsPerFile: number, readSource: (file: string) => string = (f) => readFileSync(f, 'utf8')): Site[] {
  const chosen: Site[] = [];
  for (const file of files) {
    const source = readSource(file);
    const seen = new Map<string, number>();
    const ranked = innermostSites(mutants.filter((m) => m.file === file)).map((site) => {
      const identity = siteIdentity(site, source);
      const occurrence = (seen.get(identity) ?? 0) + 1;
      seen.set(identity, occurrence);
      return { site, hash: createHash('sha256').update(`${identity}\u0000${occurrence}`).digest('hex') };
    });
    ranked.sort((a, b) => a.hash.localeCompare(b.hash));
    let taken = 0;
    for (const { site } of ranked) {
      if (taken >= mutantsPerFile) break;
      chosen.push(site);
      taken += site.mutants.length;
    }
  }
  return chosen;
}

export function siteRange(site: Site): string {
  return mutateRange(site.file, site.location);
}
