// --initial-voters: nodes outside the first configuration, which join only by membership changes.

import { CliUsageError } from './errors';
import { configFlags, simConfigFromFlags } from './common';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';

describe('--initial-voters', () => {
  it('becomes the config\'s initialVoters, and printed replays repeat it', () => {
    const c = simConfigFromFlags({ nodes: 5, 'initial-voters': 3, faults: 'membership' }, 7);
    expect(c.initialVoters).toBe(3);
    expect(configFlags(c)).toContain('--initial-voters 3');
    expect(configFlags(simConfigFromFlags({ nodes: 5 }, 7))).not.toContain('--initial-voters');
  });

  it('refuses more initial voters than nodes, as a usage error', () => {
    expect(() => simConfigFromFlags({ nodes: 3, 'initial-voters': 4 }, 1)).toThrow(CliUsageError);
  });

  it('runs a membership run whose outside nodes join and stay safe', async () => {
    const io = new CapturingIo();
    const code = await main(['run', '--seed', '4', '--faults', 'membership', '--nodes', '5', '--initial-voters', '3', '--duration', '3000', '--json'], io, { now: () => 0 });
    const out = JSON.parse(io.stdout);
    expect(code).toBe(0);
    expect(out.violation).toBeNull();
    expect(out.linearizability).toBe('ok');
    expect(out.coverage.confChanges).toBeGreaterThan(0);
  });
});
