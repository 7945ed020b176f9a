// go-raft's planted -bug=commit-old-term (the paper's Figure 8: an old-term entry committed by
// counting replicas) caught by a plain divergence sweep, the property named. It escaped 60 seeds
// before: no schedule ever cut a leader off before its first entry left it, no disk was ever slower
// than its followers' round trips, and the checkers waited for the later election that would lose
// the entry. Now the divergence profile does both (sim/faults/fresh-leader.ts,
// sim/faults/disk-stalls.ts) and CommitSurvivesElections judges the commit itself
// (checkers/commit-protection.ts). The correct go-raft passes the same seed.

import { buildGoRaft } from '../../protocol/testing/go-raft';
import { makeSimConfig, type SimConfig } from '../config';
import { runSeed } from '../run-seed';

let goRaft: string;
beforeAll(() => {
  goRaft = buildGoRaft();
});

const config = (args: string): SimConfig =>
  makeSimConfig({ seed: 4, nodes: 3, durationMs: 6_000, faults: 'divergence', implementation: { kind: 'command', command: `${goRaft}${args}` } });

describe('go-raft -bug=commit-old-term under the divergence profile', () => {
  it('is caught as CommitSurvivesElections (seed 4 of `sweep --faults divergence --nodes 3 --duration 6000`)', () => {
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
