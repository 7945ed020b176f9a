// The configuration-aware invariants: each is shown to hold where it should and to fail on the
// planted mistake it exists for, alone (ConfigSafety) and through the protocol-driven SafetyChecker,
// which feeds it the Config entries of every persist record it observes.

import { encodeConfig } from '../core/membership';
import type { ClusterConfig, PersistRecord } from '../core';
import { ConfigSafety, disjointQuorums } from './config-safety';
import { SafetyChecker, type ObservedLogReader, type ObservedOutput, type ObservedView } from './safety';
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

describe('the SafetyChecker judges both from observed persist records', () => {
  const leader = (lastIndex: number, commitIndex = 0): ObservedView => ({ term: 1, role: 'Leader', votedFor: 'a', commitIndex, lastIndex, snapshotIndex: 0 });
  const log = (lastIndex: number): ObservedLogReader => ({ termAt: (i) => (i <= lastIndex ? (i === 0 ? 0 : 1) : undefined), snapshotIndex: 0, lastIndex });
  const appendConfig = (seq: number, index: number, c: ClusterConfig, term: number): ObservedOutput => ({ persist: [{ seq, appendFrom: index, entries: [configEntry(term, c)] }], apply: [], restore: null, actions: ['ProposeConfChange'] });
  const step = (checker: SafetyChecker, seq: number, index: number, c: ClusterConfig, term = 1) => () =>
    checker.afterStep('a', { type: 'ProposeConfChange' }, leader(index - 1), leader(index), appendConfig(seq, index, c, term), log(index));

  it('ConfigQuorumIntersection: a two-voter change without a joint configuration (planted)', () => {
    const checker = new SafetyChecker({ initialVoters: ['a', 'b', 'c'] });
    checker.afterStep('a', { type: 'Tick' }, { ...leader(0), role: 'Follower', votedFor: null }, leader(0), { persist: [], apply: [], restore: null, actions: ['BecomeLeader'] }, log(0));
    expect(violationOf(step(checker, 1, 1, cfg(['a', 'b', 'c', 'd'], ['a', 'b', 'c'])))).toBeNull();
    expect(violationOf(step(checker, 2, 2, cfg(['a', 'd', 'e'])))).toBe('ConfigQuorumIntersection');
  });

  it('OneUncommittedConfig: a second configuration entry before the first commits (planted)', () => {
    const checker = new SafetyChecker({ initialVoters: ['a', 'b', 'c'] });
    expect(violationOf(step(checker, 1, 1, cfg(['a', 'b', 'c', 'd'])))).toBeNull();
    expect(violationOf(step(checker, 2, 2, cfg(['a', 'b', 'c', 'd', 'e'])))).toBe('OneUncommittedConfig');
  });

  it('without initialVoters the configuration invariants are not judged (the first configuration is unknown)', () => {
    const checker = new SafetyChecker();
    expect(violationOf(step(checker, 1, 1, cfg(['a', 'b', 'c', 'd'])))).toBeNull();
    expect(violationOf(step(checker, 2, 2, cfg(['d', 'e', 'f'])))).toBeNull();
  });

  it('after a restart it judges against what storage kept (a snapshot\'s configuration), not what it saw before', () => {
    const checker = new SafetyChecker({ initialVoters: ['a', 'b', 'c'] });
    // Storage holds a snapshot at 3 whose configuration is {a,b,c,d,e} (installed from a leader).
    checker.afterRestart('a', { term: 1, votedFor: 'a' }, { snapshot: { index: 3, config: cfg(['a', 'b', 'c', 'd', 'e']) }, entries: [] });
    // {a,b,c,d,e} -> {a,b,c}: majorities {a,b} and {c,d,e} share nobody. Judged against the initial
    // {a,b,c} instead, it would pass.
    const snapLog: ObservedLogReader = { termAt: (i) => (i === 4 ? 1 : undefined), snapshotIndex: 3, lastIndex: 4 };
    const out: ObservedOutput = { persist: [{ seq: 1, appendFrom: 4, entries: [configEntry(1, cfg(['a', 'b', 'c']))] }], apply: [], restore: null };
    expect(violationOf(() => checker.afterStep('a', { type: 'Tick' }, { ...leader(3), role: 'Follower' }, { ...leader(4), role: 'Follower' }, out, snapLog))).toBe('ConfigQuorumIntersection');
  });
});
