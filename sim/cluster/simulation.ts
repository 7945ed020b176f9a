// The discrete-event simulator: one thread, virtual milliseconds, an event queue ordered by
// (time, sequence number), and every random choice drawn from named streams of one seed. Nodes are
// driven only through the node protocol (protocol/types.ts ProtocolNode, docs/node-protocol.md):
// core in process by default, or any other implementation (./implementation.ts). The simulator owns
// their clocks, disks and network, and its checkers read only what the protocol shows: views,
// persist records (folded by the simulated disk) and applied entries.
//
// After every event the safety checker judges what the step changed. After the fault plan's quiet
// point the liveness and availability checks start (./liveness.ts). The client history is judged
// for linearizability afterwards, by runSeed (sim/run-seed.ts), which every caller goes through.
// An exception that escapes the simulator or core fails the run (UncaughtException), like any
// violation, instead of crashing whoever ran it.

import { InternalInvariantError, KvStateMachine, type ActionName } from '../../core';
import {
  PROTOCOL_VERSION,
  type Capability, type DurableState, type Message, type NodeId, type NodeOptions, type NodeOutput, type NodeView, type PersistRecord,
  type ProtocolNode, type StartInput, type StepInput,
} from '../../protocol/types';
import { NodeProtocolError } from '../../protocol/errors';
import { DriverContractError } from '../../protocol/conformance';
import type { SimConfig } from '../config';
import { EventQueue } from '../engine/event-queue';
import { RandomStreams } from '../random/streams';
import type { Rng } from '../random/rng';
import { SimNetwork } from '../network/network';
import { SimDisk } from '../storage/disk';
import { applyNetworkFault, generateFaultPlan, parseFaultPlan, type FaultPlan, type LeaderSplitSide, type MembershipOp, type TimedFault } from '../faults';
import { resolveMembershipOp } from './membership-ops';
import { SafetyChecker } from '../../checkers/safety';
import { CommitProtection, type CommitProtectionLogs } from '../../checkers/commit-protection';
import { stalledSyncAtMs } from '../faults/disk-stalls';
import { leaderSplitGroups, voterToLose } from '../faults/leader-split';
import { SafetyViolation, type PropertyName } from '../../checkers/violation';
import { Workload, type ClientTimer } from '../workload/clients';
import { NO_TRACE, type TraceEventBody, type TraceSink } from '../../trace/sink';
import { traceEntry, traceProtocolMessage as traceMessage, traceView, TRACE_FORMAT } from '../../trace/format';
import type { PlantedBug } from '../bugs/types';
import { Coverage } from './coverage';
import { LivenessMonitor, type AvailabilityMeasures } from './liveness';
import { resolveSwarmConfig } from '../swarm-options';
import { runOptionsOf } from '../run-options';
import type { RunOptions } from '../run-option-names';
import { countInput, countRunOptions } from '../workload/input-coverage';
import { CapabilityMissing, capabilityGaps, implementationFor, type Implementation } from './implementation';
import type { ConfChange, PersistRecord as CorePersistRecord } from '../../core';

type SimEvent =
  | { readonly kind: 'Tick'; readonly node: number; readonly epoch: number }
  | { readonly kind: 'Deliver'; readonly message: Message }
  | { readonly kind: 'Sync'; readonly node: number; readonly seq: number; readonly epoch: number }
  | { readonly kind: 'Fault'; readonly fault: TimedFault }
  | { readonly kind: 'Resume'; readonly node: number; readonly epoch: number }
  /** The simulator's own deferred work (liveness checks, a crash waiting for a write). */
  | { readonly kind: 'Internal'; readonly run: () => void }
  | { readonly kind: 'Script'; readonly action: (sim: Simulation) => void }
  | ClientTimer;

export interface SimNode {
  readonly id: NodeId;
  readonly index: number;
  /** The node's current life (a new one per restart); null before the run starts. */
  life: ProtocolNode | null;
  /** What the node showed after its last input (docs/node-protocol.md §6). */
  view: NodeView;
  /** The highest index its state machine has applied (or restored from a snapshot). */
  appliedIndex: number;
  /** From its hello: the optional inputs it takes. */
  capabilities: ReadonlySet<Capability>;
  readonly disk: SimDisk;
  kv: KvStateMachine;
  up: boolean;
  /** Bumped on crash and restart so that events scheduled for an earlier life are ignored. */
  epoch: number;
  pausedUntilMs: number;
  /** Local clock rate: ticks come every tickMs / (1 + driftPpm / 1e6) real milliseconds. */
  driftPpm: number;
  /** A backward clock step: no ticks until this time. */
  clockHeldUntilMs: number;
  lastSyncAtMs: number;
  /**
   * Leaders only: per follower, the snapshot index of the InstallSnapshot transfer this leader has
   * under way (chunks sent, no `installed` answer yet), as its messages show it.
   */
  readonly snapshotsInFlight: Map<NodeId, number>;
  /** A crash fault is waiting for this node's next write. */
  crashOnNextWrite: boolean;
  /** A tick fell inside a pause and was not rescheduled; the resume restarts the chain. */
  tickChainBroken: boolean;
  /**
   * --skip-idle-ticks: ticks that came since the node's last step and would only have counted
   * (fewer than its life's ticksUntilNextTimer). Handed over as one Tick { count } before the
   * node's next input, or with the tick whose timer can fire.
   */
  idleTicksOwed: number;
  /** The Tick event of this node's current epoch, pushed again for each tick: events are never changed once made. */
  tickEvent: Extract<SimEvent, { kind: 'Tick' }> | null;
}

const CRASH_DURING_WRITE_WINDOW_MS = 50;

export interface Violation {
  readonly property: PropertyName;
  readonly detail: string;
  readonly node: string | null;
  readonly atMs: number;
  /** Index of the trace line (event) at which it broke. */
  readonly eventIndex: number;
  /** UncaughtException only: the first frames of the exception's stack. */
  readonly frames?: readonly string[];
}

export interface RunResult {
  readonly seed: number;
  readonly violation: Violation | null;
  readonly events: number;
  readonly simulatedMs: number;
  readonly history: ReturnType<Workload['history']['slice']>;
  readonly coverage: Coverage;
  readonly faultPlan: FaultPlan;
  readonly committed: number;
  readonly availability: AvailabilityMeasures;
}

export interface SimulationOptions {
  readonly trace?: TraceSink;
  readonly bug?: PlantedBug;
  readonly version?: string;
  readonly commit?: string;
  /** Watches every protocol step, before the simulator acts on its output (scripted scenarios). */
  readonly observe?: (node: NodeId, input: StepInput, output: NodeOutput) => void;
  /** The implementation to drive; default: the one config.implementation names (core when absent). */
  readonly implementation?: Implementation;
}

const UNSTARTED_VIEW: NodeView = Object.freeze({ term: 0, role: 'Follower', votedFor: null, commitIndex: 0, leader: null, lastIndex: 0, lastTerm: 0, snapshotIndex: 0 });
const NO_CAPABILITIES: ReadonlySet<Capability> = new Set();
const NONE: readonly never[] = Object.freeze([]);
const TICK: StepInput = Object.freeze({ type: 'Tick' });

/** Equal views; core hands out the same object while nothing changed, so that is the fast path. */
function sameView(a: NodeView, b: NodeView): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof NodeView)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => a[k] === b[k] || JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** An output with nothing in it: what a tick that only counts must give. */
function isQuiet(o: NodeOutput): boolean {
  return o.messages.length === 0 && o.persist.length === 0 && o.apply.length === 0 && o.reads.length === 0 && o.errors.length === 0
    && o.proposed.length === 0 && o.restore === null && (o.actions === undefined || o.actions.length === 0);
}

/**
 * Faults stop early enough that both liveness checks fit in the run: a leader by
 * quiet + livenessLeaderBound, then operations invoked after that, each with its timeout.
 * Long runs keep 70% of their time for faults.
 */
export function quietFraction(c: SimConfig): number {
  const needMs = c.livenessLeaderBoundMs + 2 * c.workload.operationTimeoutMs;
  return Math.min(0.7, Math.max(0.2, (c.durationMs - needMs) / c.durationMs));
}

export class Simulation {
  readonly nodes: SimNode[];
  readonly nodeIds: NodeId[];
  /** The initial configuration's voters (config.initialVoters of them, n1 upwards); the rest start outside it. */
  readonly initialVoters: NodeId[];
  /** Changes waiting for a leader of a term above deferredAtTerm (deferToNextLeader). */
  private opsForNextLeader: MembershipOp[] = [];
  private deferredAtTerm = 0;
  /** members()'s cache: the configuration it was computed from (undefined: the initial one). */
  private membersOf: { config: NodeView['config']; members: readonly NodeId[] };
  readonly network: SimNetwork<Message>;
  readonly checker: SafetyChecker;
  /** CommitSurvivesElections, judged across every node's logs whenever a leader's commit rises. */
  private readonly commitProtection: CommitProtection;
  private readonly promised: { readonly runOptions: RunOptions; readonly clients: number; readonly stopInvokingAtMs: number };
  /** How many isolateLeader faults with `next` are armed: the next that many new leaders are cut off at once. */
  private isolateNextLeaders = 0;
  /** A leaderSplit `nextLosesVoter` is armed: the next new leader loses its links to one of its voters. */
  private nextLeaderLosesVoter = false;
  /** Created on the first such cut: a run without any draws exactly what it did before. */
  private leaderSplitRng: Rng | null = null;
  readonly coverage = new Coverage();
  readonly workload: Workload;
  readonly faultPlan: FaultPlan;
  readonly liveness: LivenessMonitor;
  private readonly queue = new EventQueue<SimEvent>();
  /** The arrival times of one sent message's copies (SimNetwork.sendInto), reused by every send. */
  private readonly arrivals: number[] = [];
  private readonly streams: RandomStreams;
  /** Created on the first membership fault: a run without any draws exactly what it did before. */
  private membershipRng: Rng | null = null;
  private membershipOps = 0;
  private readonly storageRng: Rng;
  private readonly trace: TraceSink;
  private readonly bug: PlantedBug | undefined;
  private readonly observe: SimulationOptions['observe'];
  readonly implementation: Implementation;
  /** Init and Restart fields common to every life of node i (docs/node-protocol.md §3). */
  private readonly startFields: Omit<StartInput, 'type' | 'durable' | 'lastSeq'>[];
  private readonly leaseReads: boolean;
  /** --skip-idle-ticks: a tick that would only count is owed to the node, not stepped (see onTick). */
  private readonly skipIdleTicks: boolean;
  nowMs = 0;
  events = 0;
  violation: Violation | null = null;
  /** Set while a scripted action runs: a script's own exceptions are the caller's, not the run's. */
  private inScript = false;
  /** The config in force: under swarm, the given one with its run options drawn from the seed. */
  readonly config: SimConfig;

  constructor(given: SimConfig, options: SimulationOptions = {}) {
    this.streams = new RandomStreams(given.seed);
    const config = resolveSwarmConfig(given, this.streams.stream('swarm/options'), given.durationMs * quietFraction(given));
    this.config = config;
    this.storageRng = this.streams.stream('storage');
    this.trace = options.trace ?? NO_TRACE;
    this.bug = options.bug;
    this.observe = options.observe;
    this.implementation = options.implementation ?? implementationFor(config, options.bug);
    this.nodeIds = Array.from({ length: config.nodes }, (_, i) => `n${i + 1}`);
    // The first configuration the checker judges changes against; nodes beyond it start empty, outside it.
    this.initialVoters = this.nodeIds.slice(0, config.initialVoters ?? config.nodes);
    this.membersOf = { config: undefined, members: this.initialVoters };
    this.checker = new SafetyChecker({ initialVoters: this.initialVoters });
    const runOptions = runOptionsOf(config);
    this.leaseReads = runOptions.leaseRead;
    this.skipIdleTicks = config.skipIdleTicks === true;
    const plan = config.faultPlan ?? generateFaultPlan(config.faults, this.streams.stream('faults'), {
      nodes: this.nodeIds, durationMs: config.durationMs, quietFraction: quietFraction(config), leaseReads: runOptions.leaseRead, preVote: runOptions.preVote,
      heartbeatMs: config.tickMs * runOptions.heartbeatIntervalTicks, electionTimeoutMs: config.tickMs * runOptions.electionTimeoutTicks,
      clientAttemptTimeoutMs: config.workload.attemptTimeoutMs,
    });
    // One canonical form (field order included), so that a replayed plan traces byte for byte alike.
    this.faultPlan = parseFaultPlan(JSON.parse(JSON.stringify(plan)), { nodes: this.nodeIds });
    this.network = new SimNetwork<Message>(this.nodeIds, this.streams.stream('network'), this.faultPlan.network);
    const nodeOptions: NodeOptions = {
      electionTimeoutTicks: runOptions.electionTimeoutTicks, heartbeatIntervalTicks: runOptions.heartbeatIntervalTicks,
      preVote: runOptions.preVote, checkQuorum: runOptions.checkQuorum,
    };
    // Core's own settings beyond the protocol's options travel in Init.impl; another implementation gets none.
    const { electionTimeoutTicks: _e, heartbeatIntervalTicks: _h, preVote: _p, checkQuorum: _c, ...coreOnly } = config.raft;
    void _e, void _h, void _p, void _c;
    this.startFields = this.nodeIds.map((id) => ({
      protocol: PROTOCOL_VERSION, id, voters: this.initialVoters, seed: this.streams.stream(`timeouts/${id}`).uint32(), options: nodeOptions,
      ...(this.implementation.external ? {} : { impl: { clusterId: `sim-${config.seed}`, ...coreOnly } }),
    }));
    this.nodes = this.nodeIds.map((id, index) => ({
      id, index, life: null, view: UNSTARTED_VIEW, appliedIndex: 0, capabilities: NO_CAPABILITIES,
      disk: new SimDisk(undefined, { voters: this.nodeIds }), kv: new KvStateMachine(), up: true, epoch: 0,
      pausedUntilMs: 0, driftPpm: 0, clockHeldUntilMs: 0, lastSyncAtMs: 0, crashOnNextWrite: false, tickChainBroken: false, snapshotsInFlight: new Map(), idleTicksOwed: 0, tickEvent: null,
    }));
    // Each disk and its two live log views last the whole run: looked up once, not per commit.
    const logs = new Map(this.nodes.map((n) => [n.id, { written: n.disk.writtenLog, durable: n.disk.durableLog }]));
    this.commitProtection = new CommitProtection(this.nodeIds, (id) => logs.get(id) as CommitProtectionLogs);
    const stopInvokingAtMs = config.durationMs - config.workload.operationTimeoutMs;
    this.workload = new Workload(config.workload, this.streams.stream('workload'), this.workloadPort(), stopInvokingAtMs, {
      rng: this.streams.stream('workload/operator'), stopAtMs: this.faultPlan.quietAfterMs,
    });
    // What the run's options promise is counted once the hello says what the implementation can do.
    this.promised = { runOptions, clients: config.workload.clients, stopInvokingAtMs };
    this.liveness = new LivenessMonitor(config, this.faultPlan.quietAfterMs, runOptions.electionTimeoutTicks, {
      nodes: this.nodes,
      initialVoters: this.initialVoters,
      network: this.network,
      now: () => this.nowMs,
      pendingOps: () => this.workload.pendingOps(),
      schedule: (atMs, run) => this.queue.push(atMs, { kind: 'Internal', run }),
    });
    if (this.trace.enabled) {
      this.trace.header({
        type: 'header', format: TRACE_FORMAT, source: 'sim', seed: config.seed, version: options.version ?? 'dev', commit: options.commit ?? 'unknown',
        nodes: this.nodeIds, profile: config.faults, config: { ...config, faultPlan: undefined }, faultPlan: this.faultPlan,
      });
    }
  }

  private workloadPort() {
    return {
      nodeIds: this.nodeIds,
      propose: (node: NodeId, requestId: string, data: readonly string[]) => this.clientInput(node, { type: 'Propose', requestId, data }),
      read: (node: NodeId, requestId: string) => this.clientInput(node, { type: 'Read', requestId }),
      leader: () => this.currentLeader(),
      members: () => this.members(),
      transferLeadership: (from: NodeId, to: NodeId) => this.clientInput(from, { type: 'TransferLeadership', to }),
      schedule: (atMs: number, event: ClientTimer) => {
        this.queue.push(atMs, event);
      },
      traceInvoke: (client: string, op: number, kind: string, key: string) => {
        const line = this.traceClientEvent({ ev: 'ClientInvoke', client, op, kind, key });
        this.liveness.onInvoke(op, this.nowMs);
        return line;
      },
      traceComplete: (client: string, op: number, outcome: 'ok' | 'unknown') => {
        const line = this.traceClientEvent({ ev: 'ClientComplete', client, op, outcome });
        this.liveness.onComplete(op, outcome);
        return line;
      },
      termOf: (node: NodeId) => this.nodes[this.nodeIds.indexOf(node)].view.term,
      count: (counter: 'redirects' | 'followerReads' | 'retries' | 'unknownOutcomes') => this.coverage.add(counter),
    };
  }

  /** Writes a client event; its trace line (the history links to it), or undefined without a trace. */
  private traceClientEvent(event: TraceEventBody): number | undefined {
    if (!this.trace.enabled) return undefined;
    const line = this.trace.lines;
    this.trace.event(this.nowMs, event);
    return line;
  }

  private clientInput(nodeId: NodeId, input: StepInput): boolean {
    const node = this.nodes[this.nodeIds.indexOf(nodeId)];
    if (!node.up || this.nowMs < node.pausedUntilMs) return false;
    if (input.type === 'TransferLeadership' && !node.capabilities.has('transferLeadership')) return false;
    this.stepNode(node, input);
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // The run
  // -------------------------------------------------------------------------------------------

  /**
   * Starts every node (Init). Throws CapabilityMissing, before anything is traced past the header,
   * when the implementation lacks a capability the config needs (capabilityGaps).
   */
  private startNodes(): void {
    for (const node of this.nodes) {
      const life = this.implementation.newLife(node.id);
      node.life = life;
      const out = life.start({ type: 'Init', ...this.startFields[node.index] });
      node.capabilities = new Set(out.hello?.capabilities ?? []);
      node.view = out.view;
    }
    const capabilities = this.nodes[0].capabilities;
    const gaps = capabilityGaps(this.config, capabilities, this.implementation.external);
    if (gaps.length > 0) throw new CapabilityMissing(this.implementation.label, gaps);
    // Profiles draw only what the implementation can do (capabilityGaps): transfers a swarm run drew
    // are not sent without the capability, so they promise nothing; the runsWith* counters say
    // which capabilities the sweep's runs had, and coverage demands only what they could produce.
    const { runOptions, clients, stopInvokingAtMs } = this.promised;
    const transfers = capabilities.has('transferLeadership');
    countRunOptions(this.coverage, transfers ? runOptions : { ...runOptions, transferMeanMs: 0 }, clients, stopInvokingAtMs);
    if (capabilities.has('snapshots')) this.coverage.add('runsWithSnapshots');
    if (capabilities.has('membership')) this.coverage.add('runsWithMembership');
  }

  /** Ends every node life and whatever the implementation runs (processes). */
  close(): void {
    for (const node of this.nodes) node.life?.kill();
    this.implementation.close();
  }

  run(): RunResult {
    try {
      this.startNodes();
    } catch (e) {
      this.close();
      if (e instanceof CapabilityMissing) throw e;
      this.recordViolation(e);
      return this.result();
    }
    for (const node of this.nodes) this.scheduleTick(node, 0);
    for (const fault of this.faultPlan.schedule) this.queue.push(fault.atMs, { kind: 'Fault', fault });
    this.liveness.start();
    this.workload.start(0);
    try {
      while (this.queue.size > 0) {
        const at = this.queue.peekTime() as number;
        if (at > this.config.durationMs) break;
        const event = this.queue.pop() as SimEvent;
        this.nowMs = at;
        this.events++;
        this.handle(event);
      }
      this.nowMs = Math.max(this.nowMs, this.config.durationMs);
      // Owed idle ticks change only counters, but the final states must be those of a run that stepped them.
      for (const node of this.nodes) if (node.up && node.idleTicksOwed > 0) this.payIdleTicks(node, true);
      this.liveness.atEnd();
    } catch (e) {
      this.recordViolation(e);
      // The run stopped at the violation: its nodes end in the states they had then, owed ticks
      // included (a run stepping every tick had stepped them). Not traced: the trace ends at the verdict.
      for (const node of this.nodes) if (node.up && node.idleTicksOwed > 0) this.payIdleTicksAfterViolation(node);
    } finally {
      this.close();
    }
    return this.result();
  }

  private result(): RunResult {
    return {
      seed: this.config.seed, violation: this.violation, events: this.events, simulatedMs: this.nowMs,
      history: this.workload.history, coverage: this.coverage, faultPlan: this.faultPlan, committed: this.checker.highestCommitted,
      availability: this.liveness.measures(),
    };
  }

  private recordViolation(e: unknown): void {
    if (this.inScript && !(e instanceof SafetyViolation) && !(e instanceof InternalInvariantError)) {
      throw e; // A scripted scenario's failed expectation: its caller reports it.
    }
    // Without a trace there is no line to point at: -1 says so (the CLI re-runs with a trace).
    const eventIndex = this.trace.enabled ? this.trace.lines : -1;
    let v: Violation;
    if (e instanceof SafetyViolation) v = { property: e.property, detail: e.detail, node: e.node, atMs: this.nowMs, eventIndex };
    else if (e instanceof NodeProtocolError) v = { property: 'ProtocolConformance', detail: `${e.name}: ${e.message}`, node: e.node, atMs: this.nowMs, eventIndex };
    else if (e instanceof DriverContractError) v = { property: 'DriverContract', detail: e.message, node: null, atMs: this.nowMs, eventIndex };
    else if (e instanceof InternalInvariantError) v = { property: 'CoreInternalError', detail: e.message, node: null, atMs: this.nowMs, eventIndex };
    else v = uncaughtViolation(e, this.nowMs, eventIndex);
    this.violation = v;
    // The trace names the exception, never its stack: a trace must replay byte for byte anywhere.
    if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Violation', property: v.property, detail: v.detail });
  }

  private handle(event: SimEvent): void {
    switch (event.kind) {
      case 'Tick':
        return this.onTick(event.node, event.epoch);
      case 'Deliver':
        return this.onDeliver(event.message);
      case 'Sync':
        return this.onSync(event.node, event.seq, event.epoch);
      case 'Fault':
        return this.onFault(event.fault, true);
      case 'Resume':
        return this.onResume(event.node, event.epoch);
      case 'Internal':
        return event.run();
      case 'Script':
        this.inScript = true;
        event.action(this);
        this.inScript = false;
        return;
      case 'ClientWake':
      case 'AttemptTimeout':
      case 'FlushBatch':
      case 'Transfer': {
        const op = this.workload.onTimer(this.nowMs, event);
        if (op !== null) this.liveness.onOperationTimedOut(op);
        return;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Nodes: ticks, messages, storage
  // -------------------------------------------------------------------------------------------

  private tickIntervalMs(node: SimNode): number {
    return (this.config.tickMs * 1e6) / (1e6 + node.driftPpm);
  }

  private scheduleTick(node: SimNode, atMs: number): void {
    // One event object per node and epoch rather than one per tick (a quarter of all events).
    let event = node.tickEvent;
    if (event === null || event.epoch !== node.epoch) event = node.tickEvent = { kind: 'Tick', node: node.index, epoch: node.epoch };
    this.queue.push(atMs, event);
  }

  private onTick(index: number, epoch: number): void {
    const node = this.nodes[index];
    if (!node.up || node.epoch !== epoch) return;
    if (this.nowMs < node.pausedUntilMs) {
      node.tickChainBroken = true; // Resume restarts the chain: exactly one chain per node.
      return;
    }
    this.scheduleTick(node, Math.max(this.nowMs + this.tickIntervalMs(node), node.clockHeldUntilMs));
    if (this.skipIdleTicks) {
      // The tick event still comes at its time (same-time ordering, pauses, drift and clock holds
      // stay exactly as without skipping); only the step is saved while no timer can fire.
      const untilTimer = (node.life as ProtocolNode).ticksUntilNextTimer?.();
      if (untilTimer !== undefined) {
        const count = node.idleTicksOwed + 1;
        if (count < untilTimer) {
          node.idleTicksOwed = count;
          return;
        }
        node.idleTicksOwed = 0;
        this.stepNode(node, count === 1 ? TICK : { type: 'Tick', count });
        return;
      }
    }
    this.stepNode(node, TICK);
  }

  /**
   * Hands the node the idle ticks it is owed, as one input, just before another input (whose
   * trace Step line then says `idleTicks`) or at the end of the run (a Tick step with `count`).
   * They only count (ticksUntilNextTimer said so when they came), so the step must output nothing
   * and leave the view as it was: that is checked here, and then the checkers, coverage and
   * liveness, which have nothing to judge in such a step, are not run. Returns the count.
   */
  private payIdleTicks(node: SimNode, traced = false): number {
    const count = node.idleTicksOwed;
    node.idleTicksOwed = 0;
    const input: StepInput = count === 1 ? TICK : { type: 'Tick', count };
    const output = (node.life as ProtocolNode).handle(input);
    if (this.observe !== undefined) this.observe(node.id, input, output);
    if (!isQuiet(output) || !sameView(output.view, node.view)) {
      throw new InternalInvariantError(`${node.id}: ${count} owed idle ticks did more than count (ticksUntilNextTimer promised they would not): output ${JSON.stringify({ ...output, view: undefined })}, view ${JSON.stringify(node.view)} -> ${JSON.stringify(output.view)}`);
    }
    this.coverage.add('ticks', count);
    if (traced && this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Step', node: node.id, input: 'Tick', count, actions: NONE, state: traceView(output.view) });
    return count;
  }

  /** After a violation ended the run: brings the node's counters up to date, untraced; the verdict stands. */
  private payIdleTicksAfterViolation(node: SimNode): void {
    try {
      this.payIdleTicks(node);
    } catch {
      // The run already failed; the verdict stands as recorded.
    }
  }

  private onDeliver(message: Message): void {
    const node = this.nodes[this.nodeIds.indexOf(message.to)];
    if (node.up && this.nowMs < node.pausedUntilMs) {
      // A paused process still has the message in its socket buffer: it handles it on resume.
      this.queue.push(node.pausedUntilMs, { kind: 'Deliver', message });
      return;
    }
    this.network.delivered(message);
    if (node.up) this.stepNode(node, { type: 'Receive', message });
  }

  private onSync(index: number, seq: number, epoch: number): void {
    const node = this.nodes[index];
    if (!node.up || node.epoch !== epoch) return;
    if (this.nowMs < node.pausedUntilMs) {
      this.queue.push(node.pausedUntilMs, { kind: 'Sync', node: index, seq, epoch });
      return;
    }
    node.disk.sync(seq);
    if (!this.bug?.ackBeforeSync) this.stepNode(node, { type: 'PersistAck', seq });
  }

  /** Steps one node through the protocol and carries out everything its output asks for. */
  stepNode(node: SimNode, input: StepInput): void {
    const idleTicks = node.idleTicksOwed > 0 ? this.payIdleTicks(node) : 0;
    const before = node.view;
    const output = (node.life as ProtocolNode).handle(input);
    if (this.observe !== undefined) this.observe(node.id, input, output);
    this.absorb(node, input, before, output, idleTicks);
    countInput(this.coverage, input, before, output, this.leaseReads && this.config.nodes > 1);
    if (input.type === 'Tick' && input.count !== undefined) this.coverage.add('ticks', input.count - 1);
  }

  private absorb(node: SimNode, input: StepInput, before: NodeView, output: NodeOutput, idleTicks: number): void {
    const after = output.view;
    node.view = after;
    if (this.trace.enabled) {
      this.trace.event(this.nowMs, {
        ev: 'Step', node: node.id, input: input.type, ...(input.type === 'Tick' && input.count !== undefined ? { count: input.count } : {}),
        ...(idleTicks > 0 ? { idleTicks } : {}), actions: (output.actions ?? NONE) as readonly ActionName[],
        ...(input.type === 'Receive' ? { msg: traceMessage(input.message) } : {}),
        ...(input.type === 'ProposeConfChange' ? { changes: input.changes, ...(input.leaveJoint !== undefined ? { leaveJoint: input.leaveJoint } : {}) } : {}),
        state: traceView(after),
      });
    }
    // The disk folds the records first: the checker reads the log they wrote. A record the disk
    // refuses is reported after the checker has judged the step, which may name the cause.
    const persist = output.persist;
    let refused: unknown = null;
    try {
      for (let k = 0; k < persist.length; k++) node.disk.write(persist[k] as CorePersistRecord);
    } catch (e) {
      refused = e;
    }
    this.checker.afterStep(node.id, input, before, after, output, node.disk.writtenLog);
    if (refused !== null) throw refused;
    if (after.role === 'Leader' && after.commitIndex > before.commitIndex) {
      const entryTerm = node.disk.writtenLog.termAt(after.commitIndex);
      if (entryTerm !== undefined) this.commitProtection.afterLeaderCommit(node.id, after.term, after.commitIndex, entryTerm, after.config?.voters ?? this.initialVoters);
    }
    this.liveness.afterStep(before, after);
    this.count(node, input, before, after, output);
    // Indexed loops throughout: empty lists are often a shared frozen array, and V8 does not
    // inline for-of over frozen arrays (an iterator and a result object per element).
    const errors = output.errors;
    for (let k = 0; k < errors.length; k++) {
      const e = errors[k];
      if (e.type === 'InvalidMessage') throw new SafetyViolation('CoreRejectedOwnMessage', `${node.id} rejected a message its own implementation produced: ${e.reason}`, node.id);
    }
    for (let k = 0; k < persist.length && node.up; k++) this.persisted(node, persist[k]);
    if (!node.up) return; // It crashed during that write: nothing else of this step happened.
    if ((this.isolateNextLeaders > 0 || this.nextLeaderLosesVoter) && after.role === 'Leader' && (before.role !== 'Leader' || before.term !== after.term)) {
      if (this.isolateNextLeaders > 0) this.isolateFreshLeader(node);
      if (this.nextLeaderLosesVoter) this.cutFreshLeaderFromVoter(node);
    }
    const messages = output.messages;
    for (let k = 0; k < messages.length; k++) this.send(messages[k]);
    if (output.restore) {
      node.kv = KvStateMachine.restore(output.restore.data);
      node.appliedIndex = output.restore.index;
    }
    const apply = output.apply;
    for (let k = 0; k < apply.length; k++) {
      const applied = node.kv.apply(apply[k]);
      if (applied) this.workload.onApplied(node.id, this.nowMs, applied);
    }
    if (apply.length > 0) {
      node.appliedIndex = apply[apply.length - 1].index;
      if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Apply', node: node.id, from: apply[0].index, to: apply[apply.length - 1].index });
    }
    const reads = output.reads;
    for (let k = 0; k < reads.length; k++) this.workload.onRead(node.id, this.nowMs, reads[k].requestId, (key) => node.kv.read(key));
    for (let k = 0; k < errors.length; k++) this.workload.onError(node.id, this.nowMs, errors[k]);
    if (apply.length > 0) this.maybeSnapshot(node);
  }

  private count(node: SimNode, input: StepInput, before: NodeView, after: NodeView, output: NodeOutput): void {
    const c = this.coverage;
    if (after.role === 'Leader' && (before.role !== 'Leader' || before.term !== after.term)) {
      c.add('leaderChanges');
      if (this.opsForNextLeader.length > 0 && after.term > this.deferredAtTerm) this.askNewLeader();
    }
    const transfers = node.snapshotsInFlight;
    // Only a non-empty map is cleared: Map.clear allocates a new table even for an empty map, and
    // this runs on every step of every node that is not leading.
    if (after.role !== 'Leader' || after.term !== before.term) {
      if (transfers.size > 0) transfers.clear();
    } else if (input.type === 'Receive' && input.message.type === 'InstallSnapshotResponse' && input.message.installed) {
      if ((transfers.get(input.message.from) ?? Infinity) <= input.message.lastIncludedIndex) transfers.delete(input.message.from);
    }
    if (output.restore) c.add('snapshotInstalls');
    const actions = output.actions ?? NONE;
    for (let k = 0; k < actions.length; k++) {
      const a = actions[k];
      if (a === 'TruncateLog') c.add('truncations');
      else if (a === 'CheckQuorumStepDown') c.add('checkQuorumStepDowns');
      else if (a === 'CompactLog') {
        c.add('compactions');
        if (compactsDuringTransfer(transfers, after)) c.add('compactionsDuringTransfer');
      }
    }
    const messages = output.messages;
    for (let k = 0; k < messages.length; k++) {
      const m = messages[k];
      if (m.type === 'PreVoteResponse' && !m.granted) c.add('preVoteRejections');
      else if (m.type === 'InstallSnapshotRequest' && after.role === 'Leader') transfers.set(m.to, m.lastIncludedIndex);
    }
  }

  /** A record the disk has taken: a crash waiting for a write strikes now; else it is traced and its fsync scheduled. */
  private persisted(node: SimNode, record: PersistRecord): void {
    if (node.crashOnNextWrite) {
      this.crash(node);
      return;
    }
    if (this.trace.enabled) {
      this.trace.event(this.nowMs, {
        ev: 'Persist', node: node.id, seq: record.seq,
        ...(record.term !== undefined ? { term: record.term } : {}),
        ...(record.votedFor !== undefined ? { votedFor: record.votedFor } : {}),
        ...(record.truncateFrom !== undefined ? { truncateFrom: record.truncateFrom } : {}),
        ...(record.entries ? { appendFrom: record.appendFrom, entryTerms: record.entries.map(traceEntry) } : {}),
        ...(record.snapshot ? { snapshotIndex: record.snapshot.index, snapshotTerm: record.snapshot.term } : {}),
      });
    }
    if (this.bug?.ackBeforeSync) {
      // The planted bug: tell the node the write is durable before the disk has it.
      const at = this.nowMs + this.storageRng.between(this.config.fsyncMinMs, this.config.fsyncMaxMs);
      node.lastSyncAtMs = Math.max(at, node.lastSyncAtMs);
      this.queue.push(node.lastSyncAtMs, { kind: 'Sync', node: node.index, seq: record.seq, epoch: node.epoch });
      this.stepNode(node, { type: 'PersistAck', seq: record.seq });
      return;
    }
    // Writes complete in order: a later fsync never finishes before an earlier one.
    const at = this.nowMs + this.storageRng.between(this.config.fsyncMinMs, this.config.fsyncMaxMs);
    node.lastSyncAtMs = Math.max(at, node.lastSyncAtMs);
    this.queue.push(node.lastSyncAtMs, { kind: 'Sync', node: node.index, seq: record.seq, epoch: node.epoch });
  }

  private send(message: Message): void {
    // The network writes the copies' arrival times into one list kept for every send (no outcome
    // object, list and delivery records per message); nothing below sends again while it is read.
    const arrivals = this.arrivals;
    const verdict = this.network.sendInto(message, this.nowMs, arrivals);
    const dropped = verdict === 'sent' || verdict === 'held' ? null : verdict;
    if (this.trace.enabled) {
      const msg = traceMessage(message);
      if (dropped !== null) this.trace.event(this.nowMs, { ev: 'Drop', reason: dropped, msg });
      else this.trace.event(this.nowMs, { ev: 'Send', msg });
    }
    if (dropped !== null) {
      this.coverage.add('drops');
      return;
    }
    if (verdict === 'held') return; // A scripted filter keeps it (no copy is scheduled); `arrivals` is not this message's.
    for (let k = 0; k < arrivals.length; k++) {
      if (k > 0) {
        // Every copy after the first is an extra one.
        this.coverage.add('duplicates');
        if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Duplicate', msg: traceMessage(message) });
      }
      this.queue.push(arrivals[k], { kind: 'Deliver', message });
    }
  }

  /** Node k of n snapshots after snapshotEveryEntries × (1 + k × (spread − 1) / (n − 1)) applied entries (workload.snapshotSpread). */
  private snapshotIntervalOf(node: SimNode): number {
    const every = this.config.snapshotEveryEntries;
    const spread = this.config.workload.snapshotSpread ?? 1;
    const n = this.nodes.length;
    if (spread === 1 || n === 1) return every;
    return Math.round(every * (1 + (node.index * (spread - 1)) / (n - 1)));
  }

  /** The application snapshots its state machine, when the node takes Snapshot inputs (capability snapshots). */
  private maybeSnapshot(node: SimNode): void {
    if (node.appliedIndex - node.view.snapshotIndex < this.snapshotIntervalOf(node) || !node.capabilities.has('snapshots')) return;
    this.stepNode(node, { type: 'Snapshot', index: node.appliedIndex, data: node.kv.snapshot() });
  }

  // -------------------------------------------------------------------------------------------
  // Faults
  // -------------------------------------------------------------------------------------------

  private onFault(fault: TimedFault, fromPlan: boolean): void {
    this.applyFaultNow(fault, fromPlan);
    this.liveness.afterFault(fault);
  }

  private applyFaultNow(fault: TimedFault, fromPlan: boolean): void {
    if (fault.kind === 'membership') return fault.atNextLeader ? this.deferToNextLeader(fault.op) : this.applyMembershipOp(fault.op);
    // An isolateLeader with `next` arms one more cut of a newly elected leader; any other network
    // fault cancels those not yet used.
    if (fault.kind === 'isolateLeader' && fault.next === true) {
      this.isolateNextLeaders++;
      if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Fault', fault });
      return;
    }
    if (fault.kind === 'partition' || fault.kind === 'heal' || fault.kind === 'isolateLeader') this.isolateNextLeaders = 0;
    if (fault.kind === 'partition' || fault.kind === 'heal' || fault.kind === 'isolateLeader' || fault.kind === 'leaderSplit') this.nextLeaderLosesVoter = false;
    if (fault.kind === 'leaderSplit') return this.applyLeaderSplit(fault.side);
    // An isolateLeader names no node in the plan: who leads is resolved now, and traced.
    const leader = fault.kind === 'isolateLeader' ? this.currentLeader() : null;
    if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Fault', fault: fault.kind === 'isolateLeader' ? { ...fault, leader } : fault });
    if (applyNetworkFault(this.network, fault, leader)) {
      if (fault.kind === 'partition') this.coverage.add('partitions');
      else if (fault.kind === 'clog') this.coverage.add('clogs');
      else if (leader !== null) this.coverage.add('leaderIsolations');
      return;
    }
    switch (fault.kind) {
      case 'crash':
        return fromPlan ? this.crashSoon(this.node(fault.node)) : this.crash(this.node(fault.node));
      case 'restart': {
        const node = this.node(fault.node);
        // A crash still waiting for a write happens now, so the plan's restart follows it.
        if (node.crashOnNextWrite) this.crash(node);
        return this.restart(node);
      }
      case 'pause': {
        const node = this.node(fault.node);
        if (!node.up) return;
        node.pausedUntilMs = Math.max(node.pausedUntilMs, this.nowMs + fault.durationMs);
        this.coverage.add('pauses');
        this.queue.push(node.pausedUntilMs, { kind: 'Resume', node: node.index, epoch: node.epoch });
        return;
      }
      case 'diskStall': {
        // Every fsync issued from now until the stall ends completes no earlier than its end; syncs
        // complete in order, so the node's last sync time carries it (sim/faults/disk-stalls.ts).
        const node = this.node(fault.node);
        if (!node.up) return;
        node.lastSyncAtMs = stalledSyncAtMs(node.lastSyncAtMs, this.nowMs + fault.durationMs);
        this.coverage.add('diskStalls');
        return;
      }
      case 'clockDrift':
        this.node(fault.node).driftPpm = fault.ratePpm;
        if (fault.ratePpm !== 0) this.coverage.add('clockDrifts');
        return;
      case 'clockStep': {
        const node = this.node(fault.node);
        this.coverage.add('clockSteps');
        if (!node.up) return;
        if (fault.deltaMs < 0) {
          node.clockHeldUntilMs = this.nowMs - fault.deltaMs;
          return;
        }
        // A forward jump: the node sees the ticks it "missed" all at once.
        const ticks = Math.min(100, Math.floor(fault.deltaMs / this.config.tickMs));
        for (let t = 0; t < ticks && node.up; t++) this.stepNode(node, { type: 'Tick' });
        return;
      }
      default:
        return;
    }
  }

  /**
   * The operator's membership change: resolved against the configuration in effect at the leader of
   * the highest term (its view's `config`, absent while the initial one is), drawn from its own
   * stream so that runs without it draw nothing new, and traced with what it resolved to.
   */
  /**
   * A change for the next leader (`atNextLeader`): held until a node leads a term above the one led
   * now, then asked of it in the same instant, before it can have committed an entry of its term.
   */
  private deferToNextLeader(op: MembershipOp): void {
    const leaderId = this.currentLeader();
    if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Fault', fault: { kind: 'membership', op, atNextLeader: true, deferred: true, leader: leaderId } });
    if (this.opsForNextLeader.length === 0) this.deferredAtTerm = leaderId === null ? 0 : this.node(leaderId).view.term;
    this.opsForNextLeader.push(op);
  }

  /** Runs once the stepping node's outputs are handled: the ops go to the leader of the highest term then. */
  private askNewLeader(): void {
    const ops = this.opsForNextLeader;
    this.opsForNextLeader = [];
    this.queue.push(this.nowMs, { kind: 'Script', action: () => {
      this.coverage.add('confChangesAtNewLeader', ops.length);
      for (const op of ops) this.applyMembershipOp(op);
    } });
  }

  private applyMembershipOp(op: MembershipOp): void {
    const leaderId = this.currentLeader();
    const leader = leaderId === null ? null : this.node(leaderId);
    const usable = leader !== null && this.nowMs >= leader.pausedUntilMs && leader.capabilities.has('membership');
    const config = leader?.view.config ?? { voters: this.initialVoters };
    this.membershipRng ??= this.streams.stream('membership');
    const change = usable ? resolveMembershipOp(op, config, this.nodeIds, this.membershipRng) : null;
    if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Fault', fault: { kind: 'membership', op, leader: leaderId, changes: change?.changes ?? null } });
    if (leader === null || change === null) return;
    const before = leader.view.configIndex ?? 0;
    this.stepNode(leader, { type: 'ProposeConfChange', requestId: `m${++this.membershipOps}`, changes: change.changes });
    if ((leader.view.configIndex ?? 0) > before) this.countConfChange(change.changes, leader.id);
  }

  /** Coverage of an accepted change, by kind: a sweep shows which membership paths it exercised. */
  private countConfChange(changes: readonly ConfChange[], leaderId: NodeId): void {
    this.coverage.add('confChanges');
    if (changes.length > 1) this.coverage.add('jointChanges');
    for (const c of changes) {
      if (c.kind === 'AddLearner') this.coverage.add('learnersAdded');
      else if (c.kind === 'AddVoter') this.coverage.add('votersAdded');
      else {
        this.coverage.add('removals');
        if (c.node === leaderId) this.coverage.add('leaderRemovals');
      }
    }
  }

  /** leaderSplit (sim/faults/leader-split.ts): the groups are resolved now, from the nodes' views, and traced. */
  private applyLeaderSplit(side: LeaderSplitSide): void {
    if (side === 'nextLosesVoter') {
      this.nextLeaderLosesVoter = true;
      if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Fault', fault: { kind: 'leaderSplit', side } });
      return;
    }
    const leaderId = this.currentLeader();
    const leader = leaderId === null ? null : this.node(leaderId);
    const groups = leader === null ? null : leaderSplitGroups(side, leader.id, leader.view.term, leader.view.config ?? { voters: this.initialVoters }, this.nodes.map((n) => ({ id: n.id, lastTerm: n.view.lastTerm })));
    if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Fault', fault: { kind: 'leaderSplit', side, leader: leaderId, ...(groups ? { a: groups.a, b: groups.b } : {}) } });
    this.network.heal();
    this.isolateNextLeaders = 0;
    if (groups === null || groups.b.length === 0) return;
    this.network.partitionSymmetric(groups.a, groups.b);
    this.coverage.add('leaderSplits');
  }

  /** leaderSplit `nextLosesVoter`: `node`, elected now, loses its links to one of its voters before its first messages leave. */
  private cutFreshLeaderFromVoter(node: SimNode): void {
    this.nextLeaderLosesVoter = false;
    this.leaderSplitRng ??= this.streams.stream('leaderSplit');
    const lost = voterToLose(node.id, node.view.config ?? { voters: this.initialVoters }, this.leaderSplitRng);
    if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Fault', fault: { kind: 'leaderSplit', side: 'nextLosesVoter', leader: node.id, lost } });
    if (lost === null) return;
    this.network.partitionSymmetric([node.id], [lost]);
    this.coverage.add('leaderSplits');
  }

  /** isolateLeader with `next` (sim/faults/fresh-leader.ts): cut `node` off as it is elected, before its first messages leave. */
  private isolateFreshLeader(node: SimNode): void {
    this.isolateNextLeaders--;
    const fault: TimedFault = { atMs: this.nowMs, kind: 'isolateLeader' };
    if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Fault', fault: { ...fault, next: true, leader: node.id } });
    applyNetworkFault(this.network, fault, node.id);
    this.coverage.add('leaderIsolations');
  }

  private node(id: NodeId): SimNode {
    const index = this.nodeIds.indexOf(id);
    if (index < 0) throw new Error(`fault names unknown node ${id}`);
    return this.nodes[index];
  }

  /** Runs `action` at virtual time `atMs`: the hook scripted scenarios are built on. */
  at(atMs: number, action: (sim: Simulation) => void): void {
    this.queue.push(atMs, { kind: 'Script', action });
  }

  /** Applies a scripted fault now. A scripted crash is immediate, never deferred to a write. */
  applyFault(fault: TimedFault): void {
    this.onFault(fault, false);
  }

  nodeById(id: NodeId): SimNode {
    return this.node(id);
  }

  /** The running node that leads the highest term, or null (an isolated old leader may still think it leads). */
  /**
   * The members of the configuration in effect at the leader of the highest term (the last one seen
   * while there is none), in nodeIds order: the list an operator's status page shows and clients
   * sync their endpoints from. Recomputed only when that configuration changes.
   */
  members(): readonly NodeId[] {
    const leaderId = this.currentLeader();
    const config = leaderId === null ? this.membersOf.config : this.node(leaderId).view.config;
    if (config !== this.membersOf.config) {
      const inConfig = config === undefined ? new Set(this.initialVoters) : new Set([...config.voters, ...(config.votersOutgoing ?? []), ...(config.learners ?? [])]);
      this.membersOf = { config, members: this.nodeIds.filter((id) => inConfig.has(id)) };
    }
    return this.membersOf.members;
  }

  currentLeader(): NodeId | null {
    let best: SimNode | null = null;
    for (const n of this.nodes) if (n.up && n.view.role === 'Leader' && (best === null || n.view.term > best.view.term)) best = n;
    return best === null ? null : best.id;
  }

  /**
   * Half the crashes strike during a write (the next one this node issues, within a short
   * window), so that unsynced writes are really at risk; a crash at a random instant would
   * almost never find one in flight.
   */
  private crashSoon(node: SimNode): void {
    if (!node.up) return;
    const deadlineMs = Math.min(this.nowMs + CRASH_DURING_WRITE_WINDOW_MS, this.faultPlan.quietAfterMs - 1);
    if (deadlineMs <= this.nowMs || !this.storageRng.chance(0.5)) {
      this.crash(node);
      return;
    }
    node.crashOnNextWrite = true;
    const epoch = node.epoch;
    this.queue.push(deadlineMs, {
      kind: 'Internal',
      run: () => {
        if (node.epoch === epoch && node.crashOnNextWrite) this.crash(node);
      },
    });
  }

  private crash(node: SimNode): void {
    if (!node.up) return;
    node.life?.kill();
    node.snapshotsInFlight.clear();
    node.up = false;
    node.crashOnNextWrite = false;
    // They would only have counted, in a life that is gone; coverage still counts them as ticks.
    if (node.idleTicksOwed > 0) this.coverage.add('ticks', node.idleTicksOwed);
    node.idleTicksOwed = 0;
    node.epoch++;
    node.pausedUntilMs = 0;
    this.network.setUp(node.id, false);
    const report = node.disk.crash(this.storageRng);
    this.coverage.add('crashes');
    const lost = report.unsyncedRecords - report.survivedRecords;
    if (lost > 0 || report.torn) this.coverage.add('lostUnsyncedWrites');
    if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Crash', node: node.id, lostRecords: lost, torn: report.torn });
    this.liveness.afterUpOrDown();
  }

  private restart(node: SimNode): void {
    if (node.up) return;
    // The durable state goes back through the protocol's Restart input, to a new life of the node.
    const durable: DurableState = node.disk.durableState();
    const life = this.implementation.newLife(node.id);
    node.life = life;
    const out = life.start({ type: 'Restart', ...this.startFields[node.index], durable, lastSeq: node.disk.lastSeq });
    node.view = out.view;
    node.capabilities = new Set(out.hello?.capabilities ?? []);
    node.kv = durable.snapshot ? KvStateMachine.restore(durable.snapshot.data) : new KvStateMachine();
    node.appliedIndex = durable.snapshot?.index ?? 0;
    node.up = true;
    node.epoch++;
    node.clockHeldUntilMs = 0;
    node.lastSyncAtMs = this.nowMs;
    this.network.setUp(node.id, true);
    this.coverage.add('restarts');
    if (this.trace.enabled) this.trace.event(this.nowMs, { ev: 'Restart', node: node.id, state: traceView(node.view) });
    this.checker.afterRestart(node.id, node.view, durable);
    this.liveness.afterUpOrDown();
    this.scheduleTick(node, this.nowMs + this.tickIntervalMs(node));
  }

  private onResume(index: number, epoch: number): void {
    const node = this.nodes[index];
    if (!node.up || node.epoch !== epoch || this.nowMs < node.pausedUntilMs) return;
    // A pause shorter than a tick interval never broke the chain: starting another would make
    // this node's clock run at double speed for the rest of the run.
    if (!node.tickChainBroken) return;
    node.tickChainBroken = false;
    this.scheduleTick(node, this.nowMs);
  }
}

const UNCAUGHT_FRAMES = 5;

/**
 * An exception nobody expected, as the run's violation: its name and message, and the first frames
 * of its stack. `eventIndex` is -1 when the run had no trace (a traced re-run points at the event).
 */
export function uncaughtViolation(e: unknown, atMs: number, eventIndex: number): Violation {
  const error = e instanceof Error ? e : new Error(String(e));
  const frames = (error.stack ?? '').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('at ')).slice(0, UNCAUGHT_FRAMES);
  return { property: 'UncaughtException', detail: `${error.name}: ${error.message}`, node: null, atMs, eventIndex, frames };
}

/**
 * A leader compacted past a snapshot it is still streaming to a follower: the transfer outlives a
 * compaction, the case that once made a lagging follower restart its transfer for ever. Judged from
 * the leader's messages and view, as for any implementation.
 */
function compactsDuringTransfer(transfers: ReadonlyMap<NodeId, number>, after: NodeView): boolean {
  for (const index of transfers.values()) if (index < after.snapshotIndex) return true;
  return false;
}
