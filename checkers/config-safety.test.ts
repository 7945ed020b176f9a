// The configuration-aware invariants: each is shown to hold where it should and to fail on the
// planted mistake it exists for. (ConfigSafety judges Config entries from persist records; wiring it
// into the protocol-driven SafetyChecker is the next step, see docs/status.md.)

import { encodeConfig } from '../core/membership';
import type { ClusterConfig, PersistRecord } from '../core';
import { ConfigSafety, disjointQuorums } from './config-safety';
import { SafetyViolation } from './violation';

const cfg = (voters: string[], votersOutgoing?: string[]): ClusterConfig => ({ voters, ...(votersOutgoing ? { votersOutgoing, autoLeave: true } : {}), learners: [] });
const configEntry = (term: number, c: ClusterConfig) => ({ term, type: 'Config' as const, data: encodeConfig(c) });

function violationOf(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (e) {
    if (e instanceof SafetyViolation) return e.property;
    throw e;
  }
}

describe('ConfigQuorumIntersection', () => {
  it('holds for single-voter changes and old -> joint -> new; fails for two voters changed at once', () => {
    expect(disjointQuorums(cfg(['a', 'b', 'c']), cfg(['a', 'b', 'c', 'd']))).toBeNull();
    expect(disjointQuorums(cfg(['a', 'b', 'c', 'd']), cfg(['a', 'b', 'c']))).toBeNull();
    expect(disjointQuorums(cfg(['a', 'b', 'c']), cfg(['d', 'e', 'f'], ['a', 'b', 'c']))).toBeNull();
    expect(disjointQuorums(cfg(['d', 'e', 'f'], ['a', 'b', 'c']), cfg(['d', 'e', 'f']))).toBeNull();
    expect(disjointQuorums(cfg(['a', 'b', 'c']), cfg(['a', 'd', 'e']))).not.toBeNull();
    // The 2015 pair: one server from a common base each, two from each other.
    expect(disjointQuorums(cfg(['a', 'b', 'c', 'd', 'e']), cfg(['a', 'b', 'c']))).not.toBeNull();
  });

  it('flags a log that gets a two-voter change without a joint configuration (planted)', () => {
    const checker = new ConfigSafety(() => ({ voters: ['a', 'b', 'c'] }));
    const write = (seq: number, index: number, c: ClusterConfig): PersistRecord => ({ seq, appendFrom: index, entries: [configEntry(1, c)] });
    expect(violationOf(() => checker.onPersist('a', write(1, 1, cfg(['a', 'b', 'c', 'd']))))).toBeNull();
    // Two voters at once: {a,b,c,d} -> {c,d,e,f}, whose majorities {a,b,c} and {d,e,f} share nobody.
    expect(violationOf(() => checker.onPersist('a', write(2, 2, cfg(['c', 'd', 'e', 'f']))))).toBe('ConfigQuorumIntersection');
  });

  it('a truncation takes a configuration out of the log: the next one is judged against the one before it', () => {
    const checker = new ConfigSafety(() => ({ voters: ['a', 'b', 'c'] }));
    checker.onPersist('a', { seq: 1, appendFrom: 1, entries: [configEntry(1, cfg(['a', 'b', 'c', 'd']))] });
    expect(violationOf(() => checker.onPersist('a', { seq: 2, truncateFrom: 1, appendFrom: 1, entries: [configEntry(2, cfg(['a', 'b']))] }))).toBeNull();
  });
});

describe('OneUncommittedConfig', () => {
  it('flags a leader whose log holds two configuration entries beyond the committed index (planted)', () => {
    const checker = new ConfigSafety(() => ({ voters: ['a', 'b', 'c'] }));
    checker.onPersist('a', { seq: 1, appendFrom: 1, entries: [configEntry(1, cfg(['a', 'b', 'c', 'd']))] });
    expect(violationOf(() => checker.checkLeader('a', 0))).toBeNull();
    checker.onPersist('a', { seq: 2, appendFrom: 2, entries: [configEntry(1, cfg(['a', 'b', 'c', 'd', 'e']))] });
    expect(violationOf(() => checker.checkLeader('a', 1))).toBeNull();
    expect(violationOf(() => checker.checkLeader('a', 0))).toBe('OneUncommittedConfig');
  });
});
