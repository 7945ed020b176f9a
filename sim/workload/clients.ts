// Concurrent key-value clients with sessions (dissertation §6.3). Each client has one operation
// outstanding, numbers its commands, retries an unanswered attempt at another node (the same
// sequence number, so the state machine applies it once), follows leader hints, and gives up after
// an operation timeout, recording the outcome as unknown: never guessed.
//
// Beside the clients, two optional drivers of core's other inputs: a proposal batcher in front of
// each node (batched Propose), and an operator who asks the leader to transfer leadership.

import type { KvApplied, KvOp, NodeId } from '../../core';
import type { NodeError } from '../../protocol/types';
import { encodeCommand } from '../../core';
import type { HistoryOp, KvResult as HistoryResult } from '../../linearizability';
import type { Rng } from '../random/rng';
import type { WorkloadConfig } from '../config';
import { ProposalBatcher } from './batcher';
import { TransferOperator } from './operator';
import type { ClusterPort, ClientTimer } from './cluster-port';

export type { ClusterPort, ClientTimer } from './cluster-port';

/** The operator's own stream and when it stops (with the faults: a transfer is a disturbance). */
export interface OperatorOptions {
  readonly rng: Rng;
  readonly stopAtMs: number;
}

interface PendingOp {
  readonly history: HistoryOp;
  readonly seq: number;
  readonly deadlineMs: number;
  attempt: number;
  node: NodeId;
  requestId: string;
  /** A write's command as proposed, encoded at its first attempt and proposed again as is by each retry. */
  data: string | null;
}

interface Client {
  readonly name: string;
  seq: number;
  leaderGuess: NodeId;
  pending: PendingOp | null;
}

export class Workload {
  readonly history: HistoryOp[] = [];
  private readonly clients: Client[];
  /** requestId -> client index, for errors and reads addressed to a request. */
  private readonly byRequest = new Map<string, number>();
  /**
   * Client name -> index, for applied writes: an applied command is a client's pending write when
   * its seq is that write's. Looked up by the command's own name string, not by a key built per
   * applied entry per node (every replica applies every entry).
   */
  private readonly byName = new Map<string, number>();
  private nextOpId = 0;
  private readonly batcher: ProposalBatcher | null;
  private readonly operator: TransferOperator | null;

  constructor(
    private readonly config: WorkloadConfig,
    private readonly rng: Rng,
    private readonly port: ClusterPort,
    private readonly stopInvokingAtMs: number,
    operator?: OperatorOptions,
  ) {
    const members = port.members();
    this.clients = Array.from({ length: config.clients }, (_, i) => ({
      name: `c${i + 1}`, seq: 0, leaderGuess: members[i % members.length], pending: null,
    }));
    for (let i = 0; i < this.clients.length; i++) this.byName.set(this.clients[i].name, i);
    this.batcher = (config.batchWindowMs ?? 0) > 0 ? new ProposalBatcher(config.batchWindowMs as number, port) : null;
    const transferMeanMs = config.transferMeanMs ?? 0;
    this.operator = transferMeanMs > 0 && operator ? new TransferOperator(transferMeanMs, operator.rng, operator.stopAtMs, port) : null;
  }

  start(nowMs: number): void {
    const fromMs = Math.max(nowMs, this.config.startInvokingAtMs ?? 0);
    for (let i = 0; i < this.clients.length; i++) this.port.schedule(fromMs + this.rng.exponential(this.config.thinkMeanMs), { kind: 'ClientWake', client: i });
    this.operator?.start(nowMs);
  }

  get outstanding(): number {
    let n = 0;
    for (const c of this.clients) if (c.pending) n++;
    return n;
  }

  /** Invocations still unanswered: used by the liveness check. */
  pendingOps(): readonly HistoryOp[] {
    const out: HistoryOp[] = [];
    for (const c of this.clients) if (c.pending) out.push(c.pending.history);
    return out;
  }

  onTimer(nowMs: number, timer: ClientTimer): HistoryOp | null {
    if (timer.kind === 'FlushBatch') {
      this.batcher?.flush(this.port.nodeIds[timer.node]);
      return null;
    }
    if (timer.kind === 'Transfer') {
      this.operator?.onTimer(nowMs, timer);
      return null;
    }
    const client = this.clients[timer.client];
    if (timer.kind === 'ClientWake') {
      if (client.pending === null && nowMs < this.stopInvokingAtMs && this.nextOpId < (this.config.maxOperations ?? Infinity)) this.invoke(timer.client, nowMs);
      return null;
    }
    const op = client.pending;
    if (op === null || op.history.id !== timer.opId || op.attempt !== timer.attempt) return null;
    if (nowMs >= op.deadlineMs) return this.giveUp(timer.client, nowMs);
    this.port.count('retries');
    client.leaderGuess = this.otherNode(op.node);
    this.attempt(timer.client, nowMs);
    return null;
  }

  private randomOp(): KvOp {
    const key = `k${this.rng.int(0, this.config.keys)}`;
    const value = `v${this.nextOpId}`;
    const r = this.rng.next();
    if (r < 0.35) return { kind: 'get', key };
    if (r < 0.6) return { kind: 'put', key, value };
    if (r < 0.8) return { kind: 'append', key, value };
    return { kind: 'cas', key, expected: this.rng.chance(0.5) ? null : `v${this.rng.int(Math.max(0, this.nextOpId - 20), this.nextOpId + 1)}`, value };
  }

  private invoke(index: number, nowMs: number): void {
    const client = this.clients[index];
    const op = this.randomOp();
    client.seq += 1;
    const history: HistoryOp = { id: this.nextOpId++, client: client.name, op, invokeMs: nowMs, completeMs: null, result: null };
    this.history.push(history);
    client.pending = { history, seq: client.seq, deadlineMs: nowMs + this.config.operationTimeoutMs, attempt: 0, node: client.leaderGuess, requestId: '', data: null };
    // The trace line a report links the operation to (absent when the run is not traced).
    const eventIndex = this.port.traceInvoke(client.name, history.id, op.kind, op.key);
    if (eventIndex !== undefined) history.eventIndex = eventIndex;
    this.attempt(index, nowMs);
  }

  private attempt(index: number, nowMs: number): void {
    const client = this.clients[index];
    const op = client.pending as PendingOp;
    op.attempt += 1;
    this.byRequest.delete(op.requestId);
    op.requestId = `${client.name}.${op.seq}.${op.attempt}`;
    this.byRequest.set(op.requestId, index);
    this.port.schedule(nowMs + this.config.attemptTimeoutMs, { kind: 'AttemptTimeout', client: index, opId: op.history.id, attempt: op.attempt });
    if (op.history.op.kind === 'get') {
      const followerRead = this.rng.chance(this.config.followerReadFraction);
      const members = this.port.members();
      op.node = followerRead ? members[this.rng.int(0, members.length)] : client.leaderGuess;
      if (followerRead) this.port.count('followerReads');
      this.port.read(op.node, op.requestId);
    } else {
      op.node = client.leaderGuess;
      // The same client, seq and op every attempt (a retry is the same command): encoded once.
      const data = (op.data ??= encodeCommand({ client: client.name, seq: op.seq, op: op.history.op }));
      if (this.batcher) this.batcher.add(nowMs, op.node, op.requestId, data);
      else this.port.propose(op.node, op.requestId, [data]);
    }
  }

  private otherNode(node: NodeId): NodeId {
    const ids = this.port.members();
    if (ids.length === 1) return ids[0];
    const k = this.rng.int(0, ids.length - 1);
    return ids[k] === node ? ids[ids.length - 1] : ids[k];
  }

  /** `node` answered the client: the history names it and the term it was in, for reports. */
  private complete(index: number, nowMs: number, result: HistoryResult, node: NodeId): HistoryOp {
    const client = this.clients[index];
    const op = client.pending as PendingOp;
    op.history.completeMs = nowMs;
    op.history.result = result;
    op.history.node = node;
    op.history.term = this.port.termOf(node);
    client.pending = null;
    this.byRequest.delete(op.requestId);
    const completeEventIndex = this.port.traceComplete(client.name, op.history.id, 'ok');
    if (completeEventIndex !== undefined) op.history.completeEventIndex = completeEventIndex;
    this.port.schedule(nowMs + this.rng.exponential(this.config.thinkMeanMs), { kind: 'ClientWake', client: index });
    return op.history;
  }

  private giveUp(index: number, nowMs: number): HistoryOp {
    const client = this.clients[index];
    const op = client.pending as PendingOp;
    client.pending = null;
    this.byRequest.delete(op.requestId);
    this.port.count('unknownOutcomes');
    const completeEventIndex = this.port.traceComplete(client.name, op.history.id, 'unknown');
    if (completeEventIndex !== undefined) op.history.completeEventIndex = completeEventIndex;
    this.port.schedule(nowMs + this.rng.exponential(this.config.thinkMeanMs), { kind: 'ClientWake', client: index });
    return op.history;
  }

  /** A node applied a command: the client hears back only from the node it asked. */
  onApplied(node: NodeId, nowMs: number, applied: KvApplied): void {
    const index = this.byName.get(applied.command.client);
    if (index === undefined) return;
    const op = this.clients[index].pending;
    // Only the client's pending write of that seq (a read is never proposed as a command).
    if (op === null || op.seq !== applied.command.seq || op.history.op.kind === 'get') return;
    if (op.node !== node || applied.result.kind === 'stale') return;
    this.complete(index, nowMs, applied.result as HistoryResult, node);
  }

  onRead(node: NodeId, nowMs: number, requestId: string, read: (key: string) => string | null): void {
    const index = this.byRequest.get(requestId);
    if (index === undefined) return;
    const op = this.clients[index].pending as PendingOp;
    if (op.node !== node) return;
    this.complete(index, nowMs, { kind: 'value', value: read(op.history.op.key) }, node);
  }

  /** Redirects and refusals: retry soon, at the hinted leader if there is one. */
  onError(node: NodeId, nowMs: number, error: NodeError): void {
    if (!('requestId' in error)) return;
    // A refused batch is refused for each proposal in it.
    const members = this.batcher?.membersOf(error.requestId);
    if (members) {
      for (const requestId of members) this.onError(node, nowMs, { ...error, requestId });
      return;
    }
    const index = this.byRequest.get(error.requestId);
    if (index === undefined) return;
    const client = this.clients[index];
    const op = client.pending as PendingOp;
    const hint = 'leaderHint' in error ? error.leaderHint : null;
    client.leaderGuess = hint !== null && hint !== node ? hint : this.otherNode(node);
    this.port.count('redirects');
    // Retry after a short pause rather than spin while an election is under way.
    this.byRequest.delete(error.requestId);
    this.port.schedule(nowMs + (this.config.redirectPauseMs ?? 5), { kind: 'AttemptTimeout', client: index, opId: op.history.id, attempt: op.attempt });
  }
}
