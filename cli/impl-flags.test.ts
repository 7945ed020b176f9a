// --impl and --impl-cmd: the Raft under test, for run and sweep (sim/cluster/implementation.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliUsageError } from './errors';
import { configFlags, simConfigFromFlags } from './common';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';
import { buildGoRaft } from '../protocol/testing/go-raft';

const clock = () => 0;
const sweepCommand = (argv: string[], io: CapturingIo, now: () => number) => main(['sweep', ...argv], io, { now });
const CORE_MODULE = join(__dirname, '..', 'sim', 'test-support', 'core-as-module.ts');

describe('--impl and --impl-cmd', () => {
  it('become the config\'s implementation (a module path made absolute), and printed replays repeat them', () => {
    const cmd = simConfigFromFlags({ 'impl-cmd': "go-raft -bug=vote-twice" }, 1);
    expect(cmd.implementation).toEqual({ kind: 'command', command: 'go-raft -bug=vote-twice' });
    expect(configFlags(cmd)).toContain("--impl-cmd 'go-raft -bug=vote-twice'");
    const mod = simConfigFromFlags({ impl: 'my/raft.ts' }, 1);
    expect(mod.implementation).toEqual({ kind: 'module', path: resolve('my/raft.ts') });
    expect(configFlags(mod)).toContain(`--impl ${resolve('my/raft.ts')}`);
    expect(simConfigFromFlags({}, 1).implementation).toBeUndefined();
  });

  it('refuses both at once, and a planted bug with either (bugs wrap core\'s step)', () => {
    expect(() => simConfigFromFlags({ impl: 'a.ts', 'impl-cmd': 'b' }, 1)).toThrow(CliUsageError);
    expect(() => simConfigFromFlags({ 'impl-cmd': 'b', bug: 'quorum-half' }, 1)).toThrow(/planted bugs wrap core's step/);
  });

  it('sweeps a module implementation in the workers', async () => {
    const io = new CapturingIo();
    const dir = mkdtempSync(join(tmpdir(), 'raftbed-impl-'));
    try {
      const code = await sweepCommand(['--seeds', '2', '--faults', 'lossy', '--nodes', '3', '--duration', '1500', '--workers', '1', '--impl', CORE_MODULE, '--out', dir], io, clock);
      expect(io.stdout).toMatch(/violations: none/);
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips, with the reasons, an option set by hand that needs a capability the implementation lacks', async () => {
    const io = new CapturingIo();
    const code = await sweepCommand(['--seeds', '3', '--faults', 'swarm', '--transfer-every', '200', '--impl-cmd', buildGoRaft()], io, clock);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/^SKIPPED: go-raft\/[\d.]+ \(.*go-raft\) lacks what profile swarm and these options need:\n {2}- --transfer-every needs the transferLeadership capability/);
  });
});
