// raftbed bugs [--only NAME] [--max-seeds N] [--json]: hunts every planted bug and reports how
// fast the simulator's checkers catch it. This is the only file in sim/bugs that reads a real
// clock (for the humans reading the wall times); the hunt itself is given the clock.

import { performance } from 'node:perf_hooks';
import { PLANTED_BUGS, findBug } from '../sim/bugs/catalogue';
import { huntBug, type HuntResult } from '../sim/bugs/hunt';
import { replayCommand } from '../sim/bugs/run';
import type { PlantedBug } from '../sim/bugs/types';
import type { Invocation } from './program';
import { EXIT_CHECK_FAILED, EXIT_OK } from './exit-codes';

export interface BugReport extends HuntResult {
  /** Whether the property that caught it is one the bug declares in caughtBy. */
  readonly expected: boolean;
  readonly caughtBy: readonly string[];
  readonly replay?: string;
}

function report(bug: PlantedBug, hunt: HuntResult): BugReport {
  const expected = hunt.property !== undefined && bug.caughtBy.includes(hunt.property);
  if (!hunt.caught || hunt.seed === undefined) return { ...hunt, expected, caughtBy: bug.caughtBy };
  return { ...hunt, expected, caughtBy: bug.caughtBy, replay: replayCommand(bug, hunt.seed) };
}

function table(rows: readonly BugReport[]): string[] {
  const header = ['bug', 'caught', 'seed', 'property', 'seeds', 'wall ms', 'replay'];
  const cells = rows.map((r) => [
    r.bug,
    r.caught ? (r.expected ? 'yes' : 'yes (!)') : 'NO',
    r.seed === undefined ? '-' : String(r.seed),
    r.property ?? '-',
    String(r.seedsTried),
    r.wallMs.toFixed(0),
    r.replay ?? '-',
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k].length)));
  const line = (c: readonly string[]) => c.map((x, k) => (k === c.length - 1 ? x : x.padEnd(widths[k]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}

function footnotes(rows: readonly BugReport[]): string[] {
  const notes: string[] = [];
  if (rows.some((r) => r.caught && !r.expected)) notes.push('(!) caught, but by a property the bug does not list in caughtBy');
  const missed = rows.filter((r) => !r.caught);
  if (missed.length > 0) notes.push(`not caught: ${missed.map((r) => r.bug).join(', ')}`);
  return notes;
}

/** `raftbed bugs`: 0 when every bug was caught, 1 when any escaped; an unknown --only is a usage error. */
export async function runBugsCli({ flags, io, deps }: Invocation): Promise<number> {
  const now = deps.now ?? (() => performance.now());
  const bugs: readonly PlantedBug[] = flags.only === undefined ? PLANTED_BUGS : [findBug(String(flags.only))];
  const maxSeeds = Number(flags['max-seeds']);
  const fromSeed = Number(flags['from-seed'] ?? 1);
  const rows: BugReport[] = [];
  for (const bug of bugs) {
    rows.push(report(bug, huntBug(bug, { fromSeed, maxSeeds, now, declaredOnly: flags['declared-only'] === true })));
    if (!flags.json && io.isTTY) io.err(`  ${bug.name}: ${rows[rows.length - 1].caught ? 'caught' : 'not caught'}`);
  }
  if (flags.json) {
    io.out(JSON.stringify(rows, null, 2));
  } else {
    for (const l of table(rows)) io.out(l);
    const notes = footnotes(rows);
    if (notes.length > 0) io.out('');
    for (const n of notes) io.out(n);
  }
  return exitCode(rows);
}

/** 0 when every bug was caught, 1 when any escaped. */
export function exitCode(rows: readonly Pick<BugReport, 'caught'>[]): number {
  return rows.every((r) => r.caught) ? EXIT_OK : EXIT_CHECK_FAILED;
}
