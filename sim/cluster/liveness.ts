// Liveness mode (VOPR's): once the fault plan's quiet point has passed, the cluster must make
// progress, and must keep making it. Safe-but-unavailable behaviour (a leaderless cluster, a
// follower left behind, operations that hang) is a violation here, reported like a safety one.
//
//   LivenessLeader               a leader exists livenessLeaderBoundMs after the quiet point (if one
//                                led since and was lost, AvailabilityLeaderless judges that stretch).
//   LivenessOperations           an operation invoked once a leader was due never times out.
//   AvailabilityLeaderless       after the quiet point, no stretch without a leader is longer than the bound.
//   AvailabilityStalledOperation an operation invoked once a leader was due, and answered, was
//                                answered within the bound (one never answered is LivenessOperations).
//   LivenessCommitCatchUp        under a stable leader, every live, connected follower reaches the
//                                leader's commit index within the bound (or keeps making progress
//                                toward it, e.g. while it receives a large snapshot).
//
// Anything that disturbs a node or the network after the quiet point (a scripted crash, pause,
// partition, clog, clock change, network change or message filter) exempts what it touches from
// judgement until it is over: these properties judge a healthy cluster, never an injured one.
// Generated fault plans never disturb anything after their quiet point; scripts may.

import type { Message, NodeId, NodeView } from '../../protocol/types';
import type { SimConfig } from '../config';
import type { TimedFault } from '../faults';
import type { HistoryOp } from '../../linearizability';
import type { SimNetwork } from '../network/network';
import { SafetyViolation } from '../../checkers/violation';
import { formatMs } from '../format-ms';
import { livenessBounds, type LivenessBounds } from './liveness-bounds';

/** What the monitor reads of a node: the protocol's view of it, nothing of its implementation. */
export interface LivenessNode {
  readonly id: NodeId;
  readonly view: NodeView;
  readonly up: boolean;
  readonly epoch: number;
}

/** What the monitor needs from the simulation. */
export interface LivenessHost {
  now(): number;
  readonly nodes: readonly LivenessNode[];
  /** The initial configuration's voters: members while a view shows no `config`. */
  readonly initialVoters: readonly string[];
  readonly network: SimNetwork<Message>;
  pendingOps(): readonly HistoryOp[];
  /** Runs `check` at virtual time `atMs`, after whatever is already queued for that time. */
  schedule(atMs: number, check: () => void): void;
}

/** How available the cluster was after the quiet point: what the bounds are judged against. */
export interface AvailabilityMeasures {
  /** The longest stretch without a leader after the quiet point (the first election included). */
  readonly maxLeaderlessMs: number;
  /** The slowest completed operation among those invoked once a leader was due. */
  readonly maxOperationMs: number;
  /** Catch-up windows judged (a stable leader throughout, nothing disturbed). */
  readonly catchUpWindowsJudged: number;
  /** Windows extended because a follower was still short of the target but making progress. */
  readonly catchUpExtensions: number;
  /** The bounds in force (null if the quiet point was never reached). */
  readonly bounds: LivenessBounds | null;
}

interface FollowerAtStart {
  readonly index: number;
  readonly epoch: number;
  readonly commitIndex: number;
  /** Bytes of a snapshot it was receiving (view.incomingSnapshotBytes). */
  readonly incomingSnapshotBytes: number | undefined;
}

/** A catch-up window: the leader's commit index at its start must reach these followers by its end. */
interface CatchUpWindow {
  readonly startMs: number;
  /** When the target was taken (the first window's start, if this one extends it). */
  readonly targetAtMs: number;
  readonly leader: number;
  readonly leaderTerm: number;
  readonly leaderEpoch: number;
  readonly target: number;
  readonly followers: readonly FollowerAtStart[];
  readonly filterDrops: number;
  /** How many windows in a row these followers have been given for making progress. */
  readonly extensions: number;
}

export class LivenessMonitor {
  private readonly dueByMs: number;
  private bounds: LivenessBounds | null = null;
  private active = false;
  /** Some node led (as leader() counts it) at or after the quiet point. */
  private leaderSeenAfterQuiet = false;
  /** Per node: judged only from this time on (something disturbed it until then). */
  private readonly disturbedUntilMs: number[];
  private readonly drifting = new Set<number>();
  /** A partition is in force (until the next heal). */
  private partitioned = false;
  private lastDisturbanceMs = Number.NEGATIVE_INFINITY;
  private leaderlessSinceMs: number | null = null;
  /** Identifies the current leaderless stretch, so an expired check of an earlier one does nothing. */
  private leaderlessStretch = 0;
  private maxLeaderlessMs = 0;
  private maxOperationMs = 0;
  private windowsJudged = 0;
  private extensions = 0;
  /** Operations invoked once a leader was due, by id: their invocation times. */
  private readonly judgedOps = new Map<number, number>();

  constructor(
    private readonly config: SimConfig,
    private readonly quietAfterMs: number,
    private readonly electionTimeoutTicks: number,
    private readonly host: LivenessHost,
  ) {
    this.dueByMs = quietAfterMs + config.livenessLeaderBoundMs;
    this.disturbedUntilMs = host.nodes.map(() => 0);
  }

  /** Schedules the checks. Call once the fault plan is queued, so the quiet point's faults come first. */
  start(): void {
    this.host.schedule(this.dueByMs, () => this.checkLeaderExists());
    this.host.schedule(this.quietAfterMs, () => this.onQuiet());
  }

  measures(): AvailabilityMeasures {
    const open = this.leaderlessSinceMs === null ? 0 : this.host.now() - this.leaderlessSinceMs;
    return { maxLeaderlessMs: Math.max(this.maxLeaderlessMs, open), maxOperationMs: this.maxOperationMs, catchUpWindowsJudged: this.windowsJudged, catchUpExtensions: this.extensions, bounds: this.bounds };
  }

  // -------------------------------------------------------------------------------------------
  // Hooks the simulation calls
  // -------------------------------------------------------------------------------------------

  /** After every step: a role or term change may have made or unmade a leader. */
  afterStep(before: NodeView, after: NodeView): void {
    if (this.active && (before.role !== after.role || before.term !== after.term)) this.leadershipMayHaveChanged();
  }

  /** After a fault (planned or scripted) was applied. */
  afterFault(fault: TimedFault): void {
    const now = this.host.now();
    if (fault.kind === 'partition' || fault.kind === 'isolateLeader' || fault.kind === 'leaderSplit') this.partitioned = true;
    if (fault.kind === 'heal') this.partitioned = false;
    const index = 'node' in fault && typeof fault.node === 'string' ? this.host.nodes.findIndex((n) => n.id === fault.node) : -1;
    if (fault.kind === 'clockDrift' && index >= 0) {
      // A drifting clock changes every timeout of its node until the drift is cleared.
      if (fault.ratePpm !== 0) this.drifting.add(index);
      else this.drifting.delete(index);
    }
    // The quiet point's own faults (heal, restarts, clearing drift, calming the network) end the
    // faulty period: they disturb nothing judged afterwards.
    if (now === this.quietAfterMs && isQuietingFault(fault)) return;
    const until = (i: number, untilMs: number) => {
      if (i >= 0) this.disturbedUntilMs[i] = Math.max(this.disturbedUntilMs[i], untilMs);
    };
    if (fault.kind === 'pause' || fault.kind === 'clog') until(index, now + fault.durationMs);
    else if (index >= 0) until(index, now);
    else for (let i = 0; i < this.disturbedUntilMs.length; i++) until(i, now); // partitions, heal, setNetwork: any link may have changed
    if (now < this.quietAfterMs) return;
    this.lastDisturbanceMs = now;
    if (!this.active) return;
    if (fault.kind === 'setNetwork') this.bounds = this.computeBounds();
    this.restartLeaderlessStretch();
  }

  /** A node crashed or restarted. */
  afterUpOrDown(): void {
    if (this.active) this.leadershipMayHaveChanged();
  }

  onInvoke(opId: number, invokeMs: number): void {
    if (invokeMs >= this.dueByMs) this.judgedOps.set(opId, invokeMs);
  }

  /** An operation got its answer ('ok') or was abandoned ('unknown', judged by onOperationTimedOut). */
  onComplete(opId: number, outcome: 'ok' | 'unknown'): void {
    const invokeMs = this.judgedOps.get(opId);
    if (invokeMs === undefined) return;
    this.judgedOps.delete(opId);
    if (outcome === 'ok') this.checkNotStalled(opId, invokeMs);
  }

  /** An operation was abandoned unanswered (its timeout expired). */
  onOperationTimedOut(op: HistoryOp): void {
    if (op.invokeMs >= this.dueByMs) {
      throw new SafetyViolation('LivenessOperations', `an operation invoked at ${formatMs(op.invokeMs)}, after the cluster healed, timed out`);
    }
  }

  /** At the end of the run: operations still pending past their bound. */
  atEnd(): void {
    const now = this.host.now();
    for (const op of this.host.pendingOps()) {
      if (op.invokeMs >= this.dueByMs && now - op.invokeMs > this.config.livenessOperationBoundMs) {
        throw new SafetyViolation('LivenessOperations', `operation ${op.id} invoked at ${formatMs(op.invokeMs)} is still pending at ${formatMs(now)}`);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // LivenessLeader, AvailabilityLeaderless
  // -------------------------------------------------------------------------------------------

  private onQuiet(): void {
    this.active = true;
    this.bounds = this.computeBounds();
    this.leadershipMayHaveChanged();
    this.scheduleCatchUpWindows();
  }

  private computeBounds(): LivenessBounds {
    return livenessBounds(this.config, { electionTimeoutTicks: this.electionTimeoutTicks }, this.host.network.params);
  }

  /** Something disturbed node i at some time after `sinceMs`, or disturbs it still (it is down, its clock drifts). */
  private disturbedSince(i: number, sinceMs: number): boolean {
    return this.disturbedUntilMs[i] > sinceMs || this.drifting.has(i) || !this.host.nodes[i].up;
  }

  /** Anything in the cluster was disturbed after `sinceMs`, or still is. */
  private clusterDisturbedSince(sinceMs: number): boolean {
    if (this.partitioned || this.lastDisturbanceMs >= sinceMs) return true;
    for (let i = 0; i < this.host.nodes.length; i++) if (this.disturbedSince(i, sinceMs)) return true;
    return false;
  }

  /**
   * The up node that leads at the highest term any up member of its configuration has, if there is
   * one. A node outside that configuration (removed while cut off, it never heard so) may climb
   * terms alone; the cluster ignores it (PreVote, the leader lease), and so does this check. With
   * the initial configuration (no `config` in the view: every node a voter) this is the old rule.
   */
  private leader(): number {
    const nodes = this.host.nodes;
    let best = -1;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (n.up && n.view.role === 'Leader' && (best < 0 || n.view.term > nodes[best].view.term)) best = i;
    }
    if (best < 0) return -1;
    const l = nodes[best].view;
    for (const n of nodes) if (n.up && n.view.term > l.term && isMemberOf(l.config, n.id, this.host.initialVoters)) return -1;
    return best;
  }

  private checkLeaderExists(): void {
    if (this.leader() >= 0) return;
    // A cluster that had a leader after the quiet point and lost it since (a leader whose own
    // removal committed steps down; a change that was asked before the quiet point may commit after
    // it) is in a leaderless stretch that AvailabilityLeaderless judges against its own bound, from
    // when it began. This check is for a cluster that elected nobody at all once faults stopped.
    if (this.leaderSeenAfterQuiet && this.leaderlessSinceMs !== null) return;
    const maxTerm = Math.max(...this.host.nodes.filter((n) => n.up).map((n) => n.view.term));
    throw new SafetyViolation('LivenessLeader', `no leader ${this.config.livenessLeaderBoundMs} ms after faults stopped at ${formatMs(this.quietAfterMs)} (highest term ${maxTerm})`);
  }

  private leadershipMayHaveChanged(): void {
    const now = this.host.now();
    if (this.leader() >= 0) {
      this.leaderSeenAfterQuiet = true;
      if (this.leaderlessSinceMs !== null) this.maxLeaderlessMs = Math.max(this.maxLeaderlessMs, now - this.leaderlessSinceMs);
      this.leaderlessSinceMs = null;
    } else if (this.leaderlessSinceMs === null) {
      this.leaderlessSinceMs = now;
      this.judgeLeaderlessFrom(now);
    }
  }

  /** A disturbance restarts the clock of a leaderless stretch (not its measure). */
  private restartLeaderlessStretch(): void {
    if (this.leaderlessSinceMs !== null) this.judgeLeaderlessFrom(this.host.now());
  }

  private judgeLeaderlessFrom(fromMs: number): void {
    const bound = (this.bounds as LivenessBounds).leaderlessMs;
    const stretch = ++this.leaderlessStretch;
    this.host.schedule(fromMs + bound, () => {
      if (stretch !== this.leaderlessStretch || this.leaderlessSinceMs === null) return;
      // A node still down or cut off (by a script) may be what an election needs: watch on.
      if (this.clusterDisturbedSince(fromMs)) return this.judgeLeaderlessFrom(this.host.now());
      throw new SafetyViolation('AvailabilityLeaderless', `no leader from ${formatMs(this.leaderlessSinceMs)} to ${formatMs(this.host.now())}, after faults stopped at ${formatMs(this.quietAfterMs)} (bound ${bound} ms)`);
    });
  }

  // -------------------------------------------------------------------------------------------
  // AvailabilityStalledOperation
  // -------------------------------------------------------------------------------------------

  private checkNotStalled(opId: number, invokeMs: number): void {
    const now = this.host.now();
    const tookMs = now - invokeMs;
    if (this.clusterDisturbedSince(invokeMs)) return;
    this.maxOperationMs = Math.max(this.maxOperationMs, tookMs);
    const bound = (this.bounds as LivenessBounds).stalledOperationMs;
    if (tookMs <= bound) return;
    throw new SafetyViolation(
      'AvailabilityStalledOperation',
      `operation ${opId}, invoked at ${formatMs(invokeMs)} once a leader was due (${formatMs(this.dueByMs)}), was answered only at ${formatMs(now)}: ${formatMs(tookMs)} (bound ${bound} ms)`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // LivenessCommitCatchUp
  // -------------------------------------------------------------------------------------------

  /**
   * Windows open every half bound from the quiet point, and one more closes at the end of the run,
   * so a follower left behind after the clients stop (nothing left to carry the commit index) is
   * judged too.
   */
  private scheduleCatchUpWindows(): void {
    const bound = (this.bounds as LivenessBounds).catchUpMs;
    const endMs = this.config.durationMs;
    let lastMs = Number.NEGATIVE_INFINITY;
    // The bound assumes the network of the quiet point, but a message sent just before it under
    // the faults' delays (a slow tail, a clog) still holds its FIFO link: windows open once
    // those links have drained, or a healthy follower would be judged against a bound that its
    // leader's messages could not meet.
    const firstMs = Math.max(this.quietAfterMs, this.host.network.fifoHorizonMs());
    for (let t = firstMs; t + bound <= endMs; t += bound / 2) {
      this.host.schedule(t, () => this.openWindow());
      lastMs = t;
    }
    const finalMs = endMs - bound;
    if (finalMs > lastMs && finalMs >= firstMs) this.host.schedule(finalMs, () => this.openWindow());
  }

  private openWindow(): void {
    const leader = this.leader();
    if (leader < 0) return; // No stable leader to catch up with: AvailabilityLeaderless judges this.
    const nodes = this.host.nodes;
    const l = nodes[leader];
    const followers: FollowerAtStart[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      // A node the leader's configuration left out gets no log from it: nothing to catch up with.
      if (i !== leader && n.up && isMemberOf(l.view.config, n.id, this.host.initialVoters)) followers.push({ index: i, epoch: n.epoch, commitIndex: n.view.commitIndex, incomingSnapshotBytes: n.view.incomingSnapshotBytes });
    }
    this.scheduleJudgement({
      startMs: this.host.now(), targetAtMs: this.host.now(), leader, leaderTerm: l.view.term, leaderEpoch: l.epoch, target: l.view.commitIndex,
      followers, filterDrops: this.filterInterference(), extensions: 0,
    });
  }

  private scheduleJudgement(w: CatchUpWindow): void {
    this.host.schedule(w.startMs + (this.bounds as LivenessBounds).catchUpMs, () => this.judge(w));
  }

  /** Messages dropped or held by scripted filters so far: traffic control makes a window unjudgeable. */
  private filterInterference(): number {
    const stats = this.host.network.stats();
    return stats.dropped.filter + stats.held;
  }

  private judge(w: CatchUpWindow): void {
    const nodes = this.host.nodes;
    const l = nodes[w.leader];
    // Only a leader that held office, undisturbed, for the whole window is a fair measure.
    if (l.epoch !== w.leaderEpoch || l.view.role !== 'Leader' || l.view.term !== w.leaderTerm || this.leader() !== w.leader) return;
    if (this.disturbedSince(w.leader, w.startMs) || this.filterInterference() !== w.filterDrops) return;
    const now = this.host.now();
    this.windowsJudged++;
    const progressing: FollowerAtStart[] = [];
    for (const f of w.followers) {
      const n = nodes[f.index];
      if (n.epoch !== f.epoch || this.disturbedSince(f.index, w.startMs) || !isMemberOf(l.view.config, n.id, this.host.initialVoters)) continue;
      if (this.host.network.isBlocked(l.id, n.id) || this.host.network.isBlocked(n.id, l.id)) continue;
      const s = n.view;
      if (s.commitIndex >= w.target) continue;
      if (s.commitIndex > f.commitIndex || snapshotProgressed(f.incomingSnapshotBytes, s.incomingSnapshotBytes)) {
        progressing.push({ index: f.index, epoch: f.epoch, commitIndex: s.commitIndex, incomingSnapshotBytes: s.incomingSnapshotBytes });
        continue;
      }
      const bound = (this.bounds as LivenessBounds).catchUpMs;
      throw new SafetyViolation(
        'LivenessCommitCatchUp',
        `${n.id}, up and connected to leader ${l.id} (term ${w.leaderTerm}) throughout, has commitIndex ${s.commitIndex} at ${formatMs(now)}: below ${w.target}, ` +
          `the leader's commitIndex at ${formatMs(w.targetAtMs)}, and no progress toward it in the last ${bound} ms (bound)`,
        n.id,
      );
    }
    // A follower still moving toward the target (a long catch-up, a large snapshot) gets another window.
    if (progressing.length === 0) return;
    this.extensions++;
    this.scheduleJudgement({ ...w, startMs: now, followers: progressing, extensions: w.extensions + 1 });
  }
}

/**
 * A snapshot transfer moved forward: the follower holds more snapshot bytes than before. A chunk
 * sent again is not progress, and neither is a transfer restarted for a newer snapshot unless it
 * gets further than the old one had (else a leader snapshotting faster than it can send would be
 * given windows for ever).
 */
function snapshotProgressed(beforeBytes: number | undefined, afterBytes: number | undefined): boolean {
  return afterBytes !== undefined && afterBytes > (beforeBytes ?? 0);
}

/** The faults a plan's quiet block applies at the quiet point. */
function isQuietingFault(fault: TimedFault): boolean {
  return fault.kind === 'heal' || fault.kind === 'restart' || fault.kind === 'setNetwork' || (fault.kind === 'clockDrift' && fault.ratePpm === 0);
}

/** Whether `id` is in `config` (voter, outgoing voter or learner); no config: the initial one. */
function isMemberOf(config: { readonly voters: readonly string[]; readonly votersOutgoing?: readonly string[]; readonly learners?: readonly string[] } | undefined, id: string, initialVoters: readonly string[]): boolean {
  if (config === undefined) return initialVoters.includes(id);
  return config.voters.includes(id) || (config.votersOutgoing?.includes(id) ?? false) || (config.learners?.includes(id) ?? false);
}
