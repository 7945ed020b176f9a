// LivenessCommitCatchUp judges a follower against a bound derived from the network of the quiet
// point. A message sent just before the quiet point, under the faults' slower network, can hold
// its FIFO link well past that: the catch-up windows must open only once such links have
// drained. Figure 8's planted-bug configuration without the bug (correct core) was flagged on
// these seeds before the windows waited for the FIFO horizon.

import { makeSimConfig } from '../config';
import { runSeed } from '../run-seed';
import { PLANTED_BUGS } from '../bugs/catalogue';

const figure8 = PLANTED_BUGS.find((b) => b.name === 'figure8-commit-old-term');

describe('catch-up windows wait for links booked before the quiet point', () => {
  it.each([77, 118, 172])('correct core under figure 8\'s configuration, seed %i: no violation', (seed) => {
    expect(figure8).toBeDefined();
    const result = runSeed(makeSimConfig({ ...(figure8?.config ?? {}), seed }));
    expect(result.violation).toBeNull();
  });
});
