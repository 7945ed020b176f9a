/**
 * Drives core's step function through the steps of one spec behaviour.
 *
 * Every spec message in flight is paired with a core message: responses and vote requests are the
 * ones core's own steps emitted (and must have emitted: their projections must equal the spec's),
 * AppendEntries requests are built from the sending leader's core state when the spec sends them
 * (when a leader sends what is core's flow control, which this direction does not check). Core's
 * own AppendEntries requests are therefore never delivered: they are flow-control output.
 */
import type { DurableState, Input, Message, NodeId, PersistRecord, RaftConfig } from '../../core/types';
import type { RaftState } from '../../core/state';
import { initialState, restartState } from '../../core/state';
import { makeConfig } from '../../core/config';
import { applyPersistRecord } from '../../core/persist';
import { entriesBetween, termAt } from '../../core/log';
import { step as coreStep, StepResult } from '../../core/step';
import { SpecAction, SpecMessage, SpecScalar, messageKey } from './spec-state';

export type StepFunction = (state: RaftState, input: Input) => StepResult;

export interface HarnessOptions {
  readonly nodes: readonly NodeId[];
  /** Must match the spec's PreVote constant. */
  readonly preVote: boolean;
  /** Seeds each node's election-timeout generator. */
  readonly seed?: number;
  readonly electionTimeoutTicks?: number;
  /** core's step by default; tests plant bugs by wrapping it. */
  readonly step?: StepFunction;
}

/** Something core did that the spec's step did not (or the reverse), before any state comparison. */
export interface StepProblem {
  readonly node?: NodeId;
  readonly field: 'messages' | 'timeout' | 'errors' | 'exception' | 'message';
  readonly spec: unknown;
  readonly core: unknown;
}

export const REPLAY_CLUSTER_ID = 'replay-spec';

/** The spec's view of a core message; null for kinds the spec of this direction does not model. */
export function projectMessage(m: Message): SpecMessage | null {
  const envelope = { mtype: m.type, msource: m.from, mdest: m.to, mterm: m.term };
  switch (m.type) {
    case 'RequestVoteRequest':
      return { ...envelope, mlastLogIndex: m.lastLogIndex, mlastLogTerm: m.lastLogTerm, mtransfer: m.transfer };
    case 'PreVoteRequest':
      return { ...envelope, mlastLogIndex: m.lastLogIndex, mlastLogTerm: m.lastLogTerm };
    case 'RequestVoteResponse':
    case 'PreVoteResponse':
      return { ...envelope, mvoteGranted: m.granted };
    case 'AppendEntriesRequest':
      return {
        ...envelope,
        mprevLogIndex: m.prevLogIndex,
        mprevLogTerm: m.prevLogTerm,
        mentries: m.entries.map((e) => e.term),
        mcommitIndex: m.leaderCommit,
      };
    case 'AppendEntriesResponse':
      return { ...envelope, msuccess: m.success, mmatchIndex: m.matchIndex };
    case 'TimeoutNowRequest':
      return envelope;
    default:
      return null;
  }
}

/** Requests a leader sends on its own schedule; the spec sends its own instead (see the header). */
function isFlowControlRequest(m: Message): boolean {
  return m.type === 'AppendEntriesRequest' || m.type === 'InstallSnapshotRequest';
}

function keyToMessage(key: string): Record<string, SpecScalar> {
  return Object.fromEntries(JSON.parse(key) as [string, SpecScalar][]);
}

export class CoreHarness {
  readonly states = new Map<NodeId, RaftState>();
  private readonly inFlight = new Map<string, Message[]>();
  private readonly stepFn: StepFunction;
  private readonly maxTimeoutTicks: number;
  private proposals = 0;
  private readonly configs = new Map<NodeId, RaftConfig>();
  /** Per node: what its acknowledged persist records wrote, as a restart would read it back. */
  private readonly durable = new Map<NodeId, { state: DurableState; seq: number }>();
  /** Per node: persist records written but not yet acknowledged; a crash loses them. */
  private readonly unacknowledged = new Map<NodeId, PersistRecord[]>();

  constructor(options: HarnessOptions) {
    this.stepFn = options.step ?? coreStep;
    const electionTimeoutTicks = options.electionTimeoutTicks ?? 10;
    // Core draws its timeout from [T, 2T): a node that has not campaigned after 2T ticks never will.
    this.maxTimeoutTicks = 2 * electionTimeoutTicks;
    options.nodes.forEach((id, k) => {
      const config = makeConfig({
        clusterId: REPLAY_CLUSTER_ID,
        id,
        cluster: { voters: [...options.nodes] },
        seed: (options.seed ?? 1) * 100 + k,
        preVote: options.preVote,
        // The spec has no timers: a lease would make core ignore vote requests the spec handles.
        checkQuorum: false,
        leaseRead: false,
        electionTimeoutTicks,
        heartbeatIntervalTicks: 1,
      });
      this.states.set(id, initialState(config));
      this.configs.set(id, config);
      this.durable.set(id, { state: { term: 0, votedFor: null, snapshot: null, entries: [] }, seq: 0 });
      this.unacknowledged.set(id, []);
    });
  }

  /**
   * Feeds core the input(s) for one spec step. `added` are the messages (keys, with copies) the
   * spec's step put in flight. Returns the first problem, or null.
   */
  apply(action: SpecAction, added: ReadonlyMap<string, number>): StepProblem | null {
    switch (action.name) {
      case 'Init':
        return null;
      case 'Timeout':
        return this.timeout(action.node, added);
      case 'Receive': {
        const message = this.take(messageKey(action.msg));
        if (message === null) return { node: action.node, field: 'message', spec: action.msg, core: 'no such message in flight' };
        return this.input(action.node, { type: 'Receive', message }, added);
      }
      case 'PersistAck':
        return this.input(action.node, { type: 'PersistAck', seq: action.seq }, added);
      case 'ClientRequest': {
        const data = Array.from({ length: action.count }, () => `v${++this.proposals}`);
        return this.input(action.node, { type: 'Propose', requestId: `p${this.proposals}`, data }, added);
      }
      case 'Restart':
        return this.restart(action.node);
      case 'TransferLeadership':
        return this.input(action.node, { type: 'TransferLeadership', to: action.to }, added);
      case 'AppendEntries':
        return this.sendAppendEntries(action.node, action.msg);
      case 'Drop':
        return this.take(messageKey(action.msg)) === null
          ? { field: 'message', spec: action.msg, core: 'no such message in flight to drop' }
          : null;
      case 'Duplicate': {
        const copies = this.inFlight.get(messageKey(action.msg));
        if (!copies || copies.length === 0) return { field: 'message', spec: action.msg, core: 'no such message in flight to duplicate' };
        copies.push(copies[0]);
        return null;
      }
    }
  }

  private take(key: string): Message | null {
    const copies = this.inFlight.get(key);
    if (!copies || copies.length === 0) return null;
    const message = copies.shift() as Message;
    if (copies.length === 0) this.inFlight.delete(key);
    return message;
  }

  private put(key: string, message: Message): void {
    const copies = this.inFlight.get(key);
    if (copies) copies.push(message);
    else this.inFlight.set(key, [message]);
  }

  private runStep(id: NodeId, input: Input): { messages: readonly Message[]; actions: readonly string[] } | StepProblem {
    const state = this.states.get(id);
    if (state === undefined) return { node: id, field: 'exception', spec: 'a node of the cluster', core: `no node ${id}` };
    let result: StepResult;
    try {
      result = this.stepFn(state, input);
    } catch (error) {
      return { node: id, field: 'exception', spec: 'a step', core: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
    this.states.set(id, result.state);
    this.trackPersistence(id, input, result.output.persist);
    if (result.output.errors.length > 0) return { node: id, field: 'errors', spec: [], core: result.output.errors };
    return { messages: result.output.messages, actions: result.output.actions };
  }

  private input(id: NodeId, input: Input, added: ReadonlyMap<string, number>): StepProblem | null {
    const ran = this.runStep(id, input);
    if ('field' in ran) return ran;
    return this.pairOutputs(id, ran.messages, added);
  }

  /** Records what core wrote, and makes durable what a PersistAck acknowledged (as a disk would). */
  private trackPersistence(id: NodeId, input: Input, record: PersistRecord | null): void {
    const pending = this.unacknowledged.get(id) as PersistRecord[];
    if (record !== null) pending.push(record);
    if (input.type !== 'PersistAck') return;
    const durable = this.durable.get(id) as { state: DurableState; seq: number };
    let state = durable.state;
    let seq = durable.seq;
    while (pending.length > 0 && pending[0].seq <= input.seq) {
      const r = pending.shift() as PersistRecord;
      state = applyPersistRecord(state, r);
      seq = r.seq;
    }
    this.durable.set(id, { state, seq: Math.max(seq, input.seq) });
  }

  /** A crash that loses every unacknowledged write, then core's restart from the durable image. */
  private restart(id: NodeId): StepProblem | null {
    const config = this.configs.get(id);
    const durable = this.durable.get(id);
    if (config === undefined || durable === undefined) return { node: id, field: 'exception', spec: 'a node of the cluster', core: `no node ${id}` };
    try {
      this.states.set(id, restartState(config, durable.state, durable.seq));
    } catch (error) {
      return { node: id, field: 'exception', spec: 'a restart', core: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
    this.unacknowledged.set(id, []);
    return null;
  }

  /** Ticks until core's election timer fires: the spec's Timeout has no notion of time. */
  private timeout(id: NodeId, added: ReadonlyMap<string, number>): StepProblem | null {
    const messages: Message[] = [];
    for (let tick = 1; tick <= this.maxTimeoutTicks; tick++) {
      const ran = this.runStep(id, { type: 'Tick' });
      if ('field' in ran) return ran;
      messages.push(...ran.messages);
      if (ran.actions.includes('Timeout') || ran.actions.includes('PreVoteTimeout')) return this.pairOutputs(id, messages, added);
    }
    return { node: id, field: 'timeout', spec: 'the election timer fires', core: `no election timeout after ${this.maxTimeoutTicks} ticks` };
  }

  /** Core's outputs of one step must be exactly the spec's new messages, bar flow-control requests. */
  private pairOutputs(id: NodeId, messages: readonly Message[], added: ReadonlyMap<string, number>): StepProblem | null {
    const expected = new Map(added);
    const unexpected: unknown[] = [];
    for (const m of messages) {
      const projected = projectMessage(m);
      const key = projected === null ? null : messageKey(projected);
      if (key !== null && (expected.get(key) ?? 0) > 0) {
        expected.set(key, (expected.get(key) as number) - 1);
        this.put(key, m);
      } else if (!isFlowControlRequest(m)) {
        unexpected.push(projected ?? { mtype: m.type, msource: m.from, mdest: m.to, mterm: m.term });
      }
    }
    const missing: unknown[] = [];
    for (const [key, count] of expected) for (let k = 0; k < count; k++) missing.push(keyToMessage(key));
    if (missing.length === 0 && unexpected.length === 0) return null;
    return { node: id, field: 'messages', spec: missing, core: unexpected };
  }

  /** The spec's leader sends an AppendEntries: build it from the leader's core state, if it could. */
  private sendAppendEntries(id: NodeId, spec: SpecMessage): StepProblem | null {
    const s = this.states.get(id);
    const prev = spec.mprevLogIndex as number;
    const terms = spec.mentries as readonly number[];
    const problem = (why: string): StepProblem => ({ node: id, field: 'message', spec, core: why });
    if (s === undefined) return problem(`no node ${id}`);
    if (s.role !== 'Leader' || s.leader === null || s.term !== spec.mterm) return problem(`${id} is not leader of term ${spec.mterm}`);
    if (termAt(s.log, prev) !== spec.mprevLogTerm) return problem(`${id} has term ${termAt(s.log, prev)} at ${prev}`);
    const entries = terms.length === 0 ? [] : entriesBetween(s.log, prev + 1, prev + terms.length);
    if (entries.length !== terms.length || entries.some((e, k) => e.term !== terms[k])) {
      return problem(`${id}'s entries after ${prev} have terms ${JSON.stringify(entries.map((e) => e.term))}`);
    }
    if ((spec.mcommitIndex as number) > s.commitIndex) return problem(`${id}'s commit index is ${s.commitIndex}`);
    const message: Message = {
      type: 'AppendEntriesRequest', cluster: REPLAY_CLUSTER_ID, from: id, to: spec.mdest, term: s.term,
      prevLogIndex: prev, prevLogTerm: spec.mprevLogTerm as number, entries,
      leaderCommit: spec.mcommitIndex as number, round: s.leader.round,
    };
    this.put(messageKey(spec), message);
    return null;
  }
}
