// npm run bench:etcd: raftbed against etcd-io/raft (Go), like for like (README.md here). Builds the
// two Go harnesses and the raftbed mirror into .build/, then runs them interleaved, one fresh
// process per run, rotating the order every round, and prints medians and per-round ratios.

import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { buildSync } from 'esbuild';
import { MODES } from './raftbed-mirror';

const HERE = __dirname;
const ROOT = path.join(HERE, '..', '..');
const BUILD_DIR = path.join(HERE, '.build');

export interface Contender {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
}

export interface RunResult {
  readonly impl: string;
  readonly version: string;
  readonly mode: string;
  readonly entries: number;
  readonly cpuMicrosPerEntry: number;
  readonly allocBytesPerEntry: number;
}

/** Entries per measured phase when --entries is not given: each run takes about a second on a quiet core. */
export const DEFAULT_ENTRIES: Readonly<Record<string, number>> = Object.freeze({ unbatched: 20_000, pipelined: 40_000, batched: 400_000 });

export class ToolMissingError extends Error {
  override readonly name = 'ToolMissingError';
}

export function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Downloads the Go modules (a no-op once cached), builds both harnesses and bundles the mirror. */
export function build(log: (line: string) => void = () => {}): Contender[] {
  if (!goAvailable()) throw new ToolMissingError('`go` is not on PATH; install Go 1.23 or later to build the etcd harnesses');
  mkdirSync(BUILD_DIR, { recursive: true });
  const contenders: Contender[] = [];
  for (const [label, dir] of [['etcd-v3.6.0', 'go'], ['etcd-latest', 'go-latest']] as const) {
    const cwd = path.join(HERE, dir);
    const binary = path.join(BUILD_DIR, label);
    log(`building ${label} (${dir}/)`);
    execFileSync('go', ['mod', 'download'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('go', ['build', '-o', binary, '.'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    contenders.push({ label, command: binary, args: [] });
  }
  const bundle = path.join(BUILD_DIR, 'raftbed-mirror.js');
  log('bundling raftbed-mirror.ts');
  buildSync({ entryPoints: [path.join(HERE, 'raftbed-mirror.ts')], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'error' });
  contenders.push({ label: 'raftbed', command: process.execPath, args: ['--expose-gc', bundle] });
  return contenders;
}

/** A raftbed contender label: this tree's mirror, or a baseline's (raftbed@REF). */
export function isRaftbed(label: string): boolean {
  return label === 'raftbed' || label.startsWith('raftbed@');
}

/**
 * The mirror as of another commit (`--baseline REF`), to measure a change to core against the code
 * before it in the same interleaved run: core/ and the mirror are taken from REF with git archive
 * (nothing in the work tree changes) and bundled like this tree's.
 */
export function buildBaseline(ref: string, log: (line: string) => void = () => {}): Contender {
  const sha = execFileSync('git', ['rev-parse', '--verify', '--short', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(BUILD_DIR, `baseline-${sha}`);
  const tar = `${dir}.tar`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`bundling raftbed-mirror.ts as of ${ref} (${sha})`);
  execFileSync('git', ['archive', '--output', tar, sha, 'core', 'bench/etcd/raftbed-mirror.ts'], { cwd: ROOT });
  execFileSync('tar', ['-x', '-f', tar, '-C', dir]);
  rmSync(tar, { force: true });
  const bundle = path.join(BUILD_DIR, `raftbed-mirror-${sha}.js`);
  buildSync({ entryPoints: [path.join(dir, 'bench', 'etcd', 'raftbed-mirror.ts')], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'error' });
  // The bundle stands alone; the sources would otherwise be found by jest and tsc as this tree's.
  rmSync(dir, { recursive: true, force: true });
  return { label: `raftbed@${ref}`, command: process.execPath, args: ['--expose-gc', bundle] };
}

/**
 * Node/V8 flags for the raftbed contenders (`--node-flags`), before the bundle: e.g. a larger young
 * generation (`--min-semi-space-size=16`), to see how much of raftbed's CPU is its garbage
 * collector's schedule rather than core. The Go harnesses run with Go's defaults either way.
 */
export function withNodeFlags(contender: Contender, flags: readonly string[]): Contender {
  if (flags.length === 0 || !isRaftbed(contender.label)) return contender;
  const bundleAt = contender.args.length - 1;
  return { ...contender, args: [...contender.args.slice(0, bundleAt), ...flags, contender.args[bundleAt]] };
}

function nodeFlagList(value: string): string[] {
  const flags = value.split(/\s+/).filter((f) => f !== '');
  for (const f of flags) if (!f.startsWith('--')) throw new InvalidArgumentError(`node flags must each start with --, got ${JSON.stringify(f)}`);
  return flags;
}

export function runOnce(contender: Contender, mode: string, entries: number): RunResult {
  const isGo = !isRaftbed(contender.label);
  const flags = isGo ? ['-mode', mode, '-entries', String(entries)] : ['--mode', mode, '--entries', String(entries)];
  const stdout = execFileSync(contender.command, [...contender.args, ...flags], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const parsed = JSON.parse(stdout.trim().split('\n').pop() as string) as RunResult;
  return { ...parsed, impl: contender.label };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface ModeSummary {
  readonly mode: string;
  readonly entries: number;
  readonly rounds: number;
  /** Median over rounds, per contender label. */
  readonly cpuMicrosPerEntry: Readonly<Record<string, number>>;
  readonly allocBytesPerEntry: Readonly<Record<string, number>>;
  /** Median of the per-round ratios raftbed / contender (a round's runs sit next to each other in time). */
  readonly cpuRatio: Readonly<Record<string, number>>;
  readonly allocRatio: Readonly<Record<string, number>>;
  /** Lowest and highest per-round CPU ratio raftbed / contender: the spread the median hides. */
  readonly cpuRatioRange: Readonly<Record<string, readonly [number, number]>>;
  readonly runs: readonly RunResult[][];
}

export function summarize(mode: string, entries: number, rounds: readonly RunResult[][], labels: readonly string[]): ModeSummary {
  const byLabel = (round: readonly RunResult[], label: string): RunResult => {
    const r = round.find((x) => x.impl === label);
    if (!r) throw new Error(`round has no result for ${label}`);
    return r;
  };
  const cpu: Record<string, number> = {};
  const alloc: Record<string, number> = {};
  const cpuRatio: Record<string, number> = {};
  const allocRatio: Record<string, number> = {};
  const cpuRatioRange: Record<string, readonly [number, number]> = {};
  for (const label of labels) {
    cpu[label] = median(rounds.map((round) => byLabel(round, label).cpuMicrosPerEntry));
    alloc[label] = median(rounds.map((round) => byLabel(round, label).allocBytesPerEntry));
    if (label === 'raftbed') continue;
    const cpuRatios = rounds.map((round) => byLabel(round, 'raftbed').cpuMicrosPerEntry / byLabel(round, label).cpuMicrosPerEntry);
    cpuRatio[label] = median(cpuRatios);
    cpuRatioRange[label] = [Math.min(...cpuRatios), Math.max(...cpuRatios)];
    allocRatio[label] = median(rounds.map((round) => byLabel(round, 'raftbed').allocBytesPerEntry / byLabel(round, label).allocBytesPerEntry));
  }
  return { mode, entries, rounds: rounds.length, cpuMicrosPerEntry: cpu, allocBytesPerEntry: alloc, cpuRatio, allocRatio, cpuRatioRange, runs: rounds };
}

/** This tree's raftbed against a baseline's (--baseline), per mode: both contenders' medians and the ratio. */
export function formatBaselineTable(summaries: readonly ModeSummary[], baseline: string): string {
  const header = ['mode', `${baseline} µs/entry`, 'raftbed µs/entry', `CPU raftbed/${baseline}`, `${baseline} B/entry`, 'raftbed B/entry', `bytes raftbed/${baseline}`];
  const rows = summaries.map((s) => [
    s.mode, s.cpuMicrosPerEntry[baseline].toFixed(2), s.cpuMicrosPerEntry.raftbed.toFixed(2), ratioWithRange(s, baseline),
    Math.round(s.allocBytesPerEntry[baseline]).toString(), Math.round(s.allocBytesPerEntry.raftbed).toString(), `${s.allocRatio[baseline].toFixed(2)}×`,
  ]);
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function ratioWithRange(s: ModeSummary, label: string): string {
  const [low, high] = s.cpuRatioRange[label];
  return `${s.cpuRatio[label].toFixed(2)}× (${low.toFixed(2)}–${high.toFixed(2)})`;
}

export function formatTable(summaries: readonly ModeSummary[]): string {
  const header = ['mode', 'etcd v3.6.0 µs/entry', 'etcd latest µs/entry', 'raftbed µs/entry', 'CPU raftbed/v3.6.0', 'CPU raftbed/latest',
    'etcd v3.6.0 B/entry', 'etcd latest B/entry', 'raftbed B/entry', 'bytes raftbed/v3.6.0', 'bytes raftbed/latest'];
  const rows = summaries.map((s) => [
    s.mode,
    s.cpuMicrosPerEntry['etcd-v3.6.0'].toFixed(2), s.cpuMicrosPerEntry['etcd-latest'].toFixed(2), s.cpuMicrosPerEntry.raftbed.toFixed(2),
    ratioWithRange(s, 'etcd-v3.6.0'), ratioWithRange(s, 'etcd-latest'),
    Math.round(s.allocBytesPerEntry['etcd-v3.6.0']).toString(), Math.round(s.allocBytesPerEntry['etcd-latest']).toString(), Math.round(s.allocBytesPerEntry.raftbed).toString(),
    `${s.allocRatio['etcd-v3.6.0'].toFixed(2)}×`, `${s.allocRatio['etcd-latest'].toFixed(2)}×`,
  ]);
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function modeList(value: string): string[] {
  const modes = value.split(',').map((m) => m.trim()).filter((m) => m !== '');
  for (const m of modes) if (!(m in MODES)) throw new InvalidArgumentError(`unknown mode ${JSON.stringify(m)}; expected ${Object.keys(MODES).join(', ')}`);
  if (modes.length === 0) throw new InvalidArgumentError('no modes given');
  return modes;
}

function main(argv: readonly string[]): void {
  const program = new Command('bench:etcd')
    .description('raftbed core against etcd-io/raft RawNode (v3.6.0 and latest), interleaved, one fresh process per run')
    .option('--rounds <n>', 'rounds per mode (each round runs every contender once)', positiveInt, 5)
    .option('--modes <list>', 'comma-separated modes', modeList, Object.keys(MODES))
    .option('--entries <n>', `entries per measured phase (default per mode: ${JSON.stringify(DEFAULT_ENTRIES)})`, positiveInt)
    .option('--baseline <ref>', 'also run the mirror as of this git commit (e.g. main), interleaved, and print raftbed against it')
    .option('--node-flags <flags>', 'Node/V8 flags for every raftbed contender, space-separated (e.g. "--min-semi-space-size=16"); etcd keeps Go\'s defaults', nodeFlagList, [])
    .option('--json', 'print the summaries (with every run) as JSON')
    .parse(argv as string[]);
  const opts = program.opts<{ rounds: number; modes: string[]; entries?: number; baseline?: string; nodeFlags: string[]; json?: boolean }>();
  const progress = (line: string): void => void process.stderr.write(`${line}\n`);
  let contenders: Contender[];
  try {
    contenders = build(progress);
    if (opts.baseline !== undefined) contenders.push(buildBaseline(opts.baseline, progress));
  } catch (e) {
    if (e instanceof ToolMissingError) {
      process.stderr.write(`bench:etcd: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  contenders = contenders.map((c) => withNodeFlags(c, opts.nodeFlags));
  const labels = contenders.map((c) => c.label);
  const summaries: ModeSummary[] = [];
  for (const mode of opts.modes) {
    const entries = opts.entries ?? DEFAULT_ENTRIES[mode];
    const rounds: RunResult[][] = [];
    for (let r = 0; r < opts.rounds; r++) {
      // Rotate who goes first, so no contender always runs right after the same neighbour.
      const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
      const round = order.map((c) => runOnce(c, mode, entries));
      progress(`${mode} round ${r + 1}/${opts.rounds}: ${round.map((x) => `${x.impl} ${x.cpuMicrosPerEntry.toFixed(2)} µs`).join(', ')}`);
      rounds.push(round);
    }
    summaries.push(summarize(mode, entries, rounds, labels));
  }
  if (opts.json) {
    console.log(JSON.stringify({ nodeFlags: opts.nodeFlags, summaries }, null, 2));
    return;
  }
  console.log('raftbed vs etcd-io/raft: 3 nodes in memory, FIFO queue, persist-before-send, 16-byte payload, PreVote+CheckQuorum');
  if (opts.nodeFlags.length > 0) console.log(`raftbed runs with Node flags ${opts.nodeFlags.join(' ')} (not the default); etcd with Go's defaults`);
  console.log('CPU = user+sys time of the measured phase per committed entry; medians over rounds; ratios are medians of per-round ratios (lowest–highest round)\n');
  console.log(formatTable(summaries));
  if (opts.baseline !== undefined) {
    console.log(`\nraftbed (this tree) against raftbed@${opts.baseline}, same rounds:\n`);
    console.log(formatBaselineTable(summaries, `raftbed@${opts.baseline}`));
  }
}

if (require.main === module) main(process.argv);
