import { splitBridge, splitMajorityMinority } from '../network/network';
import { CALM_NETWORK, type NetworkParams } from '../network/params';
import { AleaRng, type Rng } from '../random/rng';
import { DISK_STALL_DURATION_SCALE, DISK_STALL_GAP_SCALE, diskStall } from './disk-stalls';
import { FRESH_LEADER_ELECTIONS_WAIT, freshLeaderLinks } from './fresh-leader';
import { finalizePlan } from './finalize';
import { divergentConfigEpisodes } from './divergent-configs';
import { PARTITION_SHAPES, type FaultPlan, type FaultProfileName, type MembershipOp, type PartitionFault, type PartitionShape, type TimedFault } from './types';

export interface FaultPlanOptions {
  readonly nodes: readonly string[];
  readonly durationMs: number;
  /** Where the quiet period starts, as a fraction of durationMs. Default 0.7. */
  readonly quietFraction?: number;
  /** Network before any fault; default CALM_NETWORK. Lossy profiles degrade it. */
  readonly baseNetwork?: NetworkParams;
  /** Largest clock drift drawn, in parts per million. Default 200000 (20%). */
  readonly maxDriftPpm?: number;
  /** The nodes' heartbeat interval; the wan regime's delays are drawn around it. Default 10. */
  readonly heartbeatMs?: number;
  /** The nodes' (shortest) election timeout: wan delays stay well under it, divergence isolations last a few. Default 100. */
  readonly electionTimeoutMs?: number;
  /**
   * How long a client waits for one attempt before it retries elsewhere. Wan delays stay well under
   * it too: a network slower than its clients' timeouts fails every request, which proves nothing
   * about Raft. Default 150.
   */
  readonly clientAttemptTimeoutMs?: number;
  /**
   * Lease reads are on. A lease assumes that clocks run at nearly the same rate, so swarm leaves out
   * the classes that break that assumption by design (LEASE_UNSAFE_CLASSES); a fixed profile that
   * has them is refused by the config instead.
   */
  readonly leaseReads?: boolean;
  /**
   * PreVote is on (default true). Swarm leaves out the classes that need it (PREVOTE_NEEDED_CLASSES);
   * a fixed profile that has them is refused by the config instead.
   */
  readonly preVote?: boolean;
}

export class FaultPlanOptionsError extends Error {
  override readonly name = 'FaultPlanOptionsError';
}

/** The independent fault classes; each draws from its own stream so enabling one never shifts another. */
export type FaultClass = 'lossyNetwork' | 'partitions' | 'crashes' | 'pauses' | 'clockDrift' | 'clockSteps' | 'clogs' | 'wanNetwork' | 'divergence' | 'membership' | 'diskStalls';
/** The first classes: `all` runs exactly these, so its plans (and traces) stay what they were. */
const CLASSIC_CLASSES: readonly FaultClass[] = ['lossyNetwork', 'partitions', 'crashes', 'pauses', 'clockDrift', 'clockSteps', 'clogs'];
/**
 * - wanNetwork: one-way delays around the heartbeat interval (round trips longer than it), jitter,
 *   a long tail, occasional drops, and storms of two to three times the delay.
 * - divergence: the leader is cut off while clients still send it proposals; the rest elect and
 *   commit; then the next leader is cut off, which brings the previous one back with its longer,
 *   older log (a chain of two to four), then a heal.
 * - membership: an operator changes the configuration (types.ts, `membership`): nodes join as
 *   learners, learners are promoted, members leave, voters are replaced through joint consensus.
 *   Appended last, so swarm's draws for the classes before it are what they were.
 * - diskStalls: a node's fsyncs complete only when a stall of tens to hundreds of ms ends
 *   (./disk-stalls.ts); profile slow-disks only, not yet drawn by swarm (whose found bugs it would shift).
 */
const LATER_CLASSES: readonly FaultClass[] = ['wanNetwork', 'divergence', 'membership'];
export const FAULT_CLASSES: readonly FaultClass[] = [...CLASSIC_CLASSES, ...LATER_CLASSES];
/** Pauses stop a leader's clock and drift or steps skew it: each breaks a lease's assumption. */
export const LEASE_UNSAFE_CLASSES: readonly FaultClass[] = ['pauses', 'clockDrift', 'clockSteps'];
/**
 * Removing voters needs PreVote. A voter cut off while its removal commits never learns of it, and
 * without PreVote it campaigns in ever higher terms and unseats each new leader (dissertation
 * §4.2.3). The other defence, ignoring vote requests while a leader is heard (the lease), holds only
 * with CheckQuorum (else a leader whose answers are lost keeps its followers from ever electing
 * another) and leaves a window after each election, before the voters hear the new leader: etcd's
 * raft has the same. Without PreVote these runs fail liveness by design, not by a bug.
 */
export const PREVOTE_NEEDED_CLASSES: readonly FaultClass[] = ['membership'];

const PROFILE_CLASSES: Record<Exclude<FaultProfileName, 'swarm'>, readonly FaultClass[]> = {
  none: [],
  lossy: ['lossyNetwork'],
  wan: ['wanNetwork'],
  partitions: ['partitions'],
  divergence: ['divergence'],
  crashes: ['crashes', 'pauses'],
  clocks: ['clockDrift', 'clockSteps', 'clogs'],
  all: CLASSIC_CLASSES,
  // Issue 12: membership operations mixed with crashes and partitions.
  membership: ['membership', 'crashes', 'partitions'],
  // Divergence on disks that stall (./disk-stalls.ts): a leader's own write can lag its followers'
  // acknowledgements. Not in divergence itself, whose lease-read schedules it disturbs
  // (sim/hidden-bugs.test.ts).
  'slow-disks': ['divergence', 'diskStalls'],
};

/** The profiles whose plans are pinned (a digest test): they generate exactly what they did before the later classes. */
const CLASSIC_PROFILES: ReadonlySet<FaultProfileName> = new Set(['none', 'lossy', 'partitions', 'crashes', 'clocks', 'all']);

/** The classes a fixed profile runs; swarm draws its own per seed (from all of FAULT_CLASSES). */
export function profileClasses(profile: FaultProfileName): readonly FaultClass[] {
  return profile === 'swarm' ? FAULT_CLASSES : PROFILE_CLASSES[profile];
}

/** How often and how long a class's episodes are; swarm testing draws these per run. */
interface Knobs {
  /** Mean time between the end of one episode and the start of the next (per node for node faults). */
  readonly gapMs: number;
  readonly durationMs: number;
  readonly maxDriftPpm: number;
  readonly maxDrop: number;
  readonly maxDuplicate: number;
  readonly maxReorder: number;
  readonly shapes: readonly PartitionShape[];
}

interface Context {
  readonly nodes: readonly string[];
  readonly quietAfterMs: number;
  readonly base: NetworkParams;
  readonly knobs: Knobs;
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly clientAttemptTimeoutMs: number;
}

type ClassResult = { network?: NetworkParams; events: TimedFault[] };

/**
 * The longest mean tail delay drawn. Links are FIFO, so one message held in the tail holds back
 * every later one on its link: a tail much longer than this, drawn just before the quiet point,
 * stalls a link far into the quiet period and fails the liveness checks without any bug in Raft.
 * The classic lossy draws (3 ms x 5..50) never exceed it; it bounds lossy on top of wan delays.
 */
const TAIL_MEAN_CAP_MS = 150;

/**
 * Swarm and the later profiles end the tail this long before the quiet point. A message held in
 * the tail right before it would hold back its FIFO link after it, where the liveness bounds
 * (sim/cluster/liveness-bounds.ts) assume the quiet network and, with a short election timeout,
 * are far shorter than such a tail: a false alarm. Ten capped means: once in e^10 tailed messages.
 * The classic profiles keep their plans (and their bounds, from the default timeouts, are wide).
 */
const TAIL_ENDS_BEFORE_QUIET_MS = 10 * TAIL_MEAN_CAP_MS;

/** Calls `episode(atMs, durationMs)` along a Poisson-like timeline until quietAfterMs. */
function timeline(rng: Rng, ctx: Context, gapMs: number, meanDurationMs: number, episode: (atMs: number, durationMs: number) => void): void {
  let t = Math.round(rng.exponential(gapMs));
  while (t < ctx.quietAfterMs) {
    const d = Math.max(1, Math.round(rng.exponential(meanDurationMs)));
    episode(t, d);
    t += d + Math.max(1, Math.round(rng.exponential(gapMs)));
  }
}

/** A random split of the nodes into two non-empty groups. */
function twoGroups(rng: Rng, nodes: readonly string[]): [string[], string[]] {
  const shuffled = rng.shuffle(nodes);
  const cut = rng.int(1, nodes.length);
  return [shuffled.slice(0, cut), shuffled.slice(cut)];
}

function partitionOf(shape: PartitionShape, rng: Rng, nodes: readonly string[]): PartitionFault {
  switch (shape) {
    case 'symmetric': {
      const [a, b] = twoGroups(rng, nodes);
      return { kind: 'partition', shape, a, b };
    }
    case 'oneWay': {
      const [from, to] = twoGroups(rng, nodes);
      return { kind: 'partition', shape, from, to };
    }
    case 'isolate':
      return { kind: 'partition', shape, node: rng.pick(nodes) };
    case 'majorityMinority':
      return { kind: 'partition', shape, ...splitMajorityMinority(nodes, rng) };
    case 'bridge':
      return { kind: 'partition', shape, ...splitBridge(nodes, rng) };
  }
}

const CLASS_GENERATORS: Record<FaultClass, (rng: Rng, ctx: Context) => ClassResult> = {
  lossyNetwork(rng, ctx) {
    const k = ctx.knobs;
    const base = ctx.base;
    const network: NetworkParams = {
      ...base,
      dropProbability: round3(rng.between(0, k.maxDrop)),
      duplicateProbability: round3(rng.between(0, k.maxDuplicate)),
      reorderProbability: round3(rng.between(0, k.maxReorder)),
      delay: { ...base.delay, tailProbability: round3(rng.between(0, 0.05)), tailMeanMs: Math.min(TAIL_MEAN_CAP_MS, Math.round(Math.max(base.delay.meanMs, 1) * rng.between(5, 50))) },
    };
    const events: TimedFault[] = [];
    // Storms: a while of much heavier loss, then back to the run's base loss.
    timeline(rng, ctx, k.gapMs, k.durationMs, (atMs, d) => {
      events.push({ atMs, kind: 'setNetwork', params: { dropProbability: round3(rng.between(0.2, 0.6)) } });
      events.push({ atMs: atMs + d, kind: 'setNetwork', params: { dropProbability: network.dropProbability } });
    });
    return { network, events };
  },

  partitions(rng, ctx) {
    const events: TimedFault[] = [];
    const shapes = ctx.knobs.shapes.filter((s) => ctx.nodes.length >= (s === 'bridge' ? 3 : 2));
    if (shapes.length === 0) return { events };
    timeline(rng, ctx, ctx.knobs.gapMs, ctx.knobs.durationMs, (atMs, d) => {
      events.push({ atMs, ...partitionOf(rng.pick(shapes), rng, ctx.nodes) });
      events.push({ atMs: atMs + d, kind: 'heal' });
    });
    return { events };
  },

  crashes(rng, ctx) {
    return perNode(rng, ctx, 1, (events, node, atMs, d) => {
      events.push({ atMs, kind: 'crash', node }, { atMs: atMs + d, kind: 'restart', node });
    });
  },

  pauses(rng, ctx) {
    return perNode(rng, ctx, 0.25, (events, node, atMs, durationMs) => events.push({ atMs, kind: 'pause', node, durationMs }));
  },

  diskStalls(rng, ctx) {
    // Each node on its own timeline at the class's full rate (not divided among nodes, as perNode
    // does): a stall must often overlap the moment a node wins an election to matter.
    const events: TimedFault[] = [];
    const meanMs = Math.max(1, ctx.knobs.durationMs * DISK_STALL_DURATION_SCALE);
    for (const node of ctx.nodes) timeline(rng, ctx, ctx.knobs.gapMs * DISK_STALL_GAP_SCALE, meanMs, (atMs, d) => events.push(diskStall(node, atMs, d)));
    return { events };
  },

  clogs(rng, ctx) {
    return perNode(rng, ctx, 0.5, (events, node, atMs, durationMs) => events.push({ atMs, kind: 'clog', node, durationMs }));
  },

  clockDrift(rng, ctx) {
    const max = ctx.knobs.maxDriftPpm;
    return perNode(rng, ctx, 2, (events, node, atMs, d) => {
      events.push({ atMs, kind: 'clockDrift', node, ratePpm: Math.round(rng.between(-max, max)) });
      events.push({ atMs: atMs + d, kind: 'clockDrift', node, ratePpm: 0 });
    });
  },

  clockSteps(rng, ctx) {
    const span = Math.max(1, ctx.knobs.durationMs / 2);
    return perNode(rng, ctx, 0, (events, node, atMs) => {
      events.push({ atMs, kind: 'clockStep', node, deltaMs: Math.round(rng.between(-span, span)) || 1 });
    });
  },

  wanNetwork(rng, ctx) {
    const heartbeatMs = ctx.heartbeatMs;
    // Round trips longer than a heartbeat, but elections and client requests must still be able to
    // finish: one-way delays stay under a quarter of the election timeout and an eighth of the
    // clients' attempt timeout (a follower read takes four one-way trips). Storms may double that.
    const capMs = Math.max(1, Math.min(ctx.electionTimeoutMs / 4, ctx.clientAttemptTimeoutMs / 8));
    // The floor stays below the cap, so a capped regime still has jitter.
    const minMs = round1(Math.min(0.7 * capMs, heartbeatMs * rng.between(0.5, 1.5)));
    const meanMs = round1(Math.min(capMs, minMs + heartbeatMs * rng.between(0.1, 1)));
    const network: NetworkParams = {
      ...ctx.base,
      dropProbability: round3(rng.between(0.002, 0.03)),
      duplicateProbability: round3(rng.between(0, 0.01)),
      reorderProbability: round3(rng.between(0, 0.05)),
      delay: { minMs, meanMs, tailProbability: round3(rng.between(0, 0.02)), tailMeanMs: Math.min(TAIL_MEAN_CAP_MS, Math.round(heartbeatMs * rng.between(3, 10))) },
    };
    const events: TimedFault[] = [];
    timeline(rng, ctx, ctx.knobs.gapMs, ctx.knobs.durationMs, (atMs, d) => {
      const factor = rng.between(1.5, 3);
      events.push({ atMs, kind: 'setNetwork', params: { delay: { minMs: round1(Math.min(2 * capMs, minMs * factor)), meanMs: round1(Math.min(2 * capMs, meanMs * factor)) } } });
      events.push({ atMs: atMs + d, kind: 'setNetwork', params: { delay: { minMs, meanMs } } });
    });
    return { network, events };
  },

  divergence(rng, ctx) {
    const events: TimedFault[] = [];
    const electionMs = ctx.electionTimeoutMs;
    let t = Math.round(rng.exponential(ctx.knobs.gapMs));
    while (t < ctx.quietAfterMs) {
      // Each isolation lasts long enough for the others to elect a leader (one to two timeouts,
      // plus a pre-vote round) and often not much longer, so the next leader is cut off while its
      // log is still short: then the returning leader's log is longer, but older.
      const links = rng.int(2, 5);
      for (let k = 0; k < links; k++) {
        events.push({ atMs: t, kind: 'isolateLeader' });
        // Sometimes the next leaders are cut off the moment they are elected (./fresh-leader.ts:
        // Figure 8), and the chain's next link waits for their elections.
        const fresh = freshLeaderLinks(rng, t);
        events.push(...fresh);
        t += Math.max(1, Math.round(electionMs * (rng.between(1.2, 3.5) + FRESH_LEADER_ELECTIONS_WAIT * fresh.length)));
      }
      events.push({ atMs: t, kind: 'heal' });
      t += Math.max(1, Math.round(rng.exponential(ctx.knobs.gapMs)));
    }
    return { events };
  },

  membership(rng, ctx) {
    const VOTER_CHANGES: readonly MembershipOp[] = ['promote', 'removeNode', 'replace'];
    // Operations come a few times more often than other episodes: a change takes a few round trips
    // to commit, and the interesting cases are changes meeting crashes, partitions and each other.
    // Joins and promotions are drawn more often than removals, so the cluster does not dwindle.
    const events: TimedFault[] = [];
    const weighted: readonly MembershipOp[] = ['addLearner', 'addLearner', 'promote', 'promote', 'removeNode', 'replace'];
    let t = Math.round(rng.exponential(ctx.knobs.gapMs / 3));
    while (t < ctx.quietAfterMs) {
      if (rng.chance(0.25)) {
        // A change meets a change of leader: the leader is cut off with a change it cannot commit,
        // and the next leader is asked for another as it takes office, before it has committed
        // anything of its term; then the old leader comes back. Two configurations can then exist
        // at once unless a leader waits for a current-term commit (dissertation, 2015 erratum).
        // Both change the voters (a learner's join moves no quorum, so it cannot split them).
        events.push({ atMs: t, kind: 'isolateLeader' });
        events.push({ atMs: t + 1, kind: 'membership', op: rng.pick(VOTER_CHANGES) });
        events.push({ atMs: t + 2, kind: 'membership', op: rng.pick(VOTER_CHANGES), atNextLeader: true });
        t += Math.max(3, Math.round(ctx.electionTimeoutMs * rng.between(1.5, 4)));
        events.push({ atMs: t, kind: 'heal' });
      } else {
        events.push({ atMs: t, kind: 'membership', op: rng.pick(weighted) });
      }
      t += Math.max(1, Math.round(rng.exponential(ctx.knobs.gapMs / 3)));
    }
    // Drawn after the loop, from a stream of their own: the operations above are what they were.
    events.push(...divergentConfigEpisodes(new AleaRng(`${rng.uint32()}:divergentConfigs`), ctx.quietAfterMs, ctx.electionTimeoutMs));
    return { events };
  },
};

/** Independent timelines per node, each as busy as the class's cluster-wide gap divided among nodes. */
function perNode(rng: Rng, ctx: Context, durationScale: number, episode: (events: TimedFault[], node: string, atMs: number, durationMs: number) => void): ClassResult {
  const events: TimedFault[] = [];
  const gap = ctx.knobs.gapMs * ctx.nodes.length;
  const duration = Math.max(1, ctx.knobs.durationMs * durationScale);
  for (const node of ctx.nodes) timeline(rng, ctx, gap, duration, (atMs, d) => episode(events, node, atMs, d));
  return { events };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function defaultKnobs(quietAfterMs: number, opts: FaultPlanOptions): Knobs {
  return {
    gapMs: Math.max(1, quietAfterMs / 8),
    durationMs: Math.max(1, quietAfterMs / 16),
    maxDriftPpm: opts.maxDriftPpm ?? 200_000,
    maxDrop: 0.15,
    maxDuplicate: 0.1,
    maxReorder: 0.2,
    shapes: PARTITION_SHAPES,
  };
}

/**
 * Swarm testing: which classes run and how hard, all drawn per seed. The later classes draw from
 * their own stream (`later`), so the classic classes' draws are the same as before they existed.
 */
function swarmKnobs(rng: Rng, later: Rng, defaults: Knobs): { classes: FaultClass[]; knobs: Map<FaultClass, Knobs> } {
  let classes = CLASSIC_CLASSES.filter(() => rng.chance(0.5));
  if (classes.length === 0) classes = [rng.pick(CLASSIC_CLASSES)];
  const knobs = new Map<FaultClass, Knobs>();
  for (const c of LATER_CLASSES) {
    if (later.chance(0.5)) classes.push(c);
    knobs.set(c, { ...defaults, gapMs: defaults.gapMs * later.between(0.25, 4), durationMs: defaults.durationMs * later.between(0.25, 4) });
  }
  for (const c of CLASSIC_CLASSES) {
    const shapes = PARTITION_SHAPES.filter(() => rng.chance(0.6));
    knobs.set(c, {
      gapMs: defaults.gapMs * rng.between(0.25, 4),
      durationMs: defaults.durationMs * rng.between(0.25, 4),
      maxDriftPpm: Math.round(rng.between(1_000, defaults.maxDriftPpm)),
      maxDrop: rng.between(0, 0.4),
      maxDuplicate: rng.between(0, 0.3),
      maxReorder: rng.between(0, 0.5),
      shapes: shapes.length > 0 ? shapes : [rng.pick(PARTITION_SHAPES)],
    });
  }
  return { classes, knobs };
}

export function generateFaultPlan(profile: FaultProfileName, rng: Rng, opts: FaultPlanOptions): FaultPlan {
  const quietFraction = opts.quietFraction ?? 0.7;
  if (!(opts.durationMs > 0) || !Number.isFinite(opts.durationMs)) throw new FaultPlanOptionsError(`durationMs must be a positive number, got ${opts.durationMs}`);
  if (!(quietFraction > 0 && quietFraction <= 1)) throw new FaultPlanOptionsError(`quietFraction must be in (0, 1], got ${quietFraction}`);
  if (opts.nodes.length === 0) throw new FaultPlanOptionsError('nodes must not be empty');
  if (new Set(opts.nodes).size !== opts.nodes.length) throw new FaultPlanOptionsError(`duplicate node ids in ${opts.nodes.join(', ')}`);
  const heartbeatMs = opts.heartbeatMs ?? 10;
  const electionTimeoutMs = opts.electionTimeoutMs ?? 100;
  const clientAttemptTimeoutMs = opts.clientAttemptTimeoutMs ?? 150;
  if (!(heartbeatMs > 0 && electionTimeoutMs > heartbeatMs)) throw new FaultPlanOptionsError(`need 0 < heartbeatMs < electionTimeoutMs, got ${heartbeatMs} and ${electionTimeoutMs}`);
  const quietAfterMs = Math.round(opts.durationMs * quietFraction);
  let base = opts.baseNetwork ?? CALM_NETWORK;
  const defaults = defaultKnobs(quietAfterMs, opts);

  // One draw from the caller's rng seeds every class's own stream.
  const seed = rng.uint32();
  const streamFor = (name: string) => new AleaRng(`${seed}:${name}`);
  const drawn =
    profile === 'swarm' ? swarmKnobs(streamFor('swarm'), streamFor('swarm/later'), defaults) : { classes: [...PROFILE_CLASSES[profile]], knobs: new Map<FaultClass, Knobs>() };
  const leftOut = profile !== 'swarm' ? [] : [...(opts.leaseReads ? LEASE_UNSAFE_CLASSES : []), ...(opts.preVote === false ? PREVOTE_NEEDED_CLASSES : [])];
  const classes = drawn.classes.filter((c) => !leftOut.includes(c));
  // The wan regime is the base that the other classes' network faults build on.
  const ordered = classes.includes('wanNetwork') ? ['wanNetwork' as const, ...classes.filter((c) => c !== 'wanNetwork')] : classes;

  let network = base;
  const events: TimedFault[] = [];
  for (const c of ordered) {
    const result = CLASS_GENERATORS[c](streamFor(c), { nodes: opts.nodes, quietAfterMs, base, knobs: drawn.knobs.get(c) ?? defaults, heartbeatMs, electionTimeoutMs, clientAttemptTimeoutMs });
    if (result.network) network = result.network;
    if (c === 'wanNetwork') base = network;
    events.push(...result.events);
  }
  if (!CLASSIC_PROFILES.has(profile) && network.delay.tailProbability > 0) {
    events.push({ atMs: Math.max(0, quietAfterMs - TAIL_ENDS_BEFORE_QUIET_MS), kind: 'setNetwork', params: { delay: { tailProbability: 0 } } });
  }
  return finalizePlan(opts.nodes, network, events, quietAfterMs);
}
