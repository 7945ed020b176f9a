// Swarm draws core's options and the workload's inputs from the seed; options set by hand stay.

import { makeConfig } from '../core';
import type { CoreProtocolNode } from '../protocol/core-node';
import type { RaftConfig } from '../core';
import { Simulation } from './cluster/simulation';
import { makeSimConfig, SimConfigError, type SimConfig } from './config';
import { AleaRng } from './random/rng';
import { RUN_OPTION_NAMES, runOptionsOf, withRunOptions, type RunOptions } from './run-options';
import { drawSwarmOptions, resolveSwarmConfig } from './swarm-options';
import { MemoryTrace } from '../trace/sink';
import { parseTrace } from '../trace/read';
import { runSeed } from './run-seed';

const swarm = (seed: number, overrides: Partial<SimConfig> = {}) => makeSimConfig({ seed, faults: 'swarm', ...overrides });
const resolved = (config: SimConfig, stream = `s${config.seed}`) => runOptionsOf(resolveSwarmConfig(config, new AleaRng(stream), 7_000));

describe('run options', () => {
  it('reads and writes every option where it lives in SimConfig', () => {
    const c = makeSimConfig();
    const changed: RunOptions = {
      electionTimeoutTicks: 13, heartbeatIntervalTicks: 2, preVote: false, checkQuorum: false, leaseRead: false, leaseClockDriftBoundTicks: 3,
      maxEntriesPerAppend: 3, maxBytesPerAppend: 300, maxInflightAppends: 2, maxInflightBytes: 444, maxUncommittedBytes: 999, snapshotChunkBytes: 77,
      snapshotEveryEntries: 9, batchWindowMs: 1.5, transferMeanMs: 250, followerReadFraction: 0.1, snapshotSpread: 3,
    };
    const written = withRunOptions(c, changed);
    expect(runOptionsOf(written)).toEqual(changed);
    expect(written.raft.maxBytesPerAppend).toBe(300);
    expect(written.workload.transferMeanMs).toBe(250);
    expect(written.snapshotEveryEntries).toBe(9);
    expect(written.workload.clients).toBe(c.workload.clients);
    expect(Object.keys(changed).sort()).toEqual([...RUN_OPTION_NAMES].sort());
  });

  it('are checked against core\'s rules when a config is made, with a SimConfigError', () => {
    expect(() => makeSimConfig({ raft: { heartbeatIntervalTicks: 10, electionTimeoutTicks: 10 } })).toThrow(SimConfigError);
    expect(() => makeSimConfig({ faults: 'partitions', raft: { leaseRead: true, checkQuorum: false } })).toThrow(/leaseRead requires checkQuorum/);
    expect(() => makeSimConfig({ pinned: ['noSuchOption' as never] })).toThrow(/unknown option "noSuchOption"/);
    expect(() => makeSimConfig({ workload: { transferMeanMs: -1 } as never })).toThrow(/transferMeanMs/);
  });

  it('refuse lease reads under a fixed profile whose faults break a lease by design', () => {
    for (const faults of ['crashes', 'clocks', 'all'] as const) expect(() => makeSimConfig({ faults, raft: { leaseRead: true } })).toThrow(/lease reads assume/);
    expect(() => makeSimConfig({ faults: 'membership', raft: { preVote: false } })).toThrow(/removes voters, and without PreVote/);
    expect(() => makeSimConfig({ faults: 'membership', raft: { preVote: false, checkQuorum: true } })).toThrow(/without PreVote/);
    for (const faults of ['none', 'lossy', 'wan', 'partitions', 'divergence', 'swarm'] as const) expect(() => makeSimConfig({ faults, raft: { leaseRead: true } })).not.toThrow();
  });
});

describe('swarm options', () => {
  it('leaves every other profile\'s config alone', () => {
    for (const faults of ['none', 'all', 'wan', 'divergence'] as const) {
      const c = makeSimConfig({ seed: 3, faults });
      expect(resolveSwarmConfig(c, new AleaRng('x'), 7_000)).toBe(c);
    }
  });

  it('draws valid, varied options: every one takes several values over 200 seeds, and core accepts each set', () => {
    const draws = Array.from({ length: 200 }, (_, s) => resolved(swarm(s)));
    for (const o of draws) {
      expect(() => makeConfig({ clusterId: 'c', id: 'n1', cluster: { voters: ['n1'] }, seed: 1, ...o })).not.toThrow();
      expect(o.heartbeatIntervalTicks).toBeLessThan(o.electionTimeoutTicks);
      if (o.leaseRead) expect(o.checkQuorum).toBe(true);
    }
    for (const name of RUN_OPTION_NAMES) expect({ name, values: new Set(draws.map((o) => o[name])).size > 1 }).toEqual({ name, values: true });
    const share = (p: (o: RunOptions) => boolean) => draws.filter(p).length / draws.length;
    expect(share((o) => o.leaseRead)).toBeGreaterThan(0.15);
    expect(share((o) => o.batchWindowMs > 0)).toBeGreaterThan(0.4);
    expect(share((o) => o.transferMeanMs > 0)).toBeGreaterThan(0.5);
    expect(share((o) => !o.preVote)).toBeGreaterThan(0.15);
    expect(share((o) => o.snapshotEveryEntries <= 50)).toBe(1);
  });

  it('keeps pinned options as given, and pinning one never changes the others', () => {
    for (let s = 0; s < 30; s++) {
      const free = resolved(swarm(s));
      const pinned = resolved(withRunOptions(swarm(s, { pinned: ['snapshotEveryEntries', 'preVote'] }), { snapshotEveryEntries: 7, preVote: true }));
      expect(pinned).toEqual({ ...free, snapshotEveryEntries: 7, preVote: true });
    }
  });

  it('mends drawn options that a pinned one would make invalid', () => {
    let mended = 0;
    for (let s = 0; s < 60; s++) {
      const low = resolved(withRunOptions(swarm(s, { pinned: ['electionTimeoutTicks'] }), { electionTimeoutTicks: 3 }));
      expect(low.electionTimeoutTicks).toBe(3);
      expect(low.heartbeatIntervalTicks).toBeLessThan(3);
      expect(low.leaseClockDriftBoundTicks).toBeLessThan(3);
      if (resolved(swarm(s)).heartbeatIntervalTicks === 3) {
        mended++;
        expect(low.heartbeatIntervalTicks).toBe(1);
      }
      const lease = resolved(makeSimConfig({ seed: s, faults: 'swarm', raft: { leaseRead: true }, pinned: ['leaseRead'] }));
      expect([lease.leaseRead, lease.checkQuorum]).toEqual([true, true]);
      const noQuorum = resolved(makeSimConfig({ seed: s, faults: 'swarm', raft: { checkQuorum: false }, pinned: ['checkQuorum'] }));
      expect([noQuorum.leaseRead, noQuorum.checkQuorum]).toEqual([false, false]);
    }
    expect(mended).toBeGreaterThan(0);
  });

  it('never draws replication too narrow for the clients: at least 4 entries in flight per follower', () => {
    let narrowAsked = 0;
    for (let s = 0; s < 200; s++) {
      const o = resolved(swarm(s));
      const perAppend = Math.min(o.maxEntriesPerAppend, Math.max(1, Math.floor(o.maxBytesPerAppend / 100)));
      expect(perAppend * o.maxInflightAppends).toBeGreaterThanOrEqual(4);
      const drawn = drawSwarmOptions(new AleaRng(`s${s}`), 7_000);
      if (drawn.maxInflightAppends !== o.maxInflightAppends) narrowAsked++;
    }
    expect(narrowAsked).toBeGreaterThan(0);
    // The byte window: drawn as small as one command in many seeds (where it binds), mended up to
    // two commands' bytes when appends are too small to carry two entries past it.
    const windows = Array.from({ length: 200 }, (_, s) => resolved(swarm(s)));
    for (const o of windows) {
      const perAppend = Math.min(o.maxEntriesPerAppend, Math.max(1, Math.floor(o.maxBytesPerAppend / 100)));
      expect(Math.max(perAppend, Math.ceil(o.maxInflightBytes / 100))).toBeGreaterThanOrEqual(2);
    }
    expect(windows.filter((o) => o.maxInflightBytes <= 400).length).toBeGreaterThan(120);
    expect(windows.filter((o) => o.maxInflightBytes < 100).length).toBeGreaterThan(50);
    // Pinned stop-and-wait stays as given.
    const pinned = resolved(withRunOptions(swarm(1, { pinned: ['maxEntriesPerAppend', 'maxInflightAppends'] }), { maxEntriesPerAppend: 1, maxInflightAppends: 1 }));
    expect([pinned.maxEntriesPerAppend, pinned.maxInflightAppends]).toEqual([1, 1]);
  });

  it('scales the transfer rate to the run\'s fault window', () => {
    const means = Array.from({ length: 100 }, (_, s) => drawSwarmOptions(new AleaRng(`t${s}`), 2_000).transferMeanMs).filter((m) => m > 0);
    expect(Math.min(...means)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...means)).toBeLessThanOrEqual(800);
  });

  it('runs the drawn options, records them in the trace header, and replays from the header byte for byte', () => {
    const config = swarm(5, { durationMs: 3_000, nodes: 3 });
    const sim = new Simulation(config);
    const drawn = runOptionsOf(sim.config);
    expect(drawn).not.toEqual(runOptionsOf(config));
    // Core's config, read while the node lives (a run ends by killing every node life).
    const seen: RaftConfig[] = [];
    sim.at(1, (s) => seen.push((s.nodes[0].life as CoreProtocolNode).state.config));
    sim.run();
    const core = seen[0];
    expect(core.electionTimeoutTicks).toBe(drawn.electionTimeoutTicks);
    expect(core.maxEntriesPerAppend).toBe(drawn.maxEntriesPerAppend);

    const trace = new MemoryTrace(true);
    const first = runSeed(config, { trace, version: 'v', commit: 'c' });
    const header = parseTrace(trace.ndjson()).header;
    expect(runOptionsOf(header.config as SimConfig)).toEqual(drawn);
    const again = new MemoryTrace(true);
    runSeed(makeSimConfig({ ...(header.config as SimConfig) }), { trace: again, version: 'v', commit: 'c' });
    expect(again.digest()).toBe(trace.digest());
    expect(first.violation).toBeNull();
  });

  it('exercises every input over a short sweep: lease reads, batches, transfers, snapshots', () => {
    const totals: Record<string, number> = {};
    for (let seed = 1; seed <= 8; seed++) {
      const r = runSeed(swarm(seed, { durationMs: 3_000, nodes: 3, checkLinearizability: false }));
      expect({ seed, violation: r.violation }).toEqual({ seed, violation: null });
      for (const [k, v] of Object.entries(r.coverage.counts)) totals[k] = (totals[k] ?? 0) + v;
    }
    for (const counter of ['leaseReads', 'batchedProposals', 'transferRequests', 'transferRejections', 'timeoutNows', 'snapshotsTaken', 'snapshotInstalls', 'proposals', 'reads', 'persistAcks']) {
      expect({ counter, happened: totals[counter]! > 0 }).toEqual({ counter, happened: true });
    }
  });
});
