// Seeded faults on the mini-cluster: a quick screen for an implementation before it meets the
// simulator. The network drops, duplicates and reorders; storage acknowledges late; nodes crash
// (losing unacknowledged writes, the last surviving one possibly torn) and restart; clients
// propose and read throughout. Then the faults stop and the cluster must make progress.
//
// Judged on the way: every conformance rule, one leader per term, one entry per applied index
// (the mini-cluster), and reads that never miss a write completed before they were invoked.
// Not the simulator: no virtual time, no clock faults, no partitions, and far fewer events.

import { MiniCluster, type MiniClusterOptions } from './mini-cluster';

/** A small seeded generator (mulberry32) for the fault choices; nodes draw from their own seeds. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChaosOptions extends Omit<MiniClusterOptions, 'autoAck'> {
  readonly faultRounds?: number;
  readonly dropRate?: number;
  readonly duplicateRate?: number;
  /** Chance per round that one running node crashes (never more than a minority down). */
  readonly crashRate?: number;
}

export interface ChaosResult {
  readonly cluster: MiniCluster;
  readonly crashes: number;
  readonly proposals: number;
  readonly readsServed: number;
  readonly committed: number;
}

export class StaleRead extends Error {
  override readonly name = 'StaleRead';
}

export function runChaos(options: ChaosOptions): ChaosResult {
  const random = rng((options.seed ?? 1) * 7919 + 17);
  const cluster = new MiniCluster({ ...options, autoAck: false }).start();
  const size = cluster.ids.length;
  const downSince = new Map<string, number>();
  let crashes = 0;
  let proposals = 0;
  let readsServed = 0;
  /** requestId -> the highest index applied anywhere when the read was invoked. */
  const readFloor = new Map<string, number>();
  const highestApplied = () => Math.max(0, ...cluster.ids.map((id) => cluster.node(id).applied.at(-1)?.index ?? 0));
  const checkReads = () => {
    for (const id of cluster.ids) {
      for (const r of cluster.node(id).reads) {
        const floor = readFloor.get(r.requestId);
        if (floor === undefined) continue;
        readFloor.delete(r.requestId);
        readsServed++;
        if (r.index < floor) throw new StaleRead(`${id} served read ${r.requestId} at index ${r.index}, but index ${floor} was applied before the read was invoked`);
      }
    }
  };
  const client = () => {
    const up = cluster.upIds();
    if (up.length === 0) return;
    const target = cluster.leader() ?? up[Math.floor(random() * up.length)];
    if (random() < 0.3) {
      readFloor.set(cluster.read(target), highestApplied());
    } else {
      cluster.propose(target, JSON.stringify({ put: `k${proposals % 5}`, value: proposals }));
      proposals++;
    }
  };
  const acks = (chance: number) => {
    for (const id of cluster.upIds()) {
      const n = cluster.node(id);
      if (n.unsynced.length > 0 && random() < chance) cluster.ack(id, n.unsynced[Math.floor(random() * n.unsynced.length)].seq);
    }
  };
  try {
    const faultRounds = options.faultRounds ?? 300;
    for (let r = 0; r < faultRounds; r++) {
      // The network: what is queued now is dropped, duplicated or reordered, then delivered.
      const next = [];
      for (const m of cluster.queue) {
        if (random() < (options.dropRate ?? 0.1)) continue;
        next.push(m);
        if (random() < (options.duplicateRate ?? 0.05)) next.push(m);
      }
      for (let k = next.length - 1; k > 0; k--) {
        const j = Math.floor(random() * (k + 1));
        [next[k], next[j]] = [next[j], next[k]];
      }
      cluster.queue = next;
      acks(0.6);
      if (random() < 0.5) client();
      const down = cluster.ids.filter((id) => cluster.node(id).node === null);
      if (random() < (options.crashRate ?? 0.02) && down.length + 1 <= Math.floor((size - 1) / 2)) {
        const up = cluster.upIds();
        const victim = up[Math.floor(random() * up.length)];
        const n = cluster.node(victim);
        const survive = Math.floor(random() * (n.unsynced.length + 1));
        const last = n.unsynced[survive - 1];
        const torn = last?.entries && last.entries.length > 0 && random() < 0.5 ? Math.floor(random() * last.entries.length) : undefined;
        cluster.crash(victim, survive, torn);
        downSince.set(victim, r);
        crashes++;
      }
      for (const id of down) if (r - (downSince.get(id) as number) > 20 + random() * 30) cluster.restart(id);
      cluster.round();
      checkReads();
    }
    // The faults stop: everybody up, every write acknowledged at once, the network reliable.
    for (const id of cluster.ids) if (cluster.node(id).node === null) cluster.restart(id);
    const settle = () => {
      acks(1);
      cluster.round();
      acks(1);
    };
    for (let k = 0; k < 40; k++) settle();
    const leader = cluster.leader();
    if (leader === null) throw new Error('no leader 40 rounds after the faults stopped');
    const marker = JSON.stringify({ put: 'final', value: proposals });
    cluster.propose(leader, marker);
    for (let k = 0; k < 200 && !cluster.ids.every((id) => cluster.appliedData(id).includes(marker)); k++) settle();
    if (!cluster.ids.every((id) => cluster.appliedData(id).includes(marker))) throw new Error('a proposal after the faults stopped never reached every node');
    checkReads();
    return { cluster, crashes, proposals, readsServed, committed: Math.min(...cluster.ids.map((id) => cluster.node(id).applied.length)) };
  } finally {
    cluster.stop();
  }
}
