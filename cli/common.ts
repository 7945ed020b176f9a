// What the run-shaped commands (run, sweep, replay, shrink) share: the simulation flags, how they
// become a SimConfig, and how a failure is reported so that it can be replayed in one line.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { PACKAGE_ROOT } from './package-root';
import { probeImplementation } from '../sim/cluster/implementation';
import { DEFAULT_SIM_CONFIG, makeSimConfig, SimConfigError, type SimConfig } from '../sim/config';
import { parseFaultProfile, FaultProfileError, type FaultProfileName } from '../sim/faults';
import { InvalidArgumentError } from 'commander';
import { CliUsageError } from './errors';
import type { Flags, FlagSpec } from './flags';
import type { Violation } from '../sim/cluster/simulation';
import { runOptionsOf, withRunOptions, type RunOptionName } from '../sim/run-options';
import { OPTION_FLAGS, optionsFromFlags, pinnedOptionFlags } from './option-flags';

/** A fault profile's name; a typo is refused with the list of profiles. */
function faultProfile(value: string): FaultProfileName {
  try {
    return parseFaultProfile(value);
  } catch (e) {
    if (e instanceof FaultProfileError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

/**
 * The flags of every run-shaped command (run, sweep, replay), declared once here: each command's
 * table spreads them in, and cli/flags.ts adds them to its commander Command.
 */
export const SIM_FLAGS: Record<string, FlagSpec> = {
  nodes: { kind: 'int', min: 1, max: 9, help: 'cluster size, 1 to 9 (default 5)' },
  'initial-voters': { kind: 'int', min: 1, max: 9, value: 'N', help: 'the first N nodes form the initial configuration; the others start outside it and join only through membership changes (default: every node)' },
  faults: { kind: 'string', value: 'PROFILE', parse: faultProfile, help: 'fault profile: none, lossy, wan, partitions, divergence, crashes, clocks, all, membership, slow-disks, swarm (default all); swarm also draws each option flag below from the seed, unless it is given' },
  duration: { kind: 'int', min: 100, value: 'MS', help: 'simulated milliseconds per run (default 10000)' },
  clients: { kind: 'int', min: 0, max: 1000, help: 'concurrent clients (default 5)' },
  bug: { kind: 'string', value: 'NAME', help: 'run with a planted bug from `raftbed bugs` (never shipped in core)' },
  impl: { kind: 'string', value: 'MODULE', help: 'the Raft under test: a JS/TS module exporting createNode(id) => ProtocolNode (docs/node-protocol.md); default: raftbed\'s core' },
  'impl-cmd': { kind: 'string', value: 'CMD', help: 'the Raft under test: a command run once per node life, speaking the node protocol over NDJSON stdio (docs/node-protocol.md)' },
  'skip-idle-ticks': { kind: 'bool', help: 'step a node only when one of its timers can fire or another input reaches it; the idle ticks between go to it as one batched Tick (same behaviour, fewer steps; default off)' },
  ...OPTION_FLAGS,
};

/**
 * The run's pace beyond the election and heartbeat ticks (option flags): what `raftbed shrink`
 * slows down, so its printed `raftbed run` command can repeat it. Only `run` declares them.
 */
export const PACE_FLAGS: Record<string, FlagSpec> = {
  'tick-ms': { kind: 'number', min: 0.001, value: 'MS', help: `one Raft tick (default ${DEFAULT_SIM_CONFIG.tickMs})` },
  'think-ms': { kind: 'number', min: 0, value: 'MS', help: `clients' mean think time between operations (default ${DEFAULT_SIM_CONFIG.workload.thinkMeanMs})` },
  'attempt-timeout-ms': { kind: 'number', min: 0.001, value: 'MS', help: `a client retries an unanswered request at another node after MS (default ${DEFAULT_SIM_CONFIG.workload.attemptTimeoutMs})` },
  'operation-timeout-ms': { kind: 'number', min: 0.001, value: 'MS', help: `a client abandons an operation as unknown after MS (default ${DEFAULT_SIM_CONFIG.workload.operationTimeoutMs})` },
  'start-invoking-ms': { kind: 'number', min: 0, value: 'MS', help: 'clients invoke nothing before MS (default 0)' },
  'max-operations': { kind: 'number', min: 0, value: 'N', help: 'clients invoke at most N operations in all (default: no limit)' },
  'redirect-pause-ms': { kind: 'number', min: 0.001, value: 'MS', help: 'a client retries after a redirect or a refusal after MS (default 5)' },
};

/** Pace flag name -> where the value lives in SimConfig (top level or workload). */
const PACE_FIELDS = [
  ['tick-ms', 'tickMs', 'top'],
  ['think-ms', 'thinkMeanMs', 'workload'],
  ['attempt-timeout-ms', 'attemptTimeoutMs', 'workload'],
  ['operation-timeout-ms', 'operationTimeoutMs', 'workload'],
  ['start-invoking-ms', 'startInvokingAtMs', 'workload'],
  ['max-operations', 'maxOperations', 'workload'],
  ['redirect-pause-ms', 'redirectPauseMs', 'workload'],
] as const;

/** The pace flags that turn `from` into `to`'s pace (tick, think time, timeouts): '' when they agree. */
export function paceFlags(from: SimConfig, to: SimConfig): string {
  const parts: string[] = [];
  for (const [flag, field, where] of PACE_FIELDS) {
    const a = where === 'top' ? from.tickMs : from.workload[field as Exclude<typeof field, 'tickMs'>];
    const b = where === 'top' ? to.tickMs : to.workload[field as Exclude<typeof field, 'tickMs'>];
    if (a !== b) parts.push(`--${flag} ${b}`);
  }
  return parts.join(' ');
}

function paceFromFlags(flags: Flags, workload: SimConfig['workload']): Partial<SimConfig> {
  const out: Record<string, unknown> = {};
  const w: Record<string, unknown> = { ...workload };
  let touched = false;
  for (const [flag, field, where] of PACE_FIELDS) {
    if (flags[flag] === undefined) continue;
    if (where === 'top') out[field] = Number(flags[flag]);
    else (w[field] = Number(flags[flag])), (touched = true);
  }
  if (touched) out.workload = w;
  return out as Partial<SimConfig>;
}

export function simConfigFromFlags(flags: Flags, seed: number): SimConfig {
  let faults: FaultProfileName | undefined;
  try {
    if (flags.faults !== undefined) faults = parseFaultProfile(String(flags.faults));
  } catch (e) {
    if (e instanceof FaultProfileError) throw new CliUsageError(`--faults: ${e.message}`);
    throw e;
  }
  // A planted bug brings the settings under which it shows; explicit flags still win.
  const bugConfig = flags.bug !== undefined ? resolveBug(String(flags.bug))?.config ?? {} : {};
  const options = optionsFromFlags(flags);
  const pinned = Object.keys(options) as RunOptionName[];
  try {
    let config = makeSimConfig({
      ...bugConfig,
      seed,
      ...(flags.nodes !== undefined ? { nodes: Number(flags.nodes) } : {}),
      ...(flags['initial-voters'] !== undefined ? { initialVoters: Number(flags['initial-voters']) } : {}),
      ...(faults !== undefined ? { faults } : {}),
      ...(flags.duration !== undefined ? { durationMs: Number(flags.duration) } : {}),
      ...(flags.clients !== undefined ? { workload: { ...bugConfig.workload, clients: Number(flags.clients) } as SimConfig['workload'] } : {}),
      ...(flags.bug !== undefined ? { bug: String(flags.bug) } : {}),
      ...(flags['skip-idle-ticks'] === true ? { skipIdleTicks: true } : {}),
      ...implementationFromFlags(flags),
    });
    const paced = paceFromFlags(flags, config.workload);
    if (Object.keys(paced).length > 0) config = makeSimConfig({ ...config, ...paced });
    // Without option flags the config stays exactly as before they existed (its trace header too).
    return pinned.length === 0 ? config : makeSimConfig({ ...withRunOptions(config, options), pinned });
  } catch (e) {
    if (e instanceof SimConfigError) throw new CliUsageError(e.message);
    throw e;
  }
}

/** --impl / --impl-cmd as the config's implementation (empty when neither is given); both at once is a usage error. */
export function implementationFromFlags(flags: Flags): Pick<SimConfig, 'implementation'> {
  if (flags.impl !== undefined && flags['impl-cmd'] !== undefined) throw new CliUsageError('--impl and --impl-cmd name two implementations: give one');
  // A module path is made absolute here, so sweep workers and printed replays find the same file.
  if (flags.impl !== undefined) return { implementation: { kind: 'module', path: resolvePath(String(flags.impl)) } };
  if (flags['impl-cmd'] !== undefined) return { implementation: { kind: 'command', command: String(flags['impl-cmd']) } };
  return {};
}

/**
 * Null when the implementation can run `config`; else the message a run or sweep prints before
 * exiting 0 without running: a profile that needs a capability the implementation's hello lacks is
 * skipped, not failed (docs/node-protocol.md, "What the simulator requires").
 */
export function capabilitySkip(config: SimConfig): string | null {
  if (config.implementation === undefined) return null;
  const probe = probeImplementation(config);
  if (probe.gaps.length === 0) return null;
  return `SKIPPED: ${probe.implementation} (${probe.label}) lacks what profile ${config.faults} and these options need:\n${probe.gaps.map((g) => `  - ${g}`).join('\n')}`;
}

/** The flags that reproduce a config, for printed replay commands. */
export function configFlags(c: SimConfig): string {
  const parts = [`--seed ${c.seed}`, `--faults ${c.faults}`, `--nodes ${c.nodes}`, `--duration ${c.durationMs}`];
  if (c.initialVoters !== undefined) parts.push(`--initial-voters ${c.initialVoters}`);
  if (c.workload.clients !== 5) parts.push(`--clients ${c.workload.clients}`);
  if (c.bug) parts.push(`--bug ${c.bug}`);
  if (c.skipIdleTicks) parts.push('--skip-idle-ticks');
  if (c.implementation?.kind === 'module') parts.push(`--impl ${shellQuote(c.implementation.path)}`);
  if (c.implementation?.kind === 'command') parts.push(`--impl-cmd ${shellQuote(c.implementation.command)}`);
  const options = pinnedOptionFlags(c);
  if (options) parts.push(options);
  return parts.join(' ');
}

function shellQuote(s: string): string {
  return /^[\w./=:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The flags of a `raftbed run` that reproduces `c` exactly, its pace included: configFlags, then
 * every pace setting in which `c` differs from the config those flags alone give (a shrunk run's
 * slower tick or calmer clients). Under swarm, unpinned election and heartbeat ticks are drawn
 * from the seed, so they are not repeated (pinning them would change the run).
 */
export function runReplayFlags(c: SimConfig): string {
  const implementation = c.implementation?.kind === 'module' ? { impl: c.implementation.path } : c.implementation?.kind === 'command' ? { 'impl-cmd': c.implementation.command } : {};
  const reference = simConfigFromFlags({ nodes: c.nodes, faults: c.faults, duration: c.durationMs, clients: c.workload.clients, ...(c.bug ? { bug: c.bug } : {}), ...implementation }, c.seed);
  const parts = [configFlags(c)];
  const pinned = new Set(c.pinned ?? []);
  const want = runOptionsOf(c);
  const have = runOptionsOf(reference);
  for (const [flag, option] of [['election-ticks', 'electionTimeoutTicks'], ['heartbeat-ticks', 'heartbeatIntervalTicks']] as const) {
    if (pinned.has(option) || c.faults === 'swarm') continue;
    if (want[option] !== have[option]) parts.push(`--${flag} ${want[option]}`);
  }
  const pace = paceFlags(reference, c);
  if (pace) parts.push(pace);
  return parts.join(' ');
}

export function describeViolation(v: Violation): string {
  return `${v.property} at ${v.atMs.toFixed(3)} ms (trace event ${v.eventIndex})${v.node ? ` on ${v.node}` : ''}: ${v.detail}`;
}

let cachedVersion: { version: string; commit: string } | null = null;

/** The raftbed version and git commit for trace headers; read here, in the CLI, never in sim. */
export function buildInfo(): { version: string; commit: string } {
  if (cachedVersion) return cachedVersion;
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  let commit = 'unknown';
  try {
    // Only raftbed's own checkout: an installed package sits inside the user's project, whose git commit is not ours.
    if (!existsSync(join(PACKAGE_ROOT, '.git'))) throw new Error('not a git checkout');
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // Not a git checkout: a container image records its commit at build time (deploy/Containerfile);
    // otherwise (an installed package) the version alone identifies the build.
    try {
      commit = readFileSync(join(PACKAGE_ROOT, 'BUILD_COMMIT'), 'utf8').trim() || commit;
    } catch {
      // No record: 'unknown'.
    }
  }
  cachedVersion = { version: pkg.version, commit };
  return cachedVersion;
}

/** Planted bugs are loaded only when asked for, so normal runs never load variant code. */
export function resolveBug(name: string | undefined): import('../sim/bugs/types').PlantedBug | undefined {
  if (name === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const catalogue = require('../sim/bugs/catalogue') as { findBug(name: string): import('../sim/bugs/types').PlantedBug };
  try {
    return catalogue.findBug(name);
  } catch (e) {
    throw new CliUsageError(`--bug: ${(e as Error).message}`);
  }
}
