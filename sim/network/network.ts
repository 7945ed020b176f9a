import type { Rng } from '../random/rng';
import { CALM_NETWORK, type NetworkParams, type NetworkParamsPatch, patchNetworkParams } from './params';

export { CALM_NETWORK, NetworkParamsError, networkParamsProblems, patchNetworkParams } from './params';
export type { DelayParams, NetworkParams, NetworkParamsPatch } from './params';

export type DropReason = 'loss' | 'partition' | 'capacity' | 'crashed' | 'filter';
export const DROP_REASONS: readonly DropReason[] = ['loss', 'partition', 'capacity', 'crashed', 'filter'];

export type FilterVerdict = 'pass' | 'drop' | 'hold';
export type MessageFilter<M> = (msg: M) => FilterVerdict;

export interface Delivery {
  /** Absolute simulated time at which this copy arrives. */
  readonly atMs: number;
  /** False for the original, true for extra copies. */
  readonly duplicate: boolean;
}

/** What sendInto() did with a message: sent (its copies' arrival times filled in), held by a filter, or dropped, and why. */
export type SendVerdict = 'sent' | 'held' | DropReason;

export interface SendOutcome {
  /** Copies to schedule, in the order they were made (empty when dropped or held). */
  readonly deliveries: readonly Delivery[];
  readonly dropped: DropReason | null;
  /** A filter kept the message; it comes back from releaseHeld(). */
  readonly held: boolean;
}

export interface NetworkCounters {
  sent: number;
  delivered: number;
  dropped: Record<DropReason, number>;
  /** Extra copies made. */
  duplicated: number;
  /** Messages taken out of FIFO order. */
  reordered: number;
  held: number;
}

/** The caller broke the network's contract (unknown node, a delivery never sent). */
export class NetworkUsageError extends Error {
  override readonly name = 'NetworkUsageError';
}

export interface MajorityMinority {
  readonly majority: string[];
  readonly minority: string[];
}

export interface BridgeSplit {
  readonly left: string[];
  readonly right: string[];
  /** The only node that hears both sides. */
  readonly bridge: string;
}

/** At most this many copies of one send, so a duplicate probability near 1 cannot loop. */
const MAX_COPIES = 4;

// Drops and holds share frozen outcomes: the common failure paths allocate nothing.
const DROPPED: Record<DropReason, SendOutcome> = Object.freeze({
  loss: Object.freeze({ deliveries: Object.freeze([]), dropped: 'loss', held: false }),
  partition: Object.freeze({ deliveries: Object.freeze([]), dropped: 'partition', held: false }),
  capacity: Object.freeze({ deliveries: Object.freeze([]), dropped: 'capacity', held: false }),
  crashed: Object.freeze({ deliveries: Object.freeze([]), dropped: 'crashed', held: false }),
  filter: Object.freeze({ deliveries: Object.freeze([]), dropped: 'filter', held: false }),
}) as Record<DropReason, SendOutcome>;
const HELD: SendOutcome = Object.freeze({ deliveries: Object.freeze([]), dropped: null, held: true });

/**
 * The simulated network. It decides each message's fate when it is sent and returns when its
 * copies arrive; the caller schedules them and reports each consumed copy with delivered().
 *
 * Links are FIFO unless a message is picked for reordering (or is an extra copy). Every per-link
 * fact lives in flat arrays indexed by `fromIndex * n + toIndex`, so send() is O(1) in the size of
 * partitions; it scans only the list of scripted filters, which is empty outside scenarios.
 */
export class SimNetwork<M extends { readonly from: string; readonly to: string }> {
  private readonly index = new Map<string, number>();
  private readonly n: number;
  private readonly blocked: Uint8Array;
  private readonly up: Uint8Array;
  private readonly inFlight: Int32Array;
  /** Arrival time of the last FIFO message per link, so later sends never overtake it. */
  private readonly lastArrival: Float64Array;
  private readonly clogUntil: Float64Array;
  private filters: { readonly id: number; readonly fn: MessageFilter<M> }[] = [];
  private nextFilterId = 1;
  private held: M[] = [];
  private p: NetworkParams;
  private readonly counters: NetworkCounters = {
    sent: 0,
    delivered: 0,
    dropped: { loss: 0, partition: 0, capacity: 0, crashed: 0, filter: 0 },
    duplicated: 0,
    reordered: 0,
    held: 0,
  };

  constructor(
    readonly nodes: readonly string[],
    private readonly rng: Rng,
    params: NetworkParams = CALM_NETWORK,
  ) {
    nodes.forEach((node, i) => {
      if (this.index.has(node)) throw new NetworkUsageError(`duplicate node id ${node}`);
      this.index.set(node, i);
    });
    const n = (this.n = nodes.length);
    this.blocked = new Uint8Array(n * n);
    this.up = new Uint8Array(n).fill(1);
    this.inFlight = new Int32Array(n * n);
    this.lastArrival = new Float64Array(n * n).fill(Number.NEGATIVE_INFINITY);
    this.clogUntil = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.p = patchNetworkParams(params, {});
  }

  get params(): NetworkParams {
    return this.p;
  }

  /** Changes any parameters from now on; throws NetworkParamsError if the result is invalid. */
  setParams(patch: NetworkParamsPatch): void {
    this.p = patchNetworkParams(this.p, patch);
  }

  send(msg: M, nowMs: number): SendOutcome {
    const arrivals: number[] = [];
    const verdict = this.sendInto(msg, nowMs, arrivals);
    if (verdict === 'held') return HELD;
    if (verdict !== 'sent') return DROPPED[verdict];
    const deliveries: Delivery[] = new Array<Delivery>(arrivals.length);
    for (let k = 0; k < arrivals.length; k++) deliveries[k] = { atMs: arrivals[k]!, duplicate: k > 0 };
    return { deliveries, dropped: null, held: false };
  }

  /**
   * send() without an outcome object per message, for the simulator's hot path: the same decisions
   * from the same random draws. Returns 'sent', 'held' or the drop reason; when sent, `arrivals`
   * holds exactly the copies' arrival times (the original's first, then each extra copy's), and
   * otherwise it is left as it was. The list is overwritten in place, never emptied first: setting
   * a list's length to 0 drops its storage, and the next message would allocate it again.
   */
  sendInto(msg: M, nowMs: number, arrivals: number[]): SendVerdict {
    const from = this.indexOf(msg.from);
    const to = this.indexOf(msg.to);
    const link = from * this.n + to;
    const c = this.counters;
    c.sent++;
    if (this.up[from] === 0 || this.up[to] === 0) return this.drop('crashed');
    if (this.blocked[link] === 1) return this.drop('partition');
    if (this.filters.length > 0) {
      const verdict = this.filter(msg);
      if (verdict === 'drop') return this.drop('filter');
      if (verdict === 'hold') {
        this.held.push(msg);
        c.held++;
        return 'held';
      }
    }
    const p = this.p;
    const rng = this.rng;
    if (p.dropProbability > 0 && rng.chance(p.dropProbability)) return this.drop('loss');
    if (this.inFlight[link]! >= p.linkCapacity) return this.drop('capacity');

    // A clogged endpoint stalls the message until the clog lifts; it is never dropped for it.
    const clog = Math.max(this.clogUntil[from]!, this.clogUntil[to]!);
    let atMs = Math.max(nowMs + this.delay(), clog);
    if (p.reorderProbability > 0 && rng.chance(p.reorderProbability)) {
      // Held back by several typical delays, outside FIFO order: later sends overtake it.
      atMs += Math.max(p.delay.meanMs, 1) * (1 + rng.exponential(2));
      c.reordered++;
    } else {
      const last = this.lastArrival[link]!;
      if (atMs < last) atMs = last;
      this.lastArrival[link] = atMs;
    }
    this.inFlight[link]!++;
    arrivals[0] = atMs;
    let copies = 1;
    if (p.duplicateProbability > 0) {
      while (copies < MAX_COPIES && this.inFlight[link]! < p.linkCapacity && rng.chance(p.duplicateProbability)) {
        arrivals[copies++] = Math.max(nowMs + this.delay(), clog);
        this.inFlight[link]!++;
        c.duplicated++;
      }
    }
    if (arrivals.length !== copies) arrivals.length = copies;
    return 'sent';
  }

  /** Reports that one scheduled copy of `msg` was consumed (delivered, or discarded at arrival). */
  delivered(msg: M): void {
    this.deliveredLink(msg.from, msg.to);
  }

  deliveredLink(from: string, to: string): void {
    const link = this.indexOf(from) * this.n + this.indexOf(to);
    if (this.inFlight[link] === 0) throw new NetworkUsageError(`delivered(${from} -> ${to}) with nothing in flight on that link`);
    this.inFlight[link]!--;
    this.counters.delivered++;
  }

  /**
   * The latest time any FIFO link is booked until: a message sent now on that link arrives no
   * earlier. Messages sent under earlier (harsher) network settings keep later ones waiting until
   * then, so a bound that assumes today's settings can only start from here.
   */
  fifoHorizonMs(): number {
    let latest = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < this.lastArrival.length; k++) if (this.lastArrival[k]! > latest) latest = this.lastArrival[k]!;
    return latest;
  }

  /** Messages in flight on a directed link (sent, not yet reported delivered). */
  inFlightOn(from: string, to: string): number {
    return this.inFlight[this.indexOf(from) * this.n + this.indexOf(to)]!;
  }

  /** A down node neither sends nor receives: sends to or from it drop as 'crashed'. */
  setUp(node: string, isUp: boolean): void {
    this.up[this.indexOf(node)] = isUp ? 1 : 0;
  }

  isUp(node: string): boolean {
    return this.up[this.indexOf(node)] === 1;
  }

  // ---- partitions: blocks add up until heal() ----

  /** Blocks both directions between every node of `a` and every node of `b`. */
  partitionSymmetric(a: readonly string[], b: readonly string[]): void {
    this.block(a, b);
    this.block(b, a);
  }

  /** Blocks only the direction from -> to (nodes or groups). */
  partitionOneWay(from: string | readonly string[], to: string | readonly string[]): void {
    this.block(typeof from === 'string' ? [from] : from, typeof to === 'string' ? [to] : to);
  }

  /** Cuts `node` off from everyone, both ways. */
  isolate(node: string): void {
    this.partitionSymmetric([node], this.nodes.filter((x) => x !== node));
  }

  /** A random split into a majority and a minority that cannot talk; returns the groups. */
  majorityMinority(rng: Rng): MajorityMinority {
    const split = splitMajorityMinority(this.nodes, rng);
    this.partitionSymmetric(split.majority, split.minority);
    return split;
  }

  /** Two halves that cannot talk to each other but both talk to one bridge node; returns the groups. */
  bridge(rng: Rng): BridgeSplit {
    const split = splitBridge(this.nodes, rng);
    this.partitionSymmetric(split.left, split.right);
    return split;
  }

  heal(): void {
    this.blocked.fill(0);
  }

  isBlocked(from: string, to: string): boolean {
    return this.blocked[this.indexOf(from) * this.n + this.indexOf(to)] === 1;
  }

  // ---- clogging ----

  /** Stalls every link of `node`: messages sent to or from it before untilMs arrive no earlier than untilMs. */
  clog(node: string, untilMs: number): void {
    const i = this.indexOf(node);
    this.clogUntil[i] = Math.max(this.clogUntil[i]!, untilMs);
  }

  /** Ends a clog early (messages already stalled keep their arrival times). */
  unclog(node: string): void {
    this.clogUntil[this.indexOf(node)] = Number.NEGATIVE_INFINITY;
  }

  // ---- scripted filters ----

  /** The first filter that does not answer 'pass' decides. Returns an id for removeFilter. */
  addFilter(fn: MessageFilter<M>): number {
    const id = this.nextFilterId++;
    this.filters = [...this.filters, { id, fn }];
    return id;
  }

  removeFilter(id: number): boolean {
    const before = this.filters.length;
    this.filters = this.filters.filter((f) => f.id !== id);
    return this.filters.length < before;
  }

  /**
   * Takes held messages (all, or those matching `pred`) out of the hold, oldest first. The caller
   * re-sends them; they pass the filters again, so remove or change the holding filter first.
   */
  releaseHeld(pred?: (msg: M) => boolean): M[] {
    if (pred === undefined) {
      const all = this.held;
      this.held = [];
      return all;
    }
    const released: M[] = [];
    const kept: M[] = [];
    for (const msg of this.held) (pred(msg) ? released : kept).push(msg);
    this.held = kept;
    return released;
  }

  heldCount(): number {
    return this.held.length;
  }

  /** A copy of the counters. */
  stats(): NetworkCounters {
    return { ...this.counters, dropped: { ...this.counters.dropped } };
  }

  private delay(): number {
    const d = this.p.delay;
    let ms = d.minMs;
    if (d.meanMs > d.minMs) ms += this.rng.exponential(d.meanMs - d.minMs);
    if (d.tailProbability > 0 && this.rng.chance(d.tailProbability)) ms += this.rng.exponential(d.tailMeanMs);
    return ms;
  }

  private filter(msg: M): FilterVerdict {
    for (const f of this.filters) {
      const verdict = f.fn(msg);
      if (verdict !== 'pass') return verdict;
    }
    return 'pass';
  }

  private drop(reason: DropReason): DropReason {
    this.counters.dropped[reason]++;
    return reason;
  }

  private block(from: readonly string[], to: readonly string[]): void {
    for (const a of from) {
      const row = this.indexOf(a) * this.n;
      for (const b of to) if (a !== b) this.blocked[row + this.indexOf(b)] = 1;
    }
  }

  private indexOf(node: string): number {
    const i = this.index.get(node);
    if (i === undefined) throw new NetworkUsageError(`unknown node ${JSON.stringify(node)}; known: ${this.nodes.join(', ')}`);
    return i;
  }
}

/** Minority of size 1 .. ceil(n/2)-1 (at least 1), the rest the majority. */
export function splitMajorityMinority(nodes: readonly string[], rng: Rng): MajorityMinority {
  if (nodes.length < 2) throw new NetworkUsageError(`majorityMinority needs at least 2 nodes, have ${nodes.length}`);
  const shuffled = rng.shuffle(nodes);
  const maxMinority = Math.max(1, Math.ceil(nodes.length / 2) - 1);
  const size = rng.int(1, maxMinority + 1);
  return { minority: shuffled.slice(0, size), majority: shuffled.slice(size) };
}

/** One bridge node; the others split into two halves as even as possible. */
export function splitBridge(nodes: readonly string[], rng: Rng): BridgeSplit {
  if (nodes.length < 3) throw new NetworkUsageError(`bridge needs at least 3 nodes, have ${nodes.length}`);
  const shuffled = rng.shuffle(nodes);
  const bridge = shuffled[0]!;
  const rest = shuffled.slice(1);
  const half = Math.floor(rest.length / 2);
  return { bridge, left: rest.slice(0, half), right: rest.slice(half) };
}
