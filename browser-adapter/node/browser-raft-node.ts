// One Raft node in a browser tab: it owns core's state and drives `step` from a tick timer, from
// the transport and from its client API, and carries out each Output:
//   - persist records are written to RaftStorage (localStorage) at the end of the current task,
//     several steps' records in one write, and only then acknowledged with PersistAck. Core holds
//     back every message that promises durable state until that ack (persist-before-send);
//   - messages go to the transport, which batches them into frames;
//   - committed entries are applied to the application's state machine (app/replicated-machine.ts:
//     the key-value store by default), which completes this tab's writes;
//   - every `snapshotEvery` applied entries the state machine is snapshotted and the log compacted,
//     so localStorage stays far below its ~5M-unit quota.
// Client writes from one task are proposed together (one Propose with many entries) when this
// node leads, or forwarded to the leader in one frame when it does not.
// Membership changes (core's ProposeConfChange: add a learner, promote it, remove a node) are
// proposed by the leader's tab; another tab hands them to the leader (a conf-change frame) and
// gets the outcome back. A tab outside the configuration waits, never campaigning, until
// the leader's log makes it a learner or a voter (core/membership.ts).

import { restartState, step } from '../../core';
import type { ClusterConfig, ConfChange, Input, KvOp, KvResult, Message, Output, RaftConfig, RaftError, RaftState } from '../../core';
import { FencedOut, RaftStorage, StorageFull } from '../storage';
import type { KeyValueStore, StorageUsage } from '../storage';
import type { AppFrame } from '../transport/app-frames';
import { splitForward } from '../transport/app-frames';
import type { PeerStatus, RaftTransport } from '../transport/types';
import { ClientError, PendingWrites, type ClientErrorCode, type Completion } from './pending-writes';
import { PendingReads } from './pending-reads';
import { PendingConfChanges, type MembershipResult } from './pending-conf-changes';
import { TraceRecorder, restoredFrom } from './trace-recorder';
import { randomTag } from './browser-config';
import { KvReplica, kvMachine, type MachineKind, type ReplicaMachine } from '../app/replicated-machine';

export interface BrowserRaftNodeOptions {
  readonly config: RaftConfig;
  /**
   * Every node that may ever be a member (config.cluster.voters is only the initial configuration):
   * storage accepts a stored vote for any of them, and traces list them. Default the initial voters.
   */
  readonly nodes?: readonly string[];
  readonly store: KeyValueStore;
  readonly transport: RaftTransport;
  /** Milliseconds per Tick. Default 30. */
  readonly tickMs?: number;
  /** Compact the log after this many applied entries past the last snapshot. Default 2000. */
  readonly snapshotEvery?: number;
  /** Record an NDJSON trace (sim's format). Default true. */
  readonly trace?: boolean;
  readonly traceMaxLines?: number;
  /** Milliseconds on a monotonic clock. Default performance.now. */
  readonly now?: () => number;
  /** Epoch milliseconds at which now() was 0, for traces. Default performance.timeOrigin when now is the default. */
  readonly timeOrigin?: number;
  /** 0 for the first start of this tab, then 1, 2, ... after each restart. */
  readonly incarnation?: number;
  /** A client operation that has not completed by then is rejected. Default 10 s. */
  readonly opTimeoutMs?: number;
  /**
   * A forwarded write or read not answered by then is sent again. Default 5 s: a leader change or
   * a rejected forward resends at once anyway, and a short timer under overload only adds
   * duplicates to a leader that is already behind (a retry storm).
   */
  readonly retryMs?: number;
  /** What the log replicates. Default: the key-value store. */
  readonly machine?: MachineKind;
  /** The KV session id. Default: a fresh random one per start (a restarted tab is a new client). */
  readonly clientId?: string;
}

/** 'fenced-out': another tab claimed this node's storage; this one stopped and writes nothing more. */
export type NodeRunState = 'created' | 'running' | 'stopped' | 'refused' | 'fenced-out' | 'storage-full' | 'failed';

export interface NodeCounters {
  stepCount: number;
  persistWrites: number;
  snapshotsTaken: number;
  snapshotsInstalled: number;
  writesCompleted: number;
  writesUnknown: number;
  readsCompleted: number;
  forwardsSent: number;
  forwardsReceived: number;
  forwardsRejected: number;
  /** Forwarded commands that were not valid KV commands and were not proposed. */
  badForwardedCommands: number;
  /** Committed entries the KV could not decode (applied as no-ops on every replica alike). */
  badEntries: number;
  /** No-op entries proposed to get a snapshot to a follower the leader stopped serving (see nudgeStuckFollowers). */
  nudges: number;
}

export interface NodeStatus {
  readonly id: string;
  readonly clientId: string;
  readonly incarnation: number;
  readonly run: NodeRunState;
  /** Why the node is not running, when it is not. */
  readonly reason: string | null;
  readonly role: RaftState['role'];
  readonly term: number;
  readonly leader: string | null;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  /** Entries held in the log (after the snapshot). */
  readonly logEntries: number;
  readonly keys: number;
  readonly pendingWrites: number;
  readonly pendingReads: number;
  readonly partitioned: boolean;
  readonly peers: readonly PeerStatus[];
  readonly counters: Readonly<NodeCounters>;
  readonly traceLines: number;
  /** The configuration in effect (the latest in the log, committed or not). */
  readonly config: MembershipView;
  /** Membership changes this tab proposed that have not committed yet. */
  readonly pendingConfChanges: number;
}

/** The configuration as the status panel shows it. */
export interface MembershipView {
  readonly voters: readonly string[];
  readonly learners: readonly string[];
  /** The voters being left, while joint; null otherwise. */
  readonly votersOutgoing: readonly string[] | null;
  readonly joint: boolean;
  /** Joint only: the leader leaves the joint configuration by itself once it commits. */
  readonly autoLeave: boolean;
  /** Whether the entry it came from is committed (as far as this node knows). */
  readonly committed: boolean;
  /** The log index it came from (0: the initial configuration). */
  readonly index: number;
  /** What this node is in it. */
  readonly self: 'voter' | 'outgoing voter' | 'learner' | 'none';
}

export function membershipView(cluster: ClusterConfig, index: number, commitIndex: number, self: string): MembershipView {
  const outgoing = cluster.votersOutgoing ?? null;
  const learners = cluster.learners ?? [];
  return {
    voters: [...cluster.voters], learners: [...learners], votersOutgoing: outgoing === null ? null : [...outgoing],
    joint: outgoing !== null, autoLeave: outgoing !== null && cluster.autoLeave === true, committed: index <= commitIndex, index,
    self: cluster.voters.includes(self) ? 'voter' : outgoing?.includes(self) ? 'outgoing voter' : learners.includes(self) ? 'learner' : 'none',
  };
}

const FORWARD_UNITS = 48 * 1024;

export class BrowserRaftNode {
  readonly id: string;
  readonly clientId: string;
  readonly incarnation: number;
  private readonly config: RaftConfig;
  /** Every node that may ever be a member. */
  readonly nodes: readonly string[];
  private readonly storage: RaftStorage;
  private readonly transport: RaftTransport;
  private readonly tickMs: number;
  private readonly snapshotEvery: number;
  private readonly opTimeoutMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly timeOrigin: number | undefined;
  private readonly traceEnabled: boolean;
  private readonly traceMaxLines: number | undefined;

  private run: NodeRunState = 'created';
  private reason: string | null = null;
  private state: RaftState | null = null;
  private readonly machine: MachineKind;
  private replica: ReplicaMachine;
  private trace: TraceRecorder | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly writes: PendingWrites;
  private readonly reads: PendingReads;
  private readonly confChanges = new PendingConfChanges();
  private confChangeCounter = 0;
  /** Membership changes handed to the leader's tab, by frame id, awaiting its answer. */
  private readonly forwardedConfChanges = new Map<number, { resolve: (r: MembershipResult) => void; reject: (e: ClientError) => void; deadline: number }>();
  private confForwardCounter = 0;
  private persistQueue: import('../../core').PersistRecord[] = [];
  private persistScheduled = false;
  private proposeScheduled = false;
  private resendAll = false;
  private failedReads: string[] = [];
  private proposalCounter = 0;
  private forwardCounter = 0;
  private ticksSinceRetryScan = 0;
  private lastLeaderSeen: string | null = null;
  private nudgeSeq = 0;
  private lastNudgeAt = -Infinity;
  private readonly listeners = new Set<() => void>();
  readonly counters: NodeCounters = {
    stepCount: 0, persistWrites: 0, snapshotsTaken: 0, snapshotsInstalled: 0, writesCompleted: 0, writesUnknown: 0, readsCompleted: 0,
    forwardsSent: 0, forwardsReceived: 0, forwardsRejected: 0, badForwardedCommands: 0, badEntries: 0, nudges: 0,
  };

  constructor(options: BrowserRaftNodeOptions) {
    this.config = options.config;
    this.id = options.config.id;
    this.transport = options.transport;
    this.machine = options.machine ?? kvMachine;
    this.replica = this.machine.create();
    this.nodes = options.nodes ?? options.config.cluster.voters;
    if (!options.config.cluster.voters.every((v) => this.nodes.includes(v))) throw new RangeError('nodes must include every initial voter');
    this.storage = new RaftStorage(options.store, { cluster: options.config.clusterId, node: options.config.id, voters: this.nodes });
    this.tickMs = options.tickMs ?? 30;
    this.snapshotEvery = options.snapshotEvery ?? 2000;
    this.opTimeoutMs = options.opTimeoutMs ?? 10_000;
    this.retryMs = options.retryMs ?? 5000;
    this.now = options.now ?? (() => performance.now());
    this.timeOrigin = options.timeOrigin ?? (options.now ? undefined : performance.timeOrigin);
    this.traceEnabled = options.trace ?? true;
    this.traceMaxLines = options.traceMaxLines;
    this.incarnation = options.incarnation ?? 0;
    this.clientId = options.clientId ?? `${this.id}-${this.incarnation}-${randomTag()}`;
    this.writes = new PendingWrites(this.clientId);
    this.reads = new PendingReads(`${this.clientId}:`);
    if (!Number.isInteger(this.snapshotEvery) || this.snapshotEvery < 1) throw new RangeError('snapshotEvery must be a positive integer');
    if (!(this.tickMs > 0)) throw new RangeError('tickMs must be positive');
  }

  // -------------------------------------------------------------------------------------------
  // Life cycle
  // -------------------------------------------------------------------------------------------

  /**
   * Loads durable state and starts ticking. Returns false, with status().run 'refused' and the
   * reason, when storage is corrupt or unreadable: a node must not vote or acknowledge entries
   * with a damaged log; or with 'fenced-out' when another writer owns the storage (see
   * storage/fenced-store.ts).
   */
  start(): boolean {
    if (this.run !== 'created') throw new Error(`BrowserRaftNode.start: already ${this.run}`);
    const loaded = this.storage.load();
    if (!loaded.ok) {
      this.run = 'refused';
      this.reason = `storage refused to load: ${loaded.error.message}`;
      this.notify();
      return false;
    }
    try {
      // Puts back the loaded metadata in case a previous owner's last write landed after the load,
      // and, through a FencedStore, proves this node still owns the storage before it runs.
      this.storage.recommit();
    } catch (e) {
      this.run = e instanceof FencedOut ? 'fenced-out' : 'refused';
      this.reason = `storage refused the first write: ${(e as Error)?.message ?? e}`;
      this.notify();
      return false;
    }
    const durable = loaded.state;
    this.state = restartState(this.config, durable, loaded.lastSeq);
    try {
      this.replica = durable.snapshot ? this.machine.restore(durable.snapshot.data) : this.machine.create();
    } catch (e) {
      this.run = 'refused';
      this.reason = `the stored snapshot does not restore: ${(e as Error)?.message ?? e}`;
      this.notify();
      return false;
    }
    if (this.traceEnabled) {
      this.trace = new TraceRecorder({ now: this.now, maxLines: this.traceMaxLines, timeOrigin: this.timeOrigin, nodes: this.nodes }, this.config, restoredFrom(durable, this.incarnation));
      if (this.incarnation > 0) this.trace.restart(this.id, this.state);
    }
    this.run = 'running';
    this.transport.setReceiver({
      messages: (from, messages) => this.onMessages(from, messages),
      app: (from, frame) => this.onApp(from, frame),
    });
    this.timer = setInterval(() => this.onTick(), this.tickMs);
    this.notify();
    return true;
  }

  /** Stops ticking and listening; in-flight operations are rejected. Storage is left as it is. */
  stop(reason = 'stopped'): void {
    if (this.run === 'running' || this.run === 'created') {
      this.run = 'stopped';
      this.reason = reason;
    }
    this.halt();
  }

  private halt(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.transport.setReceiver(null);
    const error = new ClientError('NodeStopped', `node ${this.id} is ${this.run}: ${this.reason}`);
    this.completed(this.writes.rejectAll(error));
    this.reads.rejectAll(error);
    this.confChanges.rejectAll(error);
    for (const f of this.forwardedConfChanges.values()) f.reject(error);
    this.forwardedConfChanges.clear();
    this.notify();
  }

  private fail(run: 'storage-full' | 'fenced-out' | 'failed', reason: string): void {
    this.run = run;
    this.reason = reason;
    this.halt();
  }

  // -------------------------------------------------------------------------------------------
  // Client API
  // -------------------------------------------------------------------------------------------

  put(key: string, value: string): Promise<KvResult> {
    return this.write({ kind: 'put', key, value } satisfies KvOp) as Promise<KvResult>;
  }

  append(key: string, value: string): Promise<KvResult> {
    return this.write({ kind: 'append', key, value } satisfies KvOp) as Promise<KvResult>;
  }

  /** Resolves with {kind:'cas', ok}: ok is false when the current value was not `expected`. */
  cas(key: string, expected: string | null, value: string): Promise<KvResult> {
    return this.write({ kind: 'cas', key, expected, value } satisfies KvOp) as Promise<KvResult>;
  }

  /** Replicates one application command; resolves with what the state machine's apply returned. */
  submit(command: unknown): Promise<unknown> {
    return this.write(command);
  }

  /**
   * Resolves once this replica has applied everything committed when it was called (ReadIndex,
   * §6.4): reading the local state machine after that is linearizable.
   */
  sync(): Promise<void> {
    if (this.run !== 'running') return Promise.reject(new ClientError('NodeStopped', `node ${this.id} is ${this.run}`));
    const { requestId, promise } = this.reads.create('', this.now(), this.opTimeoutMs);
    this.issueRead(requestId);
    return promise.then(() => undefined);
  }

  /**
   * Proposes a membership change (core's ProposeConfChange) from this tab, which must lead. One
   * voter added or removed is a simple change; anything else, or `leaveJoint` given, goes through a
   * joint configuration, left automatically ('auto') or by leaveJoint() ('explicit'). Resolves when
   * the configuration entry commits; rejects with ClientError NotLeader or ConfChangeRejected
   * (ConfChangeInProgress, ConfChangeBeforeTermCommit, RemoveLastVoter, UnknownNode, NotJoint).
   */
  changeMembership(changes: readonly ConfChange[], leaveJoint?: 'auto' | 'explicit'): Promise<MembershipResult> {
    if (this.run !== 'running') return Promise.reject(new ClientError('NodeStopped', `node ${this.id} is ${this.run}`));
    const unknown = changes.find((c) => !this.nodes.includes(c.node));
    // A node no tab can ever run would stall the cluster (a voter nobody can reach): refuse it here.
    if (unknown !== undefined) return Promise.reject(new ClientError('ConfChangeRejected', `UnknownNode (${unknown.node} is not one of this cluster's nodes ${this.nodes.join(', ')})`));
    const s = this.state as RaftState;
    if (s.role !== 'Leader' && s.leaderId !== null && s.leaderId !== this.id) return this.forwardConfChange(s.leaderId, changes, leaveJoint);
    const requestId = `${this.id}:c${++this.confChangeCounter}`;
    const promise = this.confChanges.create(requestId, changes, this.now(), this.opTimeoutMs);
    this.feed({ type: 'ProposeConfChange', requestId, changes: [...changes], ...(leaveJoint !== undefined ? { leaveJoint } : {}) });
    return promise;
  }

  /** Hands a membership change to the leader's tab; settles with its answer (or times out). */
  private forwardConfChange(leader: string, changes: readonly ConfChange[], leaveJoint: 'auto' | 'explicit' | undefined): Promise<MembershipResult> {
    const id = ++this.confForwardCounter;
    return new Promise((resolve, reject) => {
      this.forwardedConfChanges.set(id, { resolve, reject, deadline: this.now() + this.opTimeoutMs });
      this.transport.sendApp(leader, { kind: 'conf-change', id, changes: changes.map((c) => `${c.kind}:${c.node}`), leaveJoint: leaveJoint ?? null });
    });
  }

  /** The leader's side of a forwarded membership change: propose it, answer with the outcome. */
  private onForwardedConfChange(from: string, frame: Extract<AppFrame, { kind: 'conf-change' }>): void {
    const changes = frame.changes.map((c) => {
      const [kind, node] = c.split(':');
      return { kind, node } as ConfChange;
    });
    const answer = (index: number | null, error: string | null): void => {
      this.transport.sendApp(from, { kind: 'conf-change-result', id: frame.id, index, error: error === null ? null : error.slice(0, 1024) });
    };
    const s = this.state as RaftState;
    // Only the leader proposes; a tab that lost the lead says so rather than forwarding again.
    if (s.role !== 'Leader') {
      answer(null, `NotLeader: ${this.id} does not lead either; ${s.leaderId !== null && s.leaderId !== this.id ? `the leader is ${s.leaderId}` : 'no leader is known yet'}`);
      return;
    }
    this.changeMembership(changes, frame.leaveJoint ?? undefined).then((r) => answer(r.index, null), (e: Error) => answer(null, e.message));
  }

  /** The leader's answer to a change this tab forwarded. */
  private onConfChangeResult(frame: Extract<AppFrame, { kind: 'conf-change-result' }>): void {
    const f = this.forwardedConfChanges.get(frame.id);
    if (f === undefined) return;
    this.forwardedConfChanges.delete(frame.id);
    if (frame.index !== null) {
      f.resolve({ index: frame.index, config: (this.state as RaftState).cluster });
      return;
    }
    const error = frame.error as string;
    const colon = error.indexOf(': ');
    const code = error.slice(0, Math.max(0, colon));
    const known: ClientErrorCode[] = ['NotLeader', 'ConfChangeRejected', 'Dropped', 'Timeout', 'OutcomeUnknown', 'NodeStopped'];
    f.reject(known.includes(code as ClientErrorCode) ? new ClientError(code as ClientErrorCode, error.slice(colon + 2)) : new ClientError('Dropped', error));
  }

  /** Leaves a joint configuration entered with leaveJoint 'explicit' (a ProposeConfChange with no changes). */
  leaveJoint(): Promise<MembershipResult> {
    return this.changeMembership([]);
  }

  /** The key-value store, when that is what this node replicates. */
  private kvReplica(): KvReplica | null {
    return this.replica instanceof KvReplica ? this.replica : null;
  }

  /** A linearizable read through ReadIndex (§6.4), served by this tab's replica. */
  get(key: string): Promise<string | null> {
    if (this.kvReplica() === null) return Promise.reject(new ClientError('NotKeyValue', `node ${this.id} does not replicate a key-value store`));
    if (this.run !== 'running') return Promise.reject(new ClientError('NodeStopped', `node ${this.id} is ${this.run}`));
    const { requestId, promise } = this.reads.create(key, this.now(), this.opTimeoutMs);
    this.issueRead(requestId);
    return promise;
  }

  /** This replica's current contents, possibly behind the leader: for display, not for reads. */
  contents(): ReadonlyMap<string, string> {
    return this.kvReplica()?.kv.contents() ?? new Map();
  }

  private write(command: unknown): Promise<unknown> {
    if (this.run !== 'running') return Promise.reject(new ClientError('NodeStopped', `node ${this.id} is ${this.run}`));
    let created: { seq: number; promise: Promise<unknown> };
    let described: { kind: string; key: string };
    try {
      described = this.machine.describe(command);
      created = this.writes.create((seq) => this.machine.encode(this.clientId, seq, command), described.kind, this.now(), this.opTimeoutMs);
    } catch (e) {
      return Promise.reject(new ClientError('BadCommand', `the command does not encode: ${(e as Error)?.message ?? e}`));
    }
    const { seq, promise } = created;
    const { kind, key } = described;
    this.trace?.clientInvoke(this.clientId, seq, kind, key);
    if (!this.proposeScheduled) {
      this.proposeScheduled = true;
      queueMicrotask(() => {
        this.proposeScheduled = false;
        if (this.run === 'running') this.route(this.writes.takeFresh(this.now()));
      });
    }
    return promise;
  }

  // -------------------------------------------------------------------------------------------
  // Driving core
  // -------------------------------------------------------------------------------------------

  private feed(input: Input): Output | null {
    if (this.run !== 'running' || this.state === null) return null;
    let result: { state: RaftState; output: Output };
    try {
      result = step(this.state, input);
    } catch (e) {
      this.fail('failed', `core threw on ${input.type}: ${(e as Error)?.message ?? e}`);
      return null;
    }
    const before = this.state;
    const { state, output } = result;
    this.state = state;
    this.counters.stepCount++;
    const trace = this.trace;
    trace?.step(this.id, input, state, output.actions);
    if (output.persist) {
      this.persistQueue.push(output.persist);
      trace?.persist(this.id, output.persist);
      this.schedulePersist();
    }
    if (output.messages.length > 0) {
      if (trace) for (const m of output.messages) trace.send(m);
      this.transport.send(output.messages);
    }
    if (output.restore) {
      this.replica = this.machine.restore(output.restore.data);
      this.counters.snapshotsInstalled++;
    }
    for (const a of output.apply) this.applyEntry(a);
    trace?.apply(this.id, output);
    for (const r of output.reads) if (this.reads.complete(r.requestId, (k) => this.kvReplica()?.kv.read(k) ?? null)) this.counters.readsCompleted++;
    for (const e of output.errors) this.onError(e);
    if (this.confChanges.size > 0) {
      this.confChanges.onOutput(output.proposed, output.errors);
      this.confChanges.onState(state);
    }
    if (state.leaderId !== this.lastLeaderSeen || state.role !== before.role) {
      // A new leader may not have our forwarded writes: hand it everything outstanding, in order.
      this.lastLeaderSeen = state.leaderId;
      if (state.leaderId !== null && this.writes.size > 0) this.resendAll = true;
    }
    if (output.apply.length > 0 && state.appliedIndex - state.log.snapshotIndex >= this.snapshotEvery) this.compact();
    if (output.apply.length > 0 || state.role !== before.role || state.term !== before.term || state.cluster !== before.cluster) this.notify();
    return output;
  }

  private applyEntry(a: import('../../core').ApplyEntry): void {
    let applied;
    try {
      applied = this.replica.apply(a);
    } catch {
      // apply advanced its index before decoding; every replica skips the same entry.
      this.counters.badEntries++;
      return;
    }
    if (applied === null) return;
    const done = this.writes.onApplied(applied);
    if (done) this.completed([done]);
  }

  private completed(done: readonly Completion[]): void {
    for (const c of done) {
      if (c.outcome === 'ok') this.counters.writesCompleted++;
      else this.counters.writesUnknown++;
      this.trace?.clientComplete(this.clientId, c.seq, c.outcome);
    }
  }

  private compact(): void {
    const s = this.state as RaftState;
    if (this.replica.lastApplied !== s.appliedIndex || s.appliedIndex <= s.log.snapshotIndex) return;
    const out = this.feed({ type: 'Snapshot', index: s.appliedIndex, data: this.replica.snapshot() });
    if (out && out.actions.includes('CompactLog')) this.counters.snapshotsTaken++;
  }

  private onError(e: RaftError): void {
    if (e.type === 'ReadFailed') this.failedReads.push(e.requestId);
  }

  private schedulePersist(): void {
    if (this.persistScheduled) return;
    this.persistScheduled = true;
    queueMicrotask(() => this.flushPersist());
  }

  /** Makes every queued record durable with one storage write, then acknowledges them to core. */
  private flushPersist(): void {
    this.persistScheduled = false;
    if (this.run !== 'running' || this.persistQueue.length === 0) return;
    let records = this.persistQueue;
    this.persistQueue = [];
    try {
      this.storage.appendAll(records);
    } catch (e) {
      if (e instanceof FencedOut) {
        // Not acknowledged: core never learns these records are durable, so nothing they promise is sent.
        this.fail('fenced-out', `another tab took over this node's storage: ${e.message}`);
        return;
      }
      if (!(e instanceof StorageFull)) {
        this.fail('failed', `storage write failed: ${(e as Error)?.message ?? e}`);
        return;
      }
      // Nothing was written. A snapshot drops the log prefix; retry once with it included.
      this.persistQueue = records;
      this.compact();
      records = this.persistQueue;
      this.persistQueue = [];
      try {
        this.storage.appendAll(records);
      } catch (again) {
        if (again instanceof FencedOut) {
          this.fail('fenced-out', `another tab took over this node's storage: ${again.message}`);
          return;
        }
        this.fail(again instanceof StorageFull ? 'storage-full' : 'failed', `storage full even after compaction: ${(again as Error)?.message ?? again}`);
        return;
      }
    }
    this.counters.persistWrites++;
    this.feed({ type: 'PersistAck', seq: records[records.length - 1].seq });
  }

  private onTick(): void {
    if (this.run !== 'running') return;
    this.feed({ type: 'Tick' });
    const now = this.now();
    this.nudgeStuckFollowers(now);
    this.completed(this.writes.expire(now));
    this.reads.expire(now);
    this.confChanges.expire(now);
    for (const [id, f] of this.forwardedConfChanges) {
      if (now < f.deadline) continue;
      this.forwardedConfChanges.delete(id);
      f.reject(new ClientError('Timeout', 'the leader did not answer in time; the change may still take effect'));
    }
    if (this.failedReads.length > 0) {
      const retry = this.reads.reissue(this.failedReads, now);
      this.failedReads = [];
      for (const id of retry) this.issueRead(id);
    }
    this.ticksSinceRetryScan++;
    if (this.resendAll) {
      this.resendAll = false;
      this.ticksSinceRetryScan = 0;
      this.route(this.writes.takeForSending(now, this.retryMs, true));
    } else if (this.ticksSinceRetryScan * this.tickMs >= this.retryMs / 4) {
      this.ticksSinceRetryScan = 0;
      this.route(this.writes.takeForSending(now, this.retryMs));
      for (const id of this.reads.reissue(this.reads.unanswered(now, this.retryMs), now)) this.issueRead(id);
    }
  }

  /**
   * Works around a core liveness bug (reported to core's owner): a follower in Probe mode whose
   * next index is at or below the leader's snapshot gets heartbeats anchored at the snapshot
   * index; it rejects them, backtrack discards the rejections as stale (their prevLogIndex is not
   * next - 1), and nothing else calls sendAppend, so the snapshot is never sent while the cluster
   * is idle. Any Propose runs broadcastAppend, which sends it. So, at most once a second, the
   * leader proposes a read-only KV command from its own session: harmless to every replica.
   */
  private nudgeStuckFollowers(now: number): void {
    const s = this.state;
    if (s === null || s.role !== 'Leader' || s.leader === null || now - this.lastNudgeAt < 1000) return;
    const stuck = Object.values(s.leader.progress).some((pr) => pr.mode === 'Probe' && pr.next <= s.log.snapshotIndex);
    if (!stuck) return;
    this.lastNudgeAt = now;
    this.counters.nudges++;
    this.propose([this.machine.noop(`${this.clientId}.nudge`, ++this.nudgeSeq)]);
  }

  private issueRead(requestId: string): void {
    this.feed({ type: 'Read', requestId });
  }

  // -------------------------------------------------------------------------------------------
  // Proposals: local when leading, forwarded otherwise
  // -------------------------------------------------------------------------------------------

  private route(data: readonly string[]): void {
    if (data.length === 0 || this.state === null) return;
    const s = this.state;
    if (s.role === 'Leader') {
      const rejected = this.propose(data);
      if (rejected !== null) this.writes.markUnsent(data);
      return;
    }
    // No known leader: the retry scan sends them again once one is known (or resendAll does).
    if (s.leaderId === null || s.leaderId === this.id) return;
    for (const chunk of splitForward(data, FORWARD_UNITS)) {
      this.counters.forwardsSent++;
      this.transport.sendApp(s.leaderId, { kind: 'forward', id: ++this.forwardCounter, data: chunk });
    }
  }

  /** Proposes as leader; returns the error when core refused the batch. */
  private propose(data: readonly string[]): RaftError | null {
    const requestId = `${this.id}:p${++this.proposalCounter}`;
    const out = this.feed({ type: 'Propose', requestId, data });
    if (out === null) return { type: 'InvalidInput', reason: 'node not running' };
    return out.errors.find((e) => 'requestId' in e && e.requestId === requestId) ?? null;
  }

  private onMessages(_from: string, messages: readonly Message[]): void {
    for (const m of messages) this.feed({ type: 'Receive', message: m });
  }

  private onApp(from: string, frame: AppFrame): void {
    if (this.run !== 'running' || this.state === null) return;
    if (frame.kind === 'conf-change') return this.onForwardedConfChange(from, frame);
    if (frame.kind === 'conf-change-result') return this.onConfChangeResult(frame);
    if (frame.kind === 'forward-rejected') {
      this.counters.forwardsRejected++;
      this.resendAll = true;
      return;
    }
    this.counters.forwardsReceived++;
    // Entries are opaque to Raft but not to the state machine: never commit what no replica can apply.
    const valid = frame.data.filter((d) => {
      try {
        this.machine.validate(d);
        return true;
      } catch {
        this.counters.badForwardedCommands++;
        return false;
      }
    });
    if (valid.length === 0) return;
    const s = this.state;
    const error = s.role === 'Leader' ? this.propose(valid) : ({ type: 'NotLeader', requestId: '', leaderHint: s.leaderId } as RaftError);
    if (error === null) return;
    const hint = error.type === 'NotLeader' ? error.leaderHint : null;
    this.transport.sendApp(from, { kind: 'forward-rejected', id: frame.id, reason: error.type === 'NotLeader' ? 'NotLeader' : 'Dropped', leaderHint: hint });
  }

  // -------------------------------------------------------------------------------------------
  // Observation
  // -------------------------------------------------------------------------------------------

  /** Called after steps that applied entries or changed role or term, and on life-cycle changes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // A UI listener's bug must not stop the node.
      }
    }
  }

  /** status().run without building the rest of the status. */
  get runState(): NodeRunState {
    return this.run;
  }

  status(): NodeStatus {
    const s = this.state;
    return {
      id: this.id, clientId: this.clientId, incarnation: this.incarnation, run: this.run, reason: this.reason,
      role: s?.role ?? 'Follower', term: s?.term ?? 0, leader: s?.role === 'Leader' ? this.id : s?.leaderId ?? null,
      commit: s?.commitIndex ?? 0, applied: s?.appliedIndex ?? 0,
      lastIndex: s ? s.log.snapshotIndex + s.log.entries.size : 0, snapshotIndex: s?.log.snapshotIndex ?? 0,
      logEntries: s?.log.entries.size ?? 0, keys: this.contents().size,
      pendingWrites: this.writes.size, pendingReads: this.reads.size,
      partitioned: this.transport.partitioned, peers: this.transport.peers(), counters: { ...this.counters },
      traceLines: this.trace?.size ?? 0,
      config: s ? membershipView(s.cluster, s.configIndex, s.commitIndex, this.id) : membershipView(this.config.cluster, 0, 0, this.id),
      pendingConfChanges: this.confChanges.size,
    };
  }

  /** Keys and UTF-16 units this node holds in storage (scans the store: not for hot paths). */
  storageUsage(): StorageUsage {
    return this.storage.usage();
  }

  /**
   * The trace of this incarnation as NDJSON, End line included (empty string when tracing is
   * off). The lines are taken at the call; the promise waits only for their hash.
   */
  exportTrace(): Promise<string> {
    return this.trace?.ndjson() ?? Promise.resolve('');
  }

  /** For tests: the core state (read-only). */
  get raftState(): RaftState | null {
    return this.state;
  }
}
