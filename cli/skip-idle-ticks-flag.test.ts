// --skip-idle-ticks: the run config says it (so the trace header and a replay do), printed replay
// commands repeat it, and without the flag the config is exactly as before the flag existed.

import { configFlags, simConfigFromFlags } from './common';

describe('--skip-idle-ticks', () => {
  it('sets skipIdleTicks, and replay commands repeat it', () => {
    const c = simConfigFromFlags({ nodes: 3, 'skip-idle-ticks': true }, 5);
    expect(c.skipIdleTicks).toBe(true);
    expect(configFlags(c)).toContain('--skip-idle-ticks');
  });

  it('leaves the config untouched when absent', () => {
    const c = simConfigFromFlags({ nodes: 3 }, 5);
    expect('skipIdleTicks' in c).toBe(false);
    expect(configFlags(c)).not.toContain('--skip-idle-ticks');
  });
});
