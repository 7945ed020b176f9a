// Joins the --json reports of a sharded sweep (`raftbed sweep --shard i/n`, one per machine or
// Kubernetes pod) into the report the unsharded sweep would have printed. Pure: it reads nothing
// and never guesses. Before adding anything up it proves that the shards are one sweep: the same
// raftbed build, the same configuration, shard indexes 0..n-1 each once, and seed sets that are
// disjoint and together exactly the sweep's seed range. Anything else is a typed error.

import { createHash } from 'node:crypto';
import { missingCoverage } from '../sim/cluster/coverage';
import type { SweepAvailability, SweepReport } from './sweep-types';

/** What a shard's report says about who ran it and which share of which sweep it is. */
export interface SweepProvenance {
  readonly raftbed: { readonly version: string; readonly commit: string };
  /** The run configuration without the seed: every option that changes what a seed does. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly configDigest: string;
  readonly shard: { readonly index: number; readonly count: number };
  /** The whole sweep's seed range, the same in every shard... */
  readonly seedRange: { readonly from: number; readonly count: number };
  /** ...and the seeds this shard ran. */
  readonly seeds: readonly number[];
}

export type ShardReport = SweepReport & SweepProvenance;

/** One sweep's report, made of its shards: the same fields, plus what the merge itself adds. */
export interface MergedSweep
  extends Omit<SweepReport, 'speedOverRealTime'>,
    Pick<SweepProvenance, 'raftbed' | 'config' | 'configDigest' | 'seedRange'> {
  readonly shards: number;
  readonly passes: number;
  /** The slowest shard's wall time: shards run side by side. */
  readonly wallMs: number;
  /** All shards' events over the slowest shard's wall time. */
  readonly eventsPerSecond: number;
}

export class ShardError extends Error {}

/** Two shards claim the same index or the same seed. */
export class ShardOverlap extends ShardError {
  override readonly name = 'ShardOverlap';
}

/** A shard index or a seed of the range is in no shard. */
export class ShardMissing extends ShardError {
  override readonly name = 'ShardMissing';
}

/** The shards disagree on `field` (build, configuration, range or shard count). */
export class ShardMismatch extends ShardError {
  override readonly name = 'ShardMismatch';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** `file` is not a sweep shard report (not JSON, or a field is missing or of the wrong type). */
export class ShardFormat extends ShardError {
  override readonly name = 'ShardFormat';
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

/** JSON with keys sorted at every level, so equal configurations hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function configDigest(config: Readonly<Record<string, unknown>>): string {
  return `sha256:${createHash('sha256').update(canonicalJson(config)).digest('hex')}`;
}

/** Parses one shard's --json output; `file` names it in errors. */
export function parseShardReport(file: string, text: string): ShardReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ShardFormat(file, `not JSON (${(e as Error).message}); was the shard run with --json?`);
  }
  const fail = (what: string): never => {
    throw new ShardFormat(file, what);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('not a JSON object');
  const r = data as Record<string, unknown>;
  const isInt = (x: unknown) => Number.isSafeInteger(x);
  const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const counts = (x: unknown) => isObj(x) && Object.values(x).every(isInt);
  for (const f of ['runs', 'events']) if (!isInt(r[f])) fail(`"${f}" must be an integer`);
  for (const f of ['simulatedMs', 'wallMs']) if (!isNum(r[f])) fail(`"${f}" must be a number`);
  for (const f of ['linearizability', 'coverage']) if (!counts(r[f])) fail(`"${f}" must map names to integers`);
  if (!Array.isArray(r.violations) || !r.violations.every((v) => isObj(v) && isInt(v.seed) && typeof v.property === 'string')) fail('"violations" must be a list of {seed, property, ...}');
  if (!Array.isArray(r.validation)) fail('"validation" must be a list');
  if (!isObj(r.availability)) fail('"availability" must be an object');
  const b = r.raftbed;
  if (!isObj(b) || typeof b.version !== 'string' || typeof b.commit !== 'string') fail('"raftbed" must be {version, commit}: the shard was run by a raftbed without sharded-sweep provenance');
  if (!isObj(r.config)) fail('"config" must be an object');
  if (typeof r.configDigest !== 'string') fail('"configDigest" must be a string');
  if (r.configDigest !== configDigest(r.config as Record<string, unknown>)) fail('"configDigest" does not match "config" (edited by hand?)');
  const s = r.shard;
  if (!isObj(s) || !isInt(s.index) || !isInt(s.count) || (s.count as number) < 1 || (s.index as number) < 0 || (s.index as number) >= (s.count as number)) fail('"shard" must be {index, count} with 0 <= index < count');
  const range = r.seedRange;
  if (!isObj(range) || !isInt(range.from) || !isInt(range.count)) fail('"seedRange" must be {from, count}');
  if (!Array.isArray(r.seeds) || !r.seeds.every(isInt)) fail('"seeds" must be a list of integers');
  const seeds = r.seeds as number[];
  if (seeds.length !== r.runs) fail(`"runs" is ${r.runs} but "seeds" lists ${seeds.length}`);
  const own = new Set(seeds);
  for (const v of r.violations as { seed: number }[]) if (!own.has(v.seed)) fail(`violation of seed ${v.seed}, which this shard did not run`);
  return data as ShardReport;
}

/** One report from shard reports; throws a ShardError unless they are exactly one sweep. */
export function mergeShards(shards: readonly { file: string; report: ShardReport }[]): MergedSweep {
  if (shards.length === 0) throw new ShardMissing('no shard reports given');
  const first = shards[0];
  const same = (field: string, value: (r: ShardReport) => unknown) => {
    const want = canonicalJson(value(first.report));
    for (const s of shards.slice(1)) {
      const got = canonicalJson(value(s.report));
      if (got !== want) throw new ShardMismatch(field, `${field} differs: ${first.file} has ${want}, ${s.file} has ${got}`);
    }
  };
  same('raftbed.version', (r) => r.raftbed.version);
  same('raftbed.commit', (r) => r.raftbed.commit);
  for (const key of new Set(shards.flatMap((s) => Object.keys(s.report.config))).values()) same(`config.${key}`, (r) => r.config[key]);
  same('configDigest', (r) => r.configDigest);
  same('seedRange', (r) => r.seedRange);
  same('shard.count', (r) => r.shard.count);

  const count = first.report.shard.count;
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    const other = byIndex.get(s.report.shard.index);
    if (other !== undefined) throw new ShardOverlap(`shard ${s.report.shard.index}/${count} is given twice: ${other} and ${s.file}`);
    byIndex.set(s.report.shard.index, s.file);
  }
  const absent = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (absent.length > 0) throw new ShardMissing(`shard${absent.length > 1 ? 's' : ''} ${absent.map((i) => `${i}/${count}`).join(', ')} missing (have ${shards.length} of ${count})`);

  const { from, count: seedCount } = first.report.seedRange;
  const ranBy = new Map<number, string>();
  for (const s of shards) {
    for (const seed of s.report.seeds) {
      const other = ranBy.get(seed);
      if (other !== undefined) throw new ShardOverlap(`seed ${seed} was run by both ${other} and ${s.file}`);
      if (seed < from || seed >= from + seedCount) throw new ShardMismatch('seeds', `seed ${seed} in ${s.file} lies outside the sweep's seeds ${from}..${from + seedCount - 1}`);
      ranBy.set(seed, s.file);
    }
  }
  const unrun: number[] = [];
  for (let k = from; k < from + seedCount; k++) if (!ranBy.has(k)) unrun.push(k);
  if (unrun.length > 0) throw new ShardMissing(`${unrun.length} seed(s) of ${from}..${from + seedCount - 1} were run by no shard (first: ${unrun.slice(0, 5).join(', ')})`);

  const reports = shards.map((s) => s.report);
  const sum = (f: (r: ShardReport) => number) => reports.reduce((acc, r) => acc + f(r), 0);
  const events = sum((r) => r.events);
  const wallMs = Math.max(...reports.map((r) => r.wallMs));
  const coverage = addCounts(reports.map((r) => r.coverage));
  const violations = reports.flatMap((r) => r.violations).sort((a, b) => a.seed - b.seed);
  const runs = sum((r) => r.runs);
  return {
    shards: count, raftbed: first.report.raftbed, config: first.report.config, configDigest: first.report.configDigest, seedRange: first.report.seedRange,
    runs, passes: runs - violations.length, violations, events, simulatedMs: sum((r) => r.simulatedMs), wallMs,
    eventsPerSecond: wallMs > 0 ? events / (wallMs / 1000) : 0,
    linearizability: addCounts(reports.map((r) => r.linearizability)), coverage,
    missingCoverage: missingCoverage(String(first.report.config.faults), coverage as Parameters<typeof missingCoverage>[1], Number(first.report.config.nodes)),
    validation: reports.flatMap((r) => r.validation).sort((a, b) => a.seed - b.seed),
    availability: worstOf(reports.map((r) => r.availability)),
  };
}

function addCounts(all: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const counts of all) for (const [k, v] of Object.entries(counts)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** The worst availability of any shard, combined the way the sweep combines seeds. Null bounds mean "no seed reached quiet". */
function worstOf(all: readonly SweepAvailability[]): SweepAvailability {
  const minBound = (xs: (number | null)[]) => {
    const known = xs.filter((x): x is number => x !== null);
    return known.length > 0 ? Math.min(...known) : null;
  };
  return {
    maxLeaderlessMs: Math.max(0, ...all.map((a) => a.maxLeaderlessMs)),
    leaderlessBoundMs: minBound(all.map((a) => a.leaderlessBoundMs)),
    maxOperationMs: Math.max(0, ...all.map((a) => a.maxOperationMs)),
    stalledOperationBoundMs: minBound(all.map((a) => a.stalledOperationBoundMs)),
    catchUpBoundMs: minBound(all.map((a) => a.catchUpBoundMs)),
    catchUpWindowsJudged: all.reduce((n, a) => n + a.catchUpWindowsJudged, 0),
    catchUpExtensions: all.reduce((n, a) => n + a.catchUpExtensions, 0),
  };
}
