import { AleaRng } from '../random/rng';
import { CALM_NETWORK, NetworkParamsError, NetworkUsageError, SimNetwork, type NetworkParams, type SendOutcome } from './network';

type Msg = { from: string; to: string; n: number };
const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const net = (params: Partial<NetworkParams> = {}, seed = 'net') =>
  new SimNetwork<Msg>(NODES, new AleaRng(seed), { ...CALM_NETWORK, ...params });
const msg = (from: string, to: string, n = 0): Msg => ({ from, to, n });

/** Sends one message on every directed link and returns the links that did NOT get through. */
function blockedLinks(network: SimNetwork<Msg>): string[] {
  const out: string[] = [];
  for (const a of NODES) {
    for (const b of NODES) {
      if (a === b) continue;
      const outcome = network.send(msg(a, b), 0);
      if (outcome.dropped !== null) out.push(`${a}>${b}`);
      for (let i = 0; i < outcome.deliveries.length; i++) network.deliveredLink(a, b);
    }
  }
  return out.sort();
}

/** Every directed link between two groups, as blockedLinks() names them. */
function cross(a: string[], b: string[], bothWays = true): string[] {
  const out: string[] = [];
  for (const x of a) for (const y of b) if (x !== y) out.push(`${x}>${y}`);
  return (bothWays ? [...out, ...cross(b, a, false)] : out).sort();
}

describe('SimNetwork: delivery and delay', () => {
  it('delivers one copy after at least minMs on a calm network', () => {
    const network = net({ delay: { minMs: 2, meanMs: 5, tailProbability: 0, tailMeanMs: 0 } });
    const outcome = network.send(msg('n1', 'n2'), 100);
    expect(outcome.dropped).toBeNull();
    expect(outcome.held).toBe(false);
    expect(outcome.deliveries).toHaveLength(1);
    expect(outcome.deliveries[0]!.duplicate).toBe(false);
    expect(outcome.deliveries[0]!.atMs).toBeGreaterThanOrEqual(102);
    expect(network.inFlightOn('n1', 'n2')).toBe(1);
    network.delivered(msg('n1', 'n2'));
    expect(network.inFlightOn('n1', 'n2')).toBe(0);
    expect(network.stats()).toMatchObject({ sent: 1, delivered: 1, duplicated: 0 });
  });

  it('has the configured mean delay, and the tail lengthens it', () => {
    const meanOf = (params: Partial<NetworkParams>) => {
      const network = net(params);
      let sum = 0;
      for (let i = 0; i < 5000; i++) {
        // Different links each time would dodge FIFO clamping; one sender at increasing times does too.
        sum += network.send(msg('n1', 'n2'), i * 1000).deliveries[0]!.atMs - i * 1000;
        network.deliveredLink('n1', 'n2');
      }
      return sum / 5000;
    };
    expect(Math.abs(meanOf({ delay: { minMs: 1, meanMs: 10, tailProbability: 0, tailMeanMs: 0 } }) - 10)).toBeLessThan(0.6);
    expect(meanOf({ delay: { minMs: 1, meanMs: 10, tailProbability: 0.2, tailMeanMs: 100 } })).toBeGreaterThan(25);
  });

  it('keeps each link FIFO when reordering is off', () => {
    const network = net({ delay: { minMs: 1, meanMs: 20, tailProbability: 0.1, tailMeanMs: 200 } });
    let last = -Infinity;
    let violations = 0;
    for (let i = 0; i < 2000; i++) {
      const at = network.send(msg('n1', 'n2', i), i).deliveries[0]!.atMs;
      if (at < last) violations++;
      last = at;
    }
    expect(violations).toBe(0);
  });

  it('lets later messages overtake a reordered one', () => {
    const network = net({ reorderProbability: 0.2, delay: { minMs: 1, meanMs: 5, tailProbability: 0, tailMeanMs: 0 } });
    const arrivals: number[] = [];
    for (let i = 0; i < 500; i++) arrivals.push(network.send(msg('n1', 'n2', i), i).deliveries[0]!.atMs);
    const overtaken = arrivals.filter((at, i) => arrivals.slice(i + 1).some((later) => later < at)).length;
    expect(overtaken).toBeGreaterThan(20);
    expect(network.stats().reordered).toBeGreaterThan(50);
  });

  it('is deterministic for a given rng seed', () => {
    const run = (seed: string) => {
      const network = net({ dropProbability: 0.2, duplicateProbability: 0.2, reorderProbability: 0.2 }, seed);
      const log: SendOutcome[] = [];
      for (let i = 0; i < 200; i++) log.push(network.send(msg(NODES[i % 5]!, NODES[(i + 1) % 5]!, i), i));
      return JSON.stringify(log);
    };
    expect(run('a')).toBe(run('a'));
    expect(run('a')).not.toBe(run('b'));
  });
});

describe('SimNetwork: faults', () => {
  it('drops at the configured loss rate', () => {
    const network = net({ dropProbability: 0.3 });
    let lost = 0;
    for (let i = 0; i < 4000; i++) {
      const o = network.send(msg('n1', 'n2'), i);
      if (o.dropped === 'loss') lost++;
      else network.deliveredLink('n1', 'n2');
    }
    expect(Math.abs(lost / 4000 - 0.3)).toBeLessThan(0.03);
    expect(network.stats().dropped.loss).toBe(lost);
  });

  it('duplicates: extra copies are flagged and counted in flight', () => {
    const network = net({ duplicateProbability: 0.5 });
    let copies = 0;
    let maxCopies = 0;
    for (let i = 0; i < 1000; i++) {
      const o = network.send(msg('n1', 'n3'), i);
      expect(o.deliveries[0]!.duplicate).toBe(false);
      expect(o.deliveries.slice(1).every((d) => d.duplicate)).toBe(true);
      copies += o.deliveries.length;
      maxCopies = Math.max(maxCopies, o.deliveries.length);
    }
    expect(maxCopies).toBeGreaterThanOrEqual(3);
    expect(network.inFlightOn('n1', 'n3')).toBe(copies);
    expect(network.stats().duplicated).toBe(copies - 1000);
  });

  it('drops beyond the link capacity until copies are delivered', () => {
    const network = net({ linkCapacity: 3 });
    const reasons = Array.from({ length: 5 }, () => network.send(msg('n1', 'n2'), 0).dropped);
    expect(reasons).toEqual([null, null, null, 'capacity', 'capacity']);
    expect(network.send(msg('n2', 'n1'), 0).dropped).toBeNull();
    network.deliveredLink('n1', 'n2');
    expect(network.send(msg('n1', 'n2'), 0).dropped).toBeNull();
    expect(network.stats().dropped.capacity).toBe(2);
  });

  it('drops to and from a node that is down', () => {
    const network = net();
    network.setUp('n2', false);
    expect(network.isUp('n2')).toBe(false);
    expect(blockedLinks(network)).toEqual(cross(['n2'], ['n1', 'n3', 'n4', 'n5']));
    network.setUp('n2', true);
    expect(blockedLinks(network)).toEqual([]);
    expect(network.stats().dropped.crashed).toBe(8);
  });

  it('symmetric, one-way and isolating partitions block exactly their links, and heal restores all', () => {
    const network = net();
    network.partitionSymmetric(['n1', 'n2'], ['n3', 'n4', 'n5']);
    expect(blockedLinks(network)).toEqual(cross(['n1', 'n2'], ['n3', 'n4', 'n5']));
    network.heal();
    network.partitionOneWay('n1', ['n2', 'n3']);
    expect(blockedLinks(network)).toEqual(['n1>n2', 'n1>n3']);
    network.heal();
    network.isolate('n4');
    expect(blockedLinks(network)).toEqual(cross(['n4'], ['n1', 'n2', 'n3', 'n5']));
    expect(network.stats().dropped.partition).toBe(12 + 2 + 8);
    network.heal();
    expect(blockedLinks(network)).toEqual([]);
  });

  it('majorityMinority splits into two disjoint groups, the majority strictly larger than half', () => {
    for (let seed = 0; seed < 20; seed++) {
      const network = net();
      const { majority, minority } = network.majorityMinority(new AleaRng(`mm${seed}`));
      expect([...majority, ...minority].sort()).toEqual(NODES);
      expect(majority.length * 2).toBeGreaterThan(NODES.length);
      expect(minority.length).toBeGreaterThanOrEqual(1);
      expect(blockedLinks(network)).toEqual(cross(majority, minority));
    }
  });

  it('bridge: two halves that only the bridge node connects', () => {
    const network = net();
    const { left, right, bridge } = network.bridge(new AleaRng('bridge'));
    expect([...left, ...right, bridge].sort()).toEqual(NODES);
    expect(left.length).toBeGreaterThan(0);
    expect(right.length).toBeGreaterThan(0);
    expect(blockedLinks(network)).toEqual(cross(left, right));
  });

  it('catches a planted bug: a symmetric partition that leaks in one direction', () => {
    class LeakyNetwork extends SimNetwork<Msg> {
      override partitionSymmetric(a: readonly string[], b: readonly string[]): void {
        this.partitionOneWay(a, b);
      }
    }
    const leaky = new LeakyNetwork(NODES, new AleaRng('leak'), CALM_NETWORK);
    leaky.partitionSymmetric(['n1'], ['n2', 'n3']);
    expect(blockedLinks(leaky)).not.toEqual(cross(['n1'], ['n2', 'n3']));
  });

  it('clog stalls every link of a node until it lifts, without dropping', () => {
    const network = net({ delay: { minMs: 1, meanMs: 1, tailProbability: 0, tailMeanMs: 0 } });
    network.clog('n1', 500);
    expect(network.send(msg('n1', 'n2'), 10).deliveries[0]!.atMs).toBe(500);
    expect(network.send(msg('n3', 'n1'), 20).deliveries[0]!.atMs).toBe(500);
    expect(network.send(msg('n2', 'n3'), 30).deliveries[0]!.atMs).toBe(31);
    expect(network.send(msg('n4', 'n1'), 600).deliveries[0]!.atMs).toBe(601);
    network.clog('n5', 1000);
    network.unclog('n5');
    expect(network.send(msg('n5', 'n2'), 700).deliveries[0]!.atMs).toBe(701);
    expect(network.stats().dropped).toEqual({ loss: 0, partition: 0, capacity: 0, crashed: 0, filter: 0 });
  });

  it('filters drop and hold; held messages come back in order, selectively', () => {
    const network = net();
    const dropId = network.addFilter((m) => (m.n === 13 ? 'drop' : 'pass'));
    const holdId = network.addFilter((m) => (m.to === 'n3' ? 'hold' : 'pass'));
    expect(network.send(msg('n1', 'n2', 13), 0).dropped).toBe('filter');
    expect(network.send(msg('n1', 'n3', 1), 0)).toMatchObject({ held: true, dropped: null, deliveries: [] });
    network.send(msg('n2', 'n3', 2), 0);
    network.send(msg('n4', 'n3', 3), 0);
    expect(network.send(msg('n1', 'n2', 4), 0).deliveries).toHaveLength(1);
    expect(network.heldCount()).toBe(3);
    expect(network.releaseHeld((m) => m.from !== 'n2').map((m) => m.n)).toEqual([1, 3]);
    expect(network.removeFilter(holdId)).toBe(true);
    expect(network.removeFilter(holdId)).toBe(false);
    expect(network.releaseHeld().map((m) => m.n)).toEqual([2]);
    expect(network.send(msg('n1', 'n3', 5), 0).held).toBe(false);
    network.removeFilter(dropId);
    expect(network.send(msg('n1', 'n2', 13), 0).dropped).toBeNull();
    expect(network.stats()).toMatchObject({ held: 3, dropped: { filter: 1 } });
  });
});

describe('SimNetwork: sendInto, the simulator\'s path without an outcome object', () => {
  it('decides exactly as send() from the same draws: drops, holds, copies and arrival times', () => {
    const params = { dropProbability: 0.1, duplicateProbability: 0.3, reorderProbability: 0.1, linkCapacity: 6 };
    const a = net(params, 'same');
    const b = net(params, 'same');
    for (const n of [a, b]) n.addFilter((m) => (m.n % 17 === 0 ? 'hold' : m.n % 13 === 0 ? 'drop' : 'pass'));
    const arrivals: number[] = [99, 98, 97, 96, 95]; // stale contents, overwritten by each sent message
    const seen = { sent: 0, held: 0, dropped: 0, copies: 0 };
    for (let i = 1; i <= 3000; i++) {
      const m = msg(NODES[i % 5]!, NODES[(i * 3 + 1) % 5]!, i);
      if (m.from === m.to) continue;
      if (i % 500 === 0) for (const n of [a, b]) n.setUp('n4', false);
      if (i % 500 === 250) for (const n of [a, b]) n.setUp('n4', true);
      const outcome = a.send(m, i);
      const verdict = b.sendInto(m, i, arrivals);
      if (outcome.held) {
        expect(verdict).toBe('held');
        seen.held++;
      } else if (outcome.dropped !== null) {
        expect(verdict).toBe(outcome.dropped);
        seen.dropped++;
      } else {
        expect(verdict).toBe('sent');
        expect(arrivals).toEqual(outcome.deliveries.map((d) => d.atMs));
        expect(outcome.deliveries.map((d) => d.duplicate)).toEqual(outcome.deliveries.map((_, k) => k > 0));
        seen.sent++;
        seen.copies += arrivals.length;
        // Deliver some copies at once so that the link capacity binds only now and then.
        if (i % 3 !== 0) for (let k = 0; k < arrivals.length; k++) for (const n of [a, b]) n.deliveredLink(m.from, m.to);
      }
    }
    expect(b.stats()).toEqual(a.stats());
    // Every kind of verdict happened, and some messages were duplicated.
    expect(seen.held).toBeGreaterThan(0);
    expect(seen.dropped).toBeGreaterThan(0);
    expect(seen.copies).toBeGreaterThan(seen.sent);
  });
});

describe('SimNetwork: bad usage gets typed errors', () => {
  it('rejects unknown nodes, phantom deliveries and invalid parameters', () => {
    const network = net();
    expect(() => network.send(msg('n1', 'n9'), 0)).toThrow(NetworkUsageError);
    expect(() => network.deliveredLink('n1', 'n2')).toThrow(NetworkUsageError);
    expect(() => network.setParams({ dropProbability: 1.5 })).toThrow(NetworkParamsError);
    expect(() => network.setParams({ delay: { minMs: 10, meanMs: 5 } })).toThrow(/meanMs/);
    expect(network.params).toEqual(CALM_NETWORK);
    network.setParams({ delay: { meanMs: 7 } });
    expect(network.params.delay).toEqual({ ...CALM_NETWORK.delay, meanMs: 7 });
    expect(() => new SimNetwork<Msg>(['a', 'a'], new AleaRng('x'))).toThrow(NetworkUsageError);
    expect(() => new SimNetwork<Msg>(['a'], new AleaRng('x'), { ...CALM_NETWORK, linkCapacity: 0 })).toThrow(NetworkParamsError);
    expect(() => network.bridge.call(new SimNetwork<Msg>(['a', 'b'], new AleaRng('x')), new AleaRng('y'))).toThrow(NetworkUsageError);
  });
});
