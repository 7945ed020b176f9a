// `run` and `sweep` take every run option as a flag: the flag reaches core (and the workload), is
// pinned against swarm's draw, and is repeated in printed replay commands.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main';
import { configFlags, simConfigFromFlags } from './common';
import { OPTION_FLAGS } from './option-flags';
import { CapturingIo } from './test-support/capturing-io';
import { parseTrace } from '../trace/read';
import { RUN_OPTION_NAMES, runOptionsOf } from '../sim/run-options';
import { makeSimConfig, type SimConfig } from '../sim/config';
import { Simulation } from '../sim/cluster/simulation';

async function cli(...argv: string[]): Promise<{ code: number; io: CapturingIo }> {
  const io = new CapturingIo();
  return { code: await main(argv, io), io };
}

const ALL_FLAGS = {
  'election-ticks': 14, 'heartbeat-ticks': 2, prevote: 'off', 'check-quorum': 'on', 'lease-read': 'on', 'lease-drift-ticks': 3,
  'max-append-entries': 4, 'max-append-bytes': 1000, 'max-inflight': 3, 'max-inflight-bytes': 700, 'max-uncommitted-bytes': 5000, 'snapshot-chunk-bytes': 100,
  'snapshot-every': 20, 'snapshot-spread': 4, 'batch-window': 2.5, 'transfer-every': 300, 'follower-reads': 0.5,
};

describe('run option flags', () => {
  it('has one flag per run option, each setting and pinning its option', () => {
    expect(Object.keys(OPTION_FLAGS)).toHaveLength(RUN_OPTION_NAMES.length);
    const c = simConfigFromFlags({ ...ALL_FLAGS, faults: 'swarm' }, 1);
    expect([...(c.pinned ?? [])].sort()).toEqual([...RUN_OPTION_NAMES].sort());
    expect(runOptionsOf(c)).toEqual({
      electionTimeoutTicks: 14, heartbeatIntervalTicks: 2, preVote: false, checkQuorum: true, leaseRead: true, leaseClockDriftBoundTicks: 3,
      maxEntriesPerAppend: 4, maxBytesPerAppend: 1000, maxInflightAppends: 3, maxInflightBytes: 700, maxUncommittedBytes: 5000, snapshotChunkBytes: 100,
      snapshotEveryEntries: 20, batchWindowMs: 2.5, transferMeanMs: 300, followerReadFraction: 0.5, snapshotSpread: 4,
    });
    // Pinned: swarm draws none of them.
    expect(runOptionsOf(new Simulation(c).config)).toEqual(runOptionsOf(c));
  });

  it('leaves a config without option flags exactly as before they existed', () => {
    const c = simConfigFromFlags({ faults: 'all', nodes: 3 }, 4);
    expect(c).toEqual(makeSimConfig({ seed: 4, faults: 'all', nodes: 3 }));
    expect('pinned' in c).toBe(false);
  });

  it('repeats the pinned options in the replay command, which rebuilds the same config', () => {
    const c = simConfigFromFlags({ faults: 'swarm', 'lease-read': 'on', 'max-append-entries': 1, 'batch-window': 0.5 }, 9);
    const flags = configFlags(c);
    expect(flags).toBe('--seed 9 --faults swarm --nodes 5 --duration 10000 --lease-read on --max-append-entries 1 --batch-window 0.5');
    const parsed: Record<string, string | number> = {};
    const words = flags.split(' ');
    for (let k = 0; k < words.length; k += 2) parsed[words[k].slice(2)] = Number.isNaN(Number(words[k + 1])) ? words[k + 1] : Number(words[k + 1]);
    expect(simConfigFromFlags(parsed, 9)).toEqual(c);
  });

  it('refuses combinations core or the profile cannot run, naming the reason (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['--heartbeat-ticks', '10'], /heartbeatIntervalTicks must be below electionTimeoutTicks/],
      [['--lease-read', 'on', '--check-quorum', 'off', '--faults', 'partitions'], /leaseRead requires checkQuorum/],
      [['--lease-read', 'on'], /lease reads assume that no clock stops or runs fast, but profile all has pauses/],
      [['--prevote', 'maybe'], /option '--prevote <on\|off>' argument 'maybe' is invalid\. Allowed choices are on, off\./],
      [['--follower-reads', '2'], /option '--follower-reads <P>' argument '2' is invalid\. It must be at most 1\./],
      [['--batch-window', '-1'], /option '--batch-window <MS>' argument '-1' is invalid\. It must be at least 0\./],
    ];
    for (const [argv, message] of cases) {
      const { code, io } = await cli('run', '--seed', '1', ...argv);
      expect({ argv, code }).toEqual({ argv, code: 2 });
      expect(io.stderr).toMatch(message);
    }
  });

  it('reach the nodes of a run, and its trace header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftbed-options-'));
    try {
      const path = join(dir, 't.ndjson');
      const { code, io } = await cli('run', '--seed', '2', '--faults', 'none', '--nodes', '3', '--duration', '2000', '--max-append-entries', '1', '--snapshot-every', '10', '--transfer-every', '200', '--trace', path, '--json');
      expect(io.stderr).toBe('');
      expect(code).toBe(0);
      const summary = JSON.parse(io.stdout) as { coverage: Record<string, number> };
      expect(summary.coverage.transferRequests).toBeGreaterThan(0);
      expect(summary.coverage.snapshotsTaken).toBeGreaterThan(0);
      const header = parseTrace(readFileSync(path, 'utf8')).header;
      const config = header.config as SimConfig;
      expect(config.pinned).toEqual(['maxEntriesPerAppend', 'snapshotEveryEntries', 'transferMeanMs']);
      expect(runOptionsOf(config)).toMatchObject({ maxEntriesPerAppend: 1, snapshotEveryEntries: 10, transferMeanMs: 200 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are listed in the help of run and sweep', async () => {
    for (const command of ['run', 'sweep']) {
      const { io } = await cli(command, '--help');
      for (const flag of Object.keys(OPTION_FLAGS)) expect(io.stdout).toContain(`--${flag} `);
      expect(io.stdout).toMatch(/wan, partitions,\s+divergence/);
    }
  });
});
