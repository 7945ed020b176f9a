// The protocol's stateful rules, checked after every output of one node life: what a schema
// cannot say. Any ProtocolNode (core in process, a process over stdio) is wrapped in a
// CheckedNode, so every implementation is held to the same rules, and a break is a typed
// ProtocolViolation naming the node, the input and the field.
//
// Each rule costs O(1) per step plus O(size of what the step emitted): the log is folded from the
// persist records (observed-log.ts), never resent or rescanned.

import { ProtocolViolation, type ExchangeRef } from './errors';
import { ObservedLog, PersistSequenceError } from './observed-log';
import { encodeInput, encodeOutput } from './validate';
import type { Capability, Input, Message, NodeOutput, ProtocolNode, StartInput, StepInput } from './types';

/** A driver broke its side of the protocol (acknowledged a record never issued, ...). */
export class DriverContractError extends Error {
  override readonly name = 'DriverContractError';
}

/** The output line as the node wrote it, when the node has one (process nodes keep it). */
export interface HasOutputLine {
  readonly lastOutputLine: string | null;
}

export class ConformanceMonitor {
  /** The node's log and hard state as written so far (durable or not). */
  readonly log: ObservedLog;
  readonly capabilities: ReadonlySet<Capability>;
  private readonly voters: ReadonlySet<string>;
  private lastSeq: number;
  private ackedSeq: number;
  private appliedIndex: number;
  private commitIndex = 0;
  private term: number;
  private inputNumber = 1;

  /** `start` and its reply: the reply must already have passed the schema check. */
  constructor(readonly id: string, startInput: StartInput, out: NodeOutput, private readonly outputLine: () => string) {
    this.voters = new Set(startInput.voters);
    this.capabilities = new Set(out.hello?.capabilities ?? []);
    const restart = startInput.type === 'Restart' ? startInput : null;
    this.log = new ObservedLog(restart?.durable);
    this.lastSeq = restart?.lastSeq ?? 0;
    this.ackedSeq = this.lastSeq;
    this.appliedIndex = restart?.durable.snapshot?.index ?? 0;
    this.term = this.log.term;
    if (startInput.options.preVote && !this.capabilities.has('preVote')) this.fail(startInput, out, 'hello.capabilities', 'lacks preVote, which Init asked for: the node must refuse with a fatal line instead');
    if (startInput.options.checkQuorum && !this.capabilities.has('checkQuorum')) this.fail(startInput, out, 'hello.capabilities', 'lacks checkQuorum, which Init asked for: the node must refuse with a fatal line instead');
    this.check(startInput, out);
  }

  /** Call before handing `input` to the node: the driver's own obligations. */
  beforeInput(input: StepInput): void {
    if (input.type === 'PersistAck' && !(input.seq > this.ackedSeq && input.seq <= this.lastSeq)) {
      throw new DriverContractError(`${this.id}: PersistAck{seq: ${input.seq}} must be above the last ack (${this.ackedSeq}) and at most the last record issued (${this.lastSeq})`);
    }
    if (input.type === 'Snapshot' && !this.capabilities.has('snapshots')) throw new DriverContractError(`${this.id}: Snapshot input to a node without the snapshots capability`);
    if (input.type === 'TransferLeadership' && !this.capabilities.has('transferLeadership')) {
      throw new DriverContractError(`${this.id}: TransferLeadership input to a node without the transferLeadership capability`);
    }
  }

  afterStep(input: StepInput, out: NodeOutput): void {
    this.inputNumber++;
    if (input.type === 'PersistAck') this.ackedSeq = input.seq;
    this.check(input, out);
  }

  private fail(input: Input, out: NodeOutput, field: string, rule: string): never {
    const ref: ExchangeRef = { node: this.id, inputNumber: this.inputNumber, inputLine: encodeInput(input) };
    void out;
    throw new ProtocolViolation(ref, this.outputLine(), field, rule);
  }

  private check(input: Input, out: NodeOutput): void {
    if (out.actions !== undefined && !this.capabilities.has('actions')) this.fail(input, out, 'actions', 'are sent, but the hello did not list the actions capability');
    const persist = out.persist;
    for (let k = 0; k < persist.length; k++) {
      const r = persist[k];
      if (r.seq !== this.lastSeq + 1) this.fail(input, out, `persist[${k}].seq`, `is ${r.seq}, but records are numbered consecutively: expected ${this.lastSeq + 1}`);
      if (r.term !== undefined && r.term < this.log.term) this.fail(input, out, `persist[${k}].term`, `${r.term} is below the term already written (${this.log.term}): terms never decrease`);
      if (r.term !== undefined && r.term !== this.log.term && r.votedFor === undefined) {
        this.fail(input, out, `persist[${k}].votedFor`, `is required when the term changes (${this.log.term} -> ${r.term}): a vote never carries into a new term`);
      }
      if (r.votedFor !== undefined && r.votedFor !== null && !this.voters.has(r.votedFor)) this.fail(input, out, `persist[${k}].votedFor`, `${JSON.stringify(r.votedFor)} is not a voter`);
      try {
        this.log.apply(r);
      } catch (e) {
        if (e instanceof PersistSequenceError) this.fail(input, out, `persist[${k}].${e.field}`, e.rule);
        throw e;
      }
      this.lastSeq = r.seq;
    }
    const v = out.view;
    const log = this.log;
    if (v.term !== log.term) this.fail(input, out, 'view.term', `is ${v.term}, but the term written is ${log.term}: a node writes its term in the step that changes it`);
    if (v.votedFor !== log.votedFor) this.fail(input, out, 'view.votedFor', `is ${JSON.stringify(v.votedFor)}, but the vote written is ${JSON.stringify(log.votedFor)}`);
    if (v.lastIndex !== log.lastIndex || v.lastTerm !== log.lastTerm || v.snapshotIndex !== log.snapshotIndex) {
      this.fail(
        input, out, 'view',
        `says last ${v.lastIndex}@${v.lastTerm} snapshot ${v.snapshotIndex}, but the persist records written so far give last ${log.lastIndex}@${log.lastTerm} snapshot ${log.snapshotIndex}`,
      );
    }
    if (v.term < this.term) this.fail(input, out, 'view.term', `went down from ${this.term} to ${v.term}`);
    this.term = v.term;
    if (v.commitIndex < this.commitIndex) this.fail(input, out, 'view.commitIndex', `went down from ${this.commitIndex} to ${v.commitIndex}`);
    if (v.commitIndex > v.lastIndex) this.fail(input, out, 'view.commitIndex', `${v.commitIndex} is beyond the last index ${v.lastIndex}`);
    this.commitIndex = v.commitIndex;
    if (v.leader !== null && !this.voters.has(v.leader)) this.fail(input, out, 'view.leader', `${JSON.stringify(v.leader)} is not a voter`);
    if (v.role === 'Leader' && v.leader !== this.id) this.fail(input, out, 'view.leader', `is ${JSON.stringify(v.leader)} on a Leader: a leader knows itself`);
    if (v.votedFor !== null && !this.voters.has(v.votedFor)) this.fail(input, out, 'view.votedFor', `${JSON.stringify(v.votedFor)} is not a voter`);
    if (out.restore !== null) {
      if (out.restore.index < this.appliedIndex) this.fail(input, out, 'restore.index', `${out.restore.index} is behind what was applied (${this.appliedIndex})`);
      this.appliedIndex = out.restore.index;
    }
    const apply = out.apply;
    for (let k = 0; k < apply.length; k++) {
      const a = apply[k];
      if (a.index !== this.appliedIndex + 1) this.fail(input, out, `apply[${k}].index`, `is ${a.index}, but entries are applied in order: expected ${this.appliedIndex + 1}`);
      if (a.index > v.commitIndex) this.fail(input, out, `apply[${k}].index`, `${a.index} is beyond the commit index ${v.commitIndex}`);
      const t = log.termAt(a.index);
      if (t !== undefined && t !== a.entry.term) this.fail(input, out, `apply[${k}].entry.term`, `is ${a.entry.term}, but the log written holds term ${t} at index ${a.index}`);
      this.appliedIndex = a.index;
    }
    const reads = out.reads;
    for (let k = 0; k < reads.length; k++) {
      if (reads[k].index > this.appliedIndex) this.fail(input, out, `reads[${k}].index`, `${reads[k].index} is not applied yet (applied up to ${this.appliedIndex})`);
    }
    const proposed = out.proposed;
    for (let k = 0; k < proposed.length; k++) {
      const p = proposed[k];
      if (p.firstIndex + p.count - 1 > log.lastIndex) this.fail(input, out, `proposed[${k}]`, `ends at ${p.firstIndex + p.count - 1}, beyond the log written (${log.lastIndex})`);
      if (log.termAt(p.firstIndex) !== undefined && log.termAt(p.firstIndex) !== p.term) this.fail(input, out, `proposed[${k}].term`, `is ${p.term}, but the log holds term ${log.termAt(p.firstIndex)} there`);
    }
    const messages = out.messages;
    for (let k = 0; k < messages.length; k++) this.checkMessage(input, out, k, messages[k]);
  }

  private checkMessage(input: Input, out: NodeOutput, k: number, m: Message): void {
    if (m.from !== this.id) this.fail(input, out, `messages[${k}].from`, `is ${JSON.stringify(m.from)}, not this node (${this.id})`);
    if (m.to === this.id || !this.voters.has(m.to)) this.fail(input, out, `messages[${k}].to`, `${JSON.stringify(m.to)} is not another voter`);
    // A PreVote carries the term its sender would campaign in (and a grant echoes it); every other
    // message carries a term the sender has held.
    if (m.type !== 'PreVoteRequest' && m.type !== 'PreVoteResponse' && m.term > out.view.term) {
      this.fail(input, out, `messages[${k}].term`, `${m.term} is above the node's own term ${out.view.term}`);
    }
  }
}

/** A ProtocolNode held to the protocol's rules: every output is checked before the caller sees it. */
export class CheckedNode implements ProtocolNode {
  private monitor: ConformanceMonitor | null = null;
  private lastOutput: NodeOutput | null = null;

  constructor(private readonly inner: ProtocolNode & Partial<HasOutputLine>) {}

  get id(): string {
    return this.inner.id;
  }

  /** The log and hard state this node has written, for checkers. */
  get observed(): ConformanceMonitor {
    if (this.monitor === null) throw new Error(`${this.id} has not started`);
    return this.monitor;
  }

  /** The line the node wrote for its last output, when it is a process; null in process. */
  get lastOutputLine(): string | null {
    return this.inner.lastOutputLine ?? null;
  }

  private line = (): string => this.inner.lastOutputLine ?? encodeOutput(this.lastOutput as NodeOutput);

  start(input: StartInput): NodeOutput {
    const out = this.inner.start(input);
    this.lastOutput = out;
    this.monitor = new ConformanceMonitor(this.inner.id, input, out, this.line);
    return out;
  }

  handle(input: StepInput): NodeOutput {
    const monitor = this.observed;
    monitor.beforeInput(input);
    const out = this.inner.handle(input);
    this.lastOutput = out;
    monitor.afterStep(input, out);
    return out;
  }

  kill(): void {
    this.inner.kill();
  }
}
