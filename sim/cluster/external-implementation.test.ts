// The simulator drives any implementation of the node protocol, not just core: here examples/go-raft
// (an independent Go Raft, built with `go build`) over NDJSON stdio, one process per node life,
// under the simulator's faults, disk and checkers. A short sweep passes; a planted bug is caught and
// named; one seed gives one trace, byte for byte; an implementation that misbehaves is its seed's
// typed failure, never a hang; profiles adapt to the capabilities it lacks, options set by hand that need
// one are refused up front.

import { join } from 'node:path';
import { buildGoRaft } from '../../protocol/testing/go-raft';
import { MemoryTrace } from '../../trace/sink';
import { makeSimConfig, type SimConfig } from '../config';
import { runSeed } from '../run-seed';
import { Simulation } from './simulation';
import { missingCoverage, notDrawnCoverage } from './coverage';
import { capabilityGaps, externalImplementation, probeImplementation } from './implementation';

let goRaft: string;
beforeAll(() => {
  goRaft = buildGoRaft();
});

const command = (args = ''): SimConfig['implementation'] => ({ kind: 'command', command: `${goRaft}${args === '' ? '' : ` ${args}`}` });

describe('go-raft under the simulator', () => {
  it('passes a short sweep under every fault class: safety, liveness, linearizability', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const result = runSeed(makeSimConfig({ seed, nodes: 3, durationMs: 2_000, faults: 'all', implementation: command() }));
      expect({ seed, violation: result.violation }).toEqual({ seed, violation: null });
      expect(result.linearizability?.verdict).toBe('ok');
      expect(result.events).toBeGreaterThan(1_000);
      expect(result.history.length).toBeGreaterThan(0);
    }
  });

  it('one seed gives one trace, byte for byte', () => {
    const traces = [1, 2].map(() => {
      const trace = new MemoryTrace(true);
      runSeed(makeSimConfig({ seed: 7, nodes: 3, durationMs: 1_500, faults: 'crashes', implementation: command() }), { trace });
      return trace.text.join('\n');
    });
    expect(traces[0].length).toBeGreaterThan(50_000);
    expect(traces[1]).toBe(traces[0]);
    // The header records the implementation, so a replay runs the same one.
    expect(JSON.parse(traces[0].split('\n')[0]).config.implementation).toEqual(command());
  });

  it('catches the planted -bug=vote-twice and names the property', () => {
    // Without PreVote and CheckQuorum, split votes put two candidates in one term often enough.
    const result = runSeed(makeSimConfig({
      seed: 1, nodes: 5, durationMs: 3_000, faults: 'all', raft: { preVote: false, checkQuorum: false }, implementation: command('-bug=vote-twice'),
    }));
    expect(result.violation?.property).toBe('OneVotePerTerm');
    expect(result.violation?.detail).toMatch(/term \d+/);
  });

  it('adapts swarm and membership to what go-raft can do: runs them, draws nothing it lacks, and coverage says so', () => {
    const swarm = probeImplementation(makeSimConfig({ faults: 'swarm', implementation: command() }));
    expect(swarm.implementation).toMatch(/go-raft/);
    expect(swarm.capabilities).not.toContain('snapshots');
    expect(swarm.gaps).toEqual([]);
    for (const faults of ['swarm', 'membership'] as const) {
      const result = runSeed(makeSimConfig({ seed: 2, nodes: 3, durationMs: 1_500, faults, implementation: command() }));
      expect({ faults, violation: result.violation }).toEqual({ faults, violation: null });
      const c = result.coverage.counts;
      expect([c.runsWithSnapshots, c.runsWithMembership, c.runsWithTransfers, c.runsWithLeaseReads]).toEqual([0, 0, 0, 0]);
      expect([c.snapshotsTaken, c.confChanges, c.transferRequests]).toEqual([0, 0, 0]);
      // Not demanded: the implementation could not move them. Core's runs do demand them.
      expect(missingCoverage(faults, c)).not.toEqual(expect.arrayContaining(['snapshotsTaken']));
      expect(notDrawnCoverage(faults, c)).toEqual(faults === 'swarm' ? ['snapshotsTaken', 'compactions'] : ['confChanges']);
      expect(missingCoverage(faults, { ...c, runsWithSnapshots: 1, runsWithMembership: 1 })).toEqual(expect.arrayContaining(faults === 'swarm' ? ['snapshotsTaken', 'compactions'] : ['confChanges']));
    }
    expect(probeImplementation(makeSimConfig({ faults: 'all', implementation: command() })).gaps).toEqual([]);
    expect(probeImplementation(makeSimConfig({ faults: 'swarm' })).gaps).toEqual([]); // core has them all
  });
});

describe('capabilityGaps', () => {
  const all = new Set(['preVote', 'checkQuorum', 'snapshots', 'transferLeadership', 'actions', 'membership'] as const);
  it('names each missing capability a config needs, and nothing when none is missing', () => {
    expect(capabilityGaps(makeSimConfig({ faults: 'swarm' }), all, false)).toEqual([]);
    expect(capabilityGaps(makeSimConfig({ workload: { ...makeSimConfig().workload, transferMeanMs: 100 } }), new Set(['preVote']), false)).toEqual(['--transfer-every needs the transferLeadership capability']);
    // Profiles adapt (nothing is a gap); options set by hand do not.
    expect(capabilityGaps(makeSimConfig({ faults: 'membership' }), new Set(['preVote', 'snapshots'] as const), false)).toEqual([]);
    expect(capabilityGaps(makeSimConfig({ faults: 'swarm', workload: { ...makeSimConfig().workload, transferMeanMs: 100 } }), new Set(['preVote']), true)).toEqual([]);
    expect(capabilityGaps(makeSimConfig({ faults: 'swarm', pinned: ['transferMeanMs'], workload: { ...makeSimConfig().workload, transferMeanMs: 100 } }), new Set(['preVote']), true)).toEqual(['--transfer-every needs the transferLeadership capability']);
    expect(capabilityGaps(makeSimConfig({ faults: 'partitions', raft: { leaseRead: true } }), all, true)).toEqual([expect.stringMatching(/--lease-read is an option of raftbed's core/)]);
  });
});

describe('an implementation that breaks the protocol fails its seed with a typed error', () => {
  const misbehaving = (mode: string) => ({ kind: 'command' as const, command: `node ${join(__dirname, '..', '..', 'protocol', 'testing', 'misbehaving-node.js')} ${mode}` });
  const run = (mode: string) => {
    const config = makeSimConfig({ seed: 1, nodes: 3, durationMs: 1_000, faults: 'none', implementation: misbehaving(mode) });
    return new Simulation(config, { implementation: externalImplementation(misbehaving(mode), { stepTimeoutMs: 2_000 }) }).run();
  };

  it.each([
    ['hang', /NodeHang/],
    ['exit', /NodeExited.*out of cheese/s],
    ['malformed', /MalformedOutput/],
    ['wrong-sender', /ProtocolViolation.*messages\[0\]\.from/s],
    ['fatal', /NodeFatal.*disk on fire/s],
  ])('%s', (mode, detail) => {
    const v = run(mode).violation;
    expect(v?.property).toBe('ProtocolConformance');
    expect(v?.detail).toMatch(detail);
    expect(v?.node).toMatch(/^n\d$/);
  });
});
