// Core as one implementation of the node protocol, in process: protocol inputs become core
// inputs, core's Output and RaftState become a protocol output and view. Nothing else in raftbed
// needs to read RaftState once drivers go through this.
//
// Message mapping: the protocol's canonical fields keep core's names; core's private fields
// (cluster id, heartbeat round, backtracking hints, snapshot config and byte counts) travel in
// `ext`, and ReadIndex requests and responses, which the canonical set lacks, are Extension
// messages. The mapping round-trips exactly: a core message sent and received arrives as it left.

import {
  ConfigError, initialState, ticksUntilNextTimer as coreTicksUntilNextTimer, lastIndex, lastTerm, makeConfig, restartState, step as coreStep,
  type DurableState as CoreDurableState, type Input as CoreInput, type Message as CoreMessage, type Output as CoreOutput,
  type RaftConfig, type RaftState, type StepResult,
} from '../core';
import {
  PROTOCOL_VERSION,
  type Capability, type DurableState, type Hello, type Message, type NodeOutput, type NodeView, type ProtocolNode, type StartInput, type StepInput,
} from './types';

export const CORE_IMPLEMENTATION = 'raftbed-core';
export const CORE_CAPABILITIES: readonly Capability[] = ['preVote', 'checkQuorum', 'snapshots', 'transferLeadership', 'actions', 'membership'];
const HELLO: Hello = Object.freeze({ protocol: PROTOCOL_VERSION, implementation: CORE_IMPLEMENTATION, capabilities: CORE_CAPABILITIES });

/** Init.impl keys core understands: the RaftConfig fields the protocol's options do not cover. */
const IMPL_KEYS = new Set<string>([
  'clusterId', 'leaseRead', 'leaseClockDriftBoundTicks', 'maxEntriesPerAppend', 'maxBytesPerAppend', 'maxInflightAppends',
  'maxInflightBytes', 'maxUncommittedBytes', 'snapshotChunkBytes',
]);

export const DEFAULT_CLUSTER_ID = 'raftbed';

/** Core cannot start from this input (unknown version, bad options): the stdio server writes it as a fatal line. */
export class CoreNodeFatal extends Error {
  override readonly name = 'CoreNodeFatal';
}

export type CoreStepFn = (state: RaftState, input: CoreInput) => StepResult | readonly StepResult[];

export interface CoreNodeOptions {
  /** Core's step, or a wrapper around it (sim's planted bugs). Several results are merged into one output. */
  readonly step?: CoreStepFn;
  /** Edits the durable state a Restart hands to core (sim's planted restart bugs). */
  readonly restart?: (durable: CoreDurableState) => CoreDurableState;
}

const NONE: readonly never[] = Object.freeze([]);

/** The RaftConfig a protocol start input describes. Throws CoreNodeFatal on what core cannot honour. */
export function coreConfigFor(input: StartInput): RaftConfig {
  if (input.protocol !== PROTOCOL_VERSION) throw new CoreNodeFatal(`protocol version ${input.protocol} is not supported (this node speaks ${PROTOCOL_VERSION})`);
  const impl = (input.impl ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(impl)) if (!IMPL_KEYS.has(key)) throw new CoreNodeFatal(`unknown impl option ${JSON.stringify(key)}`);
  try {
    return makeConfig({
      ...(impl as Partial<RaftConfig>),
      clusterId: typeof impl.clusterId === 'string' ? impl.clusterId : DEFAULT_CLUSTER_ID,
      id: input.id,
      cluster: { voters: input.voters },
      seed: input.seed,
      electionTimeoutTicks: input.options.electionTimeoutTicks,
      heartbeatIntervalTicks: input.options.heartbeatIntervalTicks,
      preVote: input.options.preVote,
      checkQuorum: input.options.checkQuorum,
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new CoreNodeFatal(e.message);
    throw e;
  }
}

function coreDurable(d: DurableState, config: RaftConfig): CoreDurableState {
  const s = d.snapshot;
  return { term: d.term, votedFor: d.votedFor, snapshot: s === null ? null : { index: s.index, term: s.term, data: s.data, config: s.config ?? config.cluster }, entries: d.entries };
}

export function viewOf(s: RaftState): NodeView {
  // One object, fields added in the order the spreads used to give them (views are compared and
  // written by key order): this runs after every step that changed something, and the spread
  // copies were most of its cost.
  const view: { -readonly [K in keyof NodeView]: NodeView[K] } = {
    term: s.term, role: s.role, votedFor: s.votedFor, commitIndex: s.commitIndex, leader: s.leaderId,
    lastIndex: lastIndex(s.log), lastTerm: lastTerm(s.log), snapshotIndex: s.log.snapshotIndex,
  };
  // Absent config means the initial one (Init's voters): a cluster that never changed membership
  // sends exactly the views it sent before capability `membership` existed.
  if (s.configIndex !== 0) {
    view.config = s.cluster;
    view.configIndex = s.configIndex;
  }
  if (s.incomingSnapshot !== null) view.incomingSnapshotBytes = s.incomingSnapshot.data.length;
  return view;
}

/** A core message in the protocol's canonical form (core's private fields in ext). */
export function toProtocolMessage(m: CoreMessage): Message {
  switch (m.type) {
    case 'RequestVoteRequest':
      return { type: m.type, from: m.from, to: m.to, term: m.term, lastLogIndex: m.lastLogIndex, lastLogTerm: m.lastLogTerm, transfer: m.transfer };
    case 'RequestVoteResponse':
    case 'PreVoteResponse':
      return { type: m.type, from: m.from, to: m.to, term: m.term, granted: m.granted };
    case 'PreVoteRequest':
      return { type: m.type, from: m.from, to: m.to, term: m.term, lastLogIndex: m.lastLogIndex, lastLogTerm: m.lastLogTerm };
    case 'AppendEntriesRequest':
      return {
        type: m.type, from: m.from, to: m.to, term: m.term, prevLogIndex: m.prevLogIndex, prevLogTerm: m.prevLogTerm, entries: m.entries, leaderCommit: m.leaderCommit,
        ext: { round: m.round },
      };
    case 'AppendEntriesResponse':
      return {
        type: m.type, from: m.from, to: m.to, term: m.term, success: m.success, matchIndex: m.matchIndex,
        ext: { conflictIndex: m.conflictIndex, conflictTerm: m.conflictTerm, prevLogIndex: m.prevLogIndex, round: m.round },
      };
    case 'InstallSnapshotRequest':
      return {
        type: m.type, from: m.from, to: m.to, term: m.term, lastIncludedIndex: m.lastIncludedIndex, lastIncludedTerm: m.lastIncludedTerm, offset: m.offset, data: m.data, done: m.done,
        ext: { lastIncludedConfig: m.lastIncludedConfig, round: m.round },
      };
    case 'InstallSnapshotResponse':
      return {
        type: m.type, from: m.from, to: m.to, term: m.term, lastIncludedIndex: m.lastIncludedIndex, installed: m.installed,
        ext: { bytesReceived: m.bytesReceived, round: m.round },
      };
    case 'TimeoutNowRequest':
      return { type: m.type, from: m.from, to: m.to, term: m.term };
    case 'ReadIndexRequest':
      return { type: 'Extension', name: m.type, from: m.from, to: m.to, term: m.term, ext: { requestId: m.requestId } };
    case 'ReadIndexResponse':
      return { type: 'Extension', name: m.type, from: m.from, to: m.to, term: m.term, ext: { requestId: m.requestId, readIndex: m.readIndex } };
  }
}

const NO_EXT: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A protocol message as core reads it. Core validates what it receives (core/validate.ts), so this
 * only puts fields where core looks; a message without core's private fields (sent by another
 * implementation) is refused by core with InvalidMessage. One literal per type, no spreads: this
 * runs for every message delivered, and spreading was the most expensive line of a step.
 */
export function toCoreMessage(m: Message, cluster: string): unknown {
  const x = (m.ext ?? NO_EXT) as Record<string, unknown>;
  const { from, to, term } = m;
  switch (m.type) {
    case 'RequestVoteRequest':
      return { type: m.type, cluster, from, to, term, lastLogIndex: m.lastLogIndex, lastLogTerm: m.lastLogTerm, transfer: m.transfer };
    case 'RequestVoteResponse':
    case 'PreVoteResponse':
      return { type: m.type, cluster, from, to, term, granted: m.granted };
    case 'PreVoteRequest':
      return { type: m.type, cluster, from, to, term, lastLogIndex: m.lastLogIndex, lastLogTerm: m.lastLogTerm };
    case 'AppendEntriesRequest':
      return { type: m.type, cluster, from, to, term, prevLogIndex: m.prevLogIndex, prevLogTerm: m.prevLogTerm, entries: m.entries, leaderCommit: m.leaderCommit, round: x.round };
    case 'AppendEntriesResponse':
      return {
        type: m.type, cluster, from, to, term, success: m.success, matchIndex: m.matchIndex,
        conflictIndex: x.conflictIndex, conflictTerm: x.conflictTerm, prevLogIndex: x.prevLogIndex, round: x.round,
      };
    case 'InstallSnapshotRequest':
      return {
        type: m.type, cluster, from, to, term, lastIncludedIndex: m.lastIncludedIndex, lastIncludedTerm: m.lastIncludedTerm,
        lastIncludedConfig: x.lastIncludedConfig, offset: m.offset, data: m.data, done: m.done, round: x.round,
      };
    case 'InstallSnapshotResponse':
      return { type: m.type, cluster, from, to, term, lastIncludedIndex: m.lastIncludedIndex, bytesReceived: x.bytesReceived, installed: m.installed, round: x.round };
    case 'TimeoutNowRequest':
      return { type: m.type, cluster, from, to, term };
    case 'Extension':
      return { type: m.name, cluster, from, to, term, requestId: x.requestId, readIndex: x.readIndex };
  }
}

function toCoreInput(input: StepInput, clusterId: string): CoreInput {
  if (input.type === 'Receive') return { type: 'Receive', message: toCoreMessage(input.message, clusterId) as CoreMessage };
  return input as CoreInput;
}

function mapMessages(list: readonly CoreMessage[]): readonly Message[] {
  if (list.length === 0) return NONE;
  const out: Message[] = new Array(list.length);
  for (let k = 0; k < list.length; k++) out[k] = toProtocolMessage(list[k]);
  return out;
}

/** One core step's output and resulting state as the protocol output of that step. */
export function toOutput(o: CoreOutput, state: RaftState, view: NodeView = viewOf(state)): NodeOutput {
  return {
    messages: mapMessages(o.messages),
    persist: o.persist === null ? NONE : [o.persist],
    restore: o.restore,
    apply: o.apply,
    reads: o.reads,
    proposed: o.proposed,
    // Nearly every step has no error: keep core's shared empty list rather than map it.
    errors: o.errors.length === 0 ? (o.errors as readonly never[]) : o.errors.map(toNodeError),
    actions: o.actions.length === 0 ? undefined : o.actions,
    view,
  };
}

/** Core's errors are the protocol's (ConfChangeRejected under capability `membership`). */
function toNodeError(e: CoreOutput['errors'][number]): NodeOutput['errors'][number] {
  return e;
}

function concat<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  return a.length === 0 ? b : b.length === 0 ? a : [...a, ...b];
}

/** Several core steps for one input (a planted bug's continuation) as one protocol output. */
function merge(results: readonly StepResult[]): NodeOutput {
  let out = toOutput(results[0].output, results[0].state);
  for (let k = 1; k < results.length; k++) {
    const next = toOutput(results[k].output, results[k].state);
    out = {
      messages: concat(out.messages, next.messages), persist: concat(out.persist, next.persist), restore: next.restore ?? out.restore,
      apply: concat(out.apply, next.apply), reads: concat(out.reads, next.reads), proposed: concat(out.proposed, next.proposed),
      errors: concat(out.errors, next.errors), actions: out.actions === undefined ? next.actions : next.actions === undefined ? out.actions : [...out.actions, ...next.actions],
      view: next.view,
    };
  }
  return out;
}

/** Core wrote, sent, applied and answered nothing. */
function isEmpty(o: CoreOutput): boolean {
  return o.messages.length === 0 && o.persist === null && o.restore === null && o.apply.length === 0 && o.reads.length === 0
    && o.proposed.length === 0 && o.errors.length === 0 && o.actions.length === 0;
}

/** Every field viewOf reads is the same object or value in both states. */
function sameView(a: RaftState, b: RaftState): boolean {
  return a.term === b.term && a.role === b.role && a.votedFor === b.votedFor && a.commitIndex === b.commitIndex && a.leaderId === b.leaderId
    && a.log === b.log && a.incomingSnapshot === b.incomingSnapshot && a.cluster === b.cluster && a.configIndex === b.configIndex;
}

export class CoreProtocolNode implements ProtocolNode {
  private current: RaftState | null = null;
  /** The last output, when it was empty: returned again for the next empty step with the same view. */
  private lastEmpty: NodeOutput | null = null;
  /** The view of the last output, for `current`: reused while no field of it changes. */
  private lastView: NodeView | null = null;
  private clusterId = DEFAULT_CLUSTER_ID;
  private readonly step: CoreStepFn;

  constructor(readonly id: string, private readonly options: CoreNodeOptions = {}) {
    this.step = options.step ?? coreStep;
  }

  /** Core's state: for core's own tests and for callers not yet moved to the protocol. */
  get state(): RaftState {
    if (this.current === null) throw new Error(`${this.id} has not started`);
    return this.current;
  }

  ticksUntilNextTimer(): number {
    return coreTicksUntilNextTimer(this.state);
  }

  start(input: StartInput): NodeOutput {
    if (input.id !== this.id) throw new CoreNodeFatal(`started as ${input.id}, but this node is ${this.id}`);
    const config = coreConfigFor(input);
    this.clusterId = config.clusterId;
    this.lastEmpty = null;
    this.lastView = null;
    if (input.type === 'Init') {
      this.current = initialState(config);
    } else {
      let durable = coreDurable(input.durable, config);
      if (this.options.restart) durable = this.options.restart(durable);
      this.current = restartState(config, durable, input.lastSeq);
    }
    this.lastView = viewOf(this.current);
    return { hello: HELLO, messages: NONE, persist: NONE, restore: null, apply: NONE, reads: NONE, proposed: NONE, errors: NONE, actions: undefined, view: this.lastView };
  }

  handle(input: StepInput): NodeOutput {
    const results = this.step(this.state, toCoreInput(input, this.clusterId));
    if (!Array.isArray(results)) {
      const r = results as StepResult;
      const before = this.current as RaftState;
      this.current = r.state;
      // The hot path (most inputs are ticks and acks that change nothing visible): an output with
      // nothing in it and an unchanged view is the previous empty output again, not a new one.
      const o = r.output;
      const unchanged = this.lastView !== null && sameView(before, r.state);
      if (unchanged && this.lastEmpty !== null && isEmpty(o)) return this.lastEmpty;
      // A step that sent or wrote something but changed no field of the view (most appends and
      // acks) hands out the previous view again instead of building an equal one.
      const out = toOutput(o, r.state, unchanged ? (this.lastView as NodeView) : viewOf(r.state));
      this.lastView = out.view;
      this.lastEmpty = isEmpty(o) ? out : null;
      return out;
    }
    this.lastEmpty = null;
    const list = results as readonly StepResult[];
    this.current = list[list.length - 1].state;
    const merged = merge(list);
    this.lastView = merged.view;
    return merged;
  }

  kill(): void {
    this.current = null;
    this.lastView = null;
  }
}
