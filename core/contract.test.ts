// The contract of `step`: pure (never mutates its arguments), deterministic (same inputs, same
// bytes out), and blind to clocks and global randomness.

import fc from 'fast-check';
import { TestCluster } from './testing/cluster';
import { SafetyMonitor } from './testing/monitors';
import type { Output } from './types';

type Command =
  | { kind: 'tick'; node: number }
  | { kind: 'tickAll' }
  | { kind: 'deliver'; count: number }
  | { kind: 'drop'; count: number }
  | { kind: 'propose'; node: number; data: string }
  | { kind: 'read'; node: number }
  | { kind: 'crash'; node: number }
  | { kind: 'snapshot'; node: number }
  | { kind: 'transfer'; node: number; to: number }
  | { kind: 'sync'; node: number }
  | { kind: 'isolate'; node: number }
  | { kind: 'isolateLeader' }
  | { kind: 'heal' };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('tickAll' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), node: fc.nat(2) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('deliver' as const), count: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), count: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('propose' as const), node: fc.nat(2), data: fc.string({ maxLength: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), node: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), node: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const), node: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('transfer' as const), node: fc.nat(2), to: fc.nat(2) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sync' as const), node: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('isolate' as const), node: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('isolateLeader' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('heal' as const) }) },
);

/** Plays commands on a cluster; every step of every node goes through TestCluster.input. */
function play(cluster: TestCluster, commands: readonly Command[]): void {
  let requests = 0;
  for (const c of commands) {
    const id = 'node' in c ? cluster.ids[c.node] : '';
    switch (c.kind) {
      case 'tickAll':
        cluster.tickAll();
        break;
      case 'tick':
        cluster.tick(id);
        break;
      case 'deliver':
        for (let k = 0; k < c.count && cluster.queue.length > 0; k++) {
          const m = cluster.queue.shift()!;
          if (cluster.node(m.to).up) cluster.input(m.to, { type: 'Receive', message: m });
        }
        break;
      case 'drop':
        cluster.queue.splice(0, c.count);
        break;
      case 'propose':
        if (cluster.node(id).up) cluster.input(id, { type: 'Propose', requestId: `w${requests++}`, data: [c.data] });
        break;
      case 'read':
        if (cluster.node(id).up) cluster.input(id, { type: 'Read', requestId: `r${requests++}` });
        break;
      case 'crash':
        if (cluster.node(id).up) cluster.crash(id);
        else cluster.restart(id);
        break;
      case 'snapshot': {
        const n = cluster.node(id);
        if (n.up && n.state.appliedIndex > n.state.log.snapshotIndex) cluster.input(id, { type: 'Snapshot', index: n.state.appliedIndex, data: `snap${n.state.appliedIndex}` });
        break;
      }
      case 'transfer':
        if (cluster.node(id).up) cluster.input(id, { type: 'TransferLeadership', to: cluster.ids[c.to] });
        break;
      case 'sync':
        if (cluster.node(id).up) cluster.sync(id);
        break;
      case 'isolate':
        cluster.isolate(id);
        break;
      case 'isolateLeader': {
        // Cutting the leader off while it takes proposals is what makes logs diverge.
        const leader = cluster.leaders()[0];
        if (leader !== undefined) {
          cluster.isolate(leader);
          cluster.input(leader, { type: 'Propose', requestId: `w${requests++}`, data: ['orphan'] });
        }
        break;
      }
      case 'heal':
        cluster.healAll();
        break;
    }
  }
}

describe('contract: purity (deep-frozen state and input never change)', () => {
  it('randomized runs of ticks, deliveries, drops, proposals, reads, crashes, snapshots and transfers on frozen values', () => {
    let totalSteps = 0;
    const actionsSeen = new Set<string>();
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 50, maxLength: 300, size: 'max' }), fc.boolean(), (commands, autoSync) => {
        const cluster = new TestCluster({ size: 3, freeze: true, autoSync, config: { snapshotChunkBytes: 3, electionTimeoutTicks: 4 } });
        const safety = new SafetyMonitor(cluster);
        const inner = cluster.input.bind(cluster);
        cluster.input = (id, input) => {
          const stateBefore = cluster.state(id);
          const before = JSON.stringify(stateBefore);
          const inputBefore = JSON.stringify(input);
          const out = inner(id, input);
          // Frozen values would throw on a write; this also catches a swapped-in nested object.
          expect(Object.isFrozen(input)).toBe(true);
          expect(JSON.stringify(input)).toBe(inputBefore);
          expect(JSON.stringify(stateBefore)).toBe(before);
          totalSteps++;
          for (const a of out.actions) actionsSeen.add(a);
          return out;
        };
        // Old states must be untouched by later steps: keep a few and recheck them at the end.
        const kept: { state: object; json: string }[] = [];
        for (let k = 0; k < commands.length; k += 25) {
          play(cluster, commands.slice(k, k + 25));
          for (const id of cluster.ids) kept.push({ state: cluster.state(id), json: JSON.stringify(cluster.state(id)) });
        }
        for (const { state, json } of kept) expect(JSON.stringify(state)).toBe(json);
        safety.checkLogMatching();
        expect(safety.violations).toEqual([]);
      }),
      { seed: 20240611, numRuns: 60 },
    );
    expect(totalSteps).toBeGreaterThan(3000);
    // The runs must reach the interesting code, or frozen inputs prove little.
    for (const a of ['BecomeLeader', 'AdvanceCommitIndex', 'TruncateLog', 'CompactLog', 'InstallSnapshot', 'ReadIndex', 'TransferLeadership', 'PersistAck']) {
      expect({ action: a, seen: actionsSeen.has(a) }).toEqual({ action: a, seen: true });
    }
  });
});

describe('contract: determinism', () => {
  const script = fc.sample(fc.array(commandArb, { minLength: 400, maxLength: 400 }), { seed: 7, numRuns: 1 })[0];

  function transcript(): string {
    const cluster = new TestCluster({ size: 3, autoSync: false, config: { snapshotChunkBytes: 3 } });
    const parts: string[] = [];
    const inner = cluster.input.bind(cluster);
    cluster.input = (id, input) => {
      const out: Output = inner(id, input);
      parts.push(JSON.stringify([id, input, out, cluster.state(id)]));
      return out;
    };
    play(cluster, script);
    return parts.join('\n');
  }

  it('the same inputs give byte-identical states and outputs, run twice', () => {
    const a = transcript();
    const b = transcript();
    expect(a.length).toBeGreaterThan(10_000);
    expect(a === b).toBe(true);
  });
});

describe('contract: no clock, no global randomness, no environment', () => {
  it('a whole run with Date.now, Math.random, performance.now, timers and process.env made to throw', () => {
    const forbid = (what: string) => () => {
      throw new Error(`core read ${what}`);
    };
    const spies = [
      jest.spyOn(Date, 'now').mockImplementation(forbid('Date.now')),
      jest.spyOn(Math, 'random').mockImplementation(forbid('Math.random')),
      jest.spyOn(performance, 'now').mockImplementation(forbid('performance.now')),
      jest.spyOn(global, 'setTimeout').mockImplementation(forbid('setTimeout') as never),
      jest.spyOn(global, 'setInterval').mockImplementation(forbid('setInterval') as never),
    ];
    const realEnv = process.env;
    const RealDate = global.Date;
    try {
      process.env = new Proxy({}, { get: forbid('process.env') as never }) as NodeJS.ProcessEnv;
      global.Date = new Proxy(RealDate, { construct: forbid('new Date()') as never }) as DateConstructor;
      const cluster = new TestCluster({ size: 3, config: { snapshotChunkBytes: 3 } });
      const script = fc.sample(fc.array(commandArb, { minLength: 300, maxLength: 300 }), { seed: 11, numRuns: 1 })[0];
      play(cluster, script);
      for (const id of cluster.ids) if (!cluster.node(id).up) cluster.restart(id);
      cluster.electLeader();
      expect(cluster.leaders()).toHaveLength(1);
    } finally {
      process.env = realEnv;
      global.Date = RealDate;
      for (const s of spies) s.mockRestore();
    }
  });

  it('the stubs do catch a reader (the check can fail)', () => {
    const spy = jest.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('read');
    });
    let caught: unknown = null;
    try {
      Math.random();
    } catch (e) {
      caught = e;
    } finally {
      // Restore before asserting: jest itself may draw random numbers.
      spy.mockRestore();
    }
    expect(caught).toEqual(new Error('read'));
  });
});
