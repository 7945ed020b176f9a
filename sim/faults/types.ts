import type { NetworkParams, NetworkParamsPatch } from '../network/params';

/**
 * Partitions carry their concrete groups, so a printed plan replays exactly. Applying one
 * REPLACES the current partition (heal first, then block), so partitions never pile up silently.
 */
export type PartitionFault =
  /** a and b cannot talk, both directions; other links are untouched. */
  | { readonly kind: 'partition'; readonly shape: 'symmetric'; readonly a: readonly string[]; readonly b: readonly string[] }
  /** Messages from `from` to `to` are lost; the reverse direction works. */
  | { readonly kind: 'partition'; readonly shape: 'oneWay'; readonly from: readonly string[]; readonly to: readonly string[] }
  | { readonly kind: 'partition'; readonly shape: 'isolate'; readonly node: string }
  | { readonly kind: 'partition'; readonly shape: 'majorityMinority'; readonly majority: readonly string[]; readonly minority: readonly string[] }
  /** left and right cannot talk; `bridge` talks to both. */
  | { readonly kind: 'partition'; readonly shape: 'bridge'; readonly left: readonly string[]; readonly right: readonly string[]; readonly bridge: string };

export type PartitionShape = PartitionFault['shape'];
export const PARTITION_SHAPES: readonly PartitionShape[] = ['symmetric', 'oneWay', 'isolate', 'majorityMinority', 'bridge'];

/**
 * What each fault means for the driver:
 * - heal: remove every partition (clogs end on their own).
 * - crash: the node stops and loses volatile state (SimDisk.crash); network.setUp(node, false).
 *   A crash of a node that is already down does nothing.
 * - restart: the node restarts from SimDisk.durableState(); a restart of a running node does nothing.
 * - pause: the node handles nothing (no ticks, no messages) for durationMs, then catches up; like a GC or VM stall.
 * - clog: network.clog(node, atMs + durationMs).
 * - diskStall: every fsync the node issues until atMs + durationMs completes no earlier than then
 *   (./disk-stalls.ts).
 * - clockDrift: from now on the node's clock runs at (1 + ratePpm / 1e6) times real time; 0 clears it.
 * - clockStep: the node's clock jumps once by deltaMs (may be negative).
 * - setNetwork: network.setParams(params).
 * - isolateLeader: like an isolate partition (it replaces the current partition), of the node that
 *   leads the highest term at that moment, resolved by the driver when the fault applies; with no
 *   leader it only heals. Plans cannot name the node: who leads depends on the run so far. Repeated
 *   without a heal between, it brings the previous leader back as it cuts off the next, which is
 *   how logs of different lengths and last terms come to meet at an election. With `next`, it
 *   changes nothing now and cuts off the next node elected leader the moment it is elected, its
 *   first messages included (./fresh-leader.ts); n of them in a row cut off the next n leaders
 *   one after another. A partition, a heal or an isolateLeader without `next` cancels those not
 *   yet used.
 * - membership: an operator asks the leader of the highest term for a membership change
 *   (ProposeConfChange). Like isolateLeader, the plan names no node: which node joins, is promoted
 *   or leaves depends on the configuration in effect, so the driver resolves it when the fault
 *   applies (sim/cluster/membership-ops.ts) and traces it. `addLearner`: a node outside the
 *   configuration joins as a learner; `promote`: a learner becomes a voter; `removeNode`: a voter
 *   or learner leaves (the leader itself included); `replace`: one joint change adds an outside node
 *   as a voter and removes a voter. An operation with no node to pick falls back to a near one
 *   that has (sim/cluster/membership-ops.ts); with no leader, or nothing at all, it does nothing.
 *   `atNextLeader`: the operator waits for the next leader to take office and asks it at once,
 *   before it can have committed an entry of its term: the window the dissertation's 2015 rule
 *   guards (a change only after a current-term commit). A timed change almost never lands in it.
 */
export type FaultEvent =
  | PartitionFault
  | { readonly kind: 'heal' }
  | { readonly kind: 'crash'; readonly node: string }
  | { readonly kind: 'restart'; readonly node: string }
  | { readonly kind: 'pause'; readonly node: string; readonly durationMs: number }
  | { readonly kind: 'clog'; readonly node: string; readonly durationMs: number }
  | { readonly kind: 'diskStall'; readonly node: string; readonly durationMs: number }
  | { readonly kind: 'clockDrift'; readonly node: string; readonly ratePpm: number }
  | { readonly kind: 'clockStep'; readonly node: string; readonly deltaMs: number }
  | { readonly kind: 'setNetwork'; readonly params: NetworkParamsPatch }
  | { readonly kind: 'isolateLeader'; readonly next?: true }
  | { readonly kind: 'membership'; readonly op: MembershipOp; readonly atNextLeader?: true }
  | { readonly kind: 'leaderSplit'; readonly side: LeaderSplitSide };

/**
 * `addVoter`: a node outside the configuration (or a learner) becomes a voter in one single-server
 * change, the way an operator grows a cluster by one; it falls back like `promote`.
 */
export type MembershipOp = 'addLearner' | 'promote' | 'removeNode' | 'replace' | 'addVoter';
export const MEMBERSHIP_OPS: readonly MembershipOp[] = ['addLearner', 'promote', 'removeNode', 'replace', 'addVoter'];

/**
 * leaderSplit: a partition drawn around the leader of the highest term, resolved by the driver
 * when it applies (like isolateLeader, a plan cannot name the nodes: they depend on the run), and
 * traced with its groups (./leader-split.ts):
 * - `nonVoters`: the leader and every node that is not a voter of its configuration in effect,
 *   against the rest (it replaces the current partition). A leader cut off with the nodes it could
 *   add as voters: a change it makes there reaches them, and can commit nowhere.
 * - `itsTerm`: the leader and every node whose log ends in an entry of its term, against the rest
 *   (it replaces the current partition): the nodes its leadership reached against those it did not.
 * - `nextLosesVoter`: arms a cut; the next node elected leader loses its links to one other voter
 *   of its configuration (drawn), in the instant it is elected, before its first messages leave,
 *   on top of the current partition: a node that voted for it and never hears from it. A partition,
 *   a heal, an isolateLeader or another leaderSplit cancels it if not used yet.
 */
export type LeaderSplitSide = 'nonVoters' | 'itsTerm' | 'nextLosesVoter';
export const LEADER_SPLIT_SIDES: readonly LeaderSplitSide[] = ['nonVoters', 'itsTerm', 'nextLosesVoter'];

export type FaultKind = FaultEvent['kind'];
export const FAULT_KINDS: readonly FaultKind[] = ['partition', 'heal', 'crash', 'restart', 'pause', 'clog', 'clockDrift', 'clockStep', 'setNetwork', 'isolateLeader', 'membership', 'diskStall', 'leaderSplit'];

export type TimedFault = { readonly atMs: number } & FaultEvent;

export interface FaultPlan {
  /** Network parameters at time 0. */
  readonly network: NetworkParams;
  /** Sorted by atMs; ties apply in array order. */
  readonly schedule: readonly TimedFault[];
  /**
   * Faults stop here: the schedule's last events (at exactly this time) heal, restart every down
   * node, clear clock drift and calm the network; no pause or clog lasts past it. Liveness is
   * checked after it.
   */
  readonly quietAfterMs: number;
}

/**
 * `all` is the fixed mix of the first classes (its traces are pinned in traces/); `wan` and
 * `divergence` came later and are in `swarm`, which draws every class, and core's options, per seed.
 */
export const FAULT_PROFILES = ['none', 'lossy', 'wan', 'partitions', 'divergence', 'crashes', 'clocks', 'all', 'membership', 'slow-disks', 'swarm'] as const;
export type FaultProfileName = (typeof FAULT_PROFILES)[number];

export class FaultProfileError extends Error {
  override readonly name = 'FaultProfileError';
  constructor(readonly given: string) {
    super(`unknown fault profile ${JSON.stringify(given)}; valid profiles: ${FAULT_PROFILES.join(', ')}`);
  }
}

export function parseFaultProfile(s: string): FaultProfileName {
  const found = FAULT_PROFILES.find((p) => p === s);
  if (found === undefined) throw new FaultProfileError(s);
  return found;
}
