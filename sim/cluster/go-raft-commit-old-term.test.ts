// go-raft's planted -bug=commit-old-term (the paper's Figure 8: an old-term entry committed by
// counting replicas) caught by a plain slow-disks sweep (divergence on stalling disks), the property named. It escaped 60 seeds
// before: no schedule ever cut a leader off before its first entry left it, no disk was ever slower
// than its followers' round trips, and the checkers waited for the later election that would lose
// the entry. Now divergence does the first (sim/faults/fresh-leader.ts) and
// slow-disks adds the second (sim/faults/disk-stalls.ts) and CommitSurvivesElections judges the commit itself
// (checkers/commit-protection.ts). The correct go-raft passes the same seed.

import { buildGoRaft } from '../../protocol/testing/go-raft';
import { makeSimConfig, type SimConfig } from '../config';
import { runSeed } from '../run-seed';

let goRaft: string;
beforeAll(() => {
  goRaft = buildGoRaft();
});

const config = (args: string): SimConfig =>
  makeSimConfig({ seed: 4, nodes: 3, durationMs: 6_000, faults: 'slow-disks', implementation: { kind: 'command', command: `${goRaft}${args}` } });

describe('go-raft -bug=commit-old-term under the slow-disks profile', () => {
  it('is caught as CommitSurvivesElections (seed 4 of `sweep --faults slow-disks --nodes 3 --duration 6000`)', () => {
    const result = runSeed(config(' -bug=commit-old-term'));
    expect(result.violation?.property).toBe('CommitSurvivesElections');
    expect(result.violation?.detail).toMatch(/committed \d+@\d+ in term \d+, but n\d .* could still be elected/);
  });

  it('the correct go-raft passes the same seed', () => {
    const result = runSeed(config(''));
    expect(result.violation).toBeNull();
    expect(result.linearizability?.verdict).toBe('ok');
  });
});
