// The run options (sim/run-options.ts) as flags of `run` and `sweep`: core's configuration, the
// snapshot interval and the workload's extra inputs. Each flag given is pinned, so swarm, which
// draws every option from the seed, leaves it as given; printed replay commands repeat them.

import { DEFAULT_SIM_CONFIG } from '../sim/config';
import { runOptionsOf, type RunOptionName, type RunOptions } from '../sim/run-options';
import type { SimConfig } from '../sim/config';
import type { Flags, FlagSpec } from './flags';

const DEFAULTS = runOptionsOf(DEFAULT_SIM_CONFIG);
const ON_OFF = ['on', 'off'] as const;

interface OptionFlag {
  readonly option: RunOptionName;
  readonly spec: FlagSpec;
}

const intFlag = (option: RunOptionName, min: number, help: string): OptionFlag => ({
  option, spec: { kind: 'int', min, help: `${help} (default ${String(DEFAULTS[option])})` },
});
const msFlag = (option: RunOptionName, help: string): OptionFlag => ({
  option, spec: { kind: 'number', min: 0, value: 'MS', help: `${help} (default ${String(DEFAULTS[option])})` },
});
const onOffFlag = (option: RunOptionName, help: string): OptionFlag => ({
  option, spec: { kind: 'choice', choices: ON_OFF, value: 'on|off', help: `${help} (default ${DEFAULTS[option] ? 'on' : 'off'})` },
});

const OPTION_FLAG_TABLE: Readonly<Record<string, OptionFlag>> = {
  'election-ticks': intFlag('electionTimeoutTicks', 2, 'election timeout in ticks of 10 ms; timeouts are drawn from [T, 2T)'),
  'heartbeat-ticks': intFlag('heartbeatIntervalTicks', 1, 'heartbeat interval in ticks, below the election timeout'),
  prevote: onOffFlag('preVote', 'PreVote before each election (§9.6)'),
  'check-quorum': onOffFlag('checkQuorum', 'a leader steps down without a quorum for an election timeout (§9.6)'),
  'lease-read': onOffFlag('leaseRead', 'leaders serve reads from their lease (§6.4.1); needs check-quorum, and no profile with pauses or clock faults'),
  'lease-drift-ticks': intFlag('leaseClockDriftBoundTicks', 0, 'clock drift in ticks a lease allows for, below the election timeout'),
  'max-append-entries': intFlag('maxEntriesPerAppend', 1, 'most entries in one AppendEntries'),
  'max-append-bytes': intFlag('maxBytesPerAppend', 1, 'most entry bytes in one AppendEntries (at least one entry goes)'),
  'max-inflight': intFlag('maxInflightAppends', 1, 'AppendEntries in flight per follower'),
  'max-inflight-bytes': intFlag('maxInflightBytes', 1, 'entry bytes in flight per follower at which the leader waits (one append may pass it)'),
  'max-uncommitted-bytes': intFlag('maxUncommittedBytes', 1, 'uncommitted bytes beyond which proposals are dropped'),
  'snapshot-chunk-bytes': intFlag('snapshotChunkBytes', 1, 'bytes per InstallSnapshot chunk'),
  'snapshot-every': intFlag('snapshotEveryEntries', 1, 'the application snapshots after this many applied entries'),
  'snapshot-spread': intFlag('snapshotSpread', 1, "the last node's snapshot interval over the first's, the others' in between; 1: all alike"),
  'batch-window': msFlag('batchWindowMs', 'proposals reaching a node within MS go to core as one batch; 0: one by one'),
  'transfer-every': msFlag('transferMeanMs', 'mean MS between leadership transfers an operator asks for, until faults stop; 0: never'),
  'follower-reads': { option: 'followerReadFraction', spec: { kind: 'number', min: 0, max: 1, value: 'P', help: `share of reads sent to a random node (default ${DEFAULTS.followerReadFraction})` } },
};

/** The flag specs (the --faults help says that swarm draws each of them unless it is given). */
export const OPTION_FLAGS: Readonly<Record<string, FlagSpec>> = Object.fromEntries(Object.entries(OPTION_FLAG_TABLE).map(([name, f]) => [name, f.spec]));

/** The options the flags set (each one pinned). */
export function optionsFromFlags(flags: Flags): Partial<RunOptions> {
  const out: Record<string, number | boolean> = {};
  for (const [name, f] of Object.entries(OPTION_FLAG_TABLE)) {
    const value = flags[name];
    if (value === undefined) continue;
    out[f.option] = f.spec.kind === 'choice' ? value === 'on' : Number(value);
  }
  return out as Partial<RunOptions>;
}

/** The flags that repeat a config's pinned options, for printed replay commands ('' when none). */
export function pinnedOptionFlags(c: SimConfig): string {
  const pinned = new Set(c.pinned ?? []);
  if (pinned.size === 0) return '';
  const options = runOptionsOf(c);
  const parts: string[] = [];
  for (const [name, f] of Object.entries(OPTION_FLAG_TABLE)) {
    if (!pinned.has(f.option)) continue;
    const value = options[f.option];
    parts.push(`--${name} ${typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)}`);
  }
  return parts.join(' ');
}
