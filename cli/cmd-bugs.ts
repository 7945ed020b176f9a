// raftbed bugs [--only NAME] [--max-seeds N] [--json]: hunts every planted bug and reports how
// fast the simulator's checkers catch it. This is the only file in sim/bugs that reads a real
// clock (for the humans reading the wall times); the hunt itself is given the clock.

import { performance } from 'node:perf_hooks';
import { CliUsageError, helpText, parseArgs, type FlagSpec } from './args';
import { PROCESS_IO, type CliIo } from './io';
import { PLANTED_BUGS, findBug, UnknownBugError } from '../sim/bugs/catalogue';
import { huntBug, type HuntResult } from '../sim/bugs/hunt';
import { replayCommand } from '../sim/bugs/run';
import type { PlantedBug } from '../sim/bugs/types';

export const DEFAULT_MAX_SEEDS = 200;

const FLAGS: Record<string, FlagSpec> = {
  only: { kind: 'string', help: 'hunt only the bug with this name' },
  'max-seeds': { kind: 'int', min: 1, max: 1_000_000, help: `seeds to try per bug before giving up (default ${DEFAULT_MAX_SEEDS})` },
  'from-seed': { kind: 'int', min: 0, help: 'first seed to try (default 1)' },
  'declared-only': { kind: 'bool', help: 'keep hunting past violations of properties the bug does not declare' },
  json: { kind: 'bool', help: 'machine-readable output' },
  help: { kind: 'bool', help: 'show this help' },
};

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

/** `argv` is what follows `raftbed bugs`. Returns the exit code: 0 all caught, 1 some missed, 2 bad usage. */
export async function runBugsCli(argv: readonly string[], io: CliIo = PROCESS_IO, now: () => number = () => performance.now()): Promise<number> {
  let bugs: readonly PlantedBug[];
  let flags: Readonly<Record<string, string | number | boolean>>;
  try {
    flags = parseArgs(argv, FLAGS).flags;
    if (flags.help) {
      io.out(helpText('raftbed bugs [--only NAME] [--max-seeds N] [--from-seed S] [--declared-only] [--json]', FLAGS));
      io.out('');
      io.out(`bugs: ${PLANTED_BUGS.map((b) => b.name).join(', ')}`);
      return 0;
    }
    bugs = flags.only === undefined ? PLANTED_BUGS : [findBug(String(flags.only))];
  } catch (e) {
    if (e instanceof CliUsageError || e instanceof UnknownBugError) {
      io.err(`raftbed bugs: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const maxSeeds = Number(flags['max-seeds'] ?? DEFAULT_MAX_SEEDS);
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
  return rows.every((r) => r.caught) ? 0 : 1;
}
