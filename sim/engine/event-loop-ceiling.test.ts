// The bare event loop that `raftbed bench` measures as the simulator's ceiling does the work it
// claims: exactly the events asked for, in time order, the same every time.

import { runBareEventLoop } from './event-loop-ceiling';

describe('runBareEventLoop', () => {
  it('is deterministic, and each event it handles changes the result', () => {
    expect(runBareEventLoop(10_000)).toBe(runBareEventLoop(10_000));
    expect(runBareEventLoop(10_001)).not.toBe(runBareEventLoop(10_000));
    expect(runBareEventLoop(0)).toBe(0);
  });

  it('keeps its population steady: with one live event it pops 0, 0, 1, 2, ... (each push reschedules the last pop)', () => {
    // One live event (payload 0); each pop pushes payload i, so the checksum of n pops is 0 + 0 + 1 + ... + (n - 2).
    const n = 1_000;
    expect(runBareEventLoop(n, 1)).toBe(((n - 2) * (n - 1)) / 2);
  });
});
