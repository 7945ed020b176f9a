// The whole of a node, as one immutable value. `step` returns a new one and never touches the old.

import type { ClusterConfig, DurableState, LogIndex, NodeId, RaftConfig, Role, Snapshot, Term, Ticks } from './types';
import { EMPTY_LOG, RaftLog, logFromEntries } from './log';
import { RngState, nextInt, seedRng } from './rng';
import { validateConfig } from './config';
import { EMPTY_HELD, type HeldQueue } from './held-queue';
import { configFromLog } from './membership';

export type { HeldMessage, HeldQueue } from './held-queue';

export type ReplicationMode = 'Probe' | 'Replicate' | 'Snapshot';

export interface InflightAppend {
  readonly lastIndex: LogIndex;
  readonly bytes: number;
  /**
   * The leader's heartbeat round when it was sent. An answer to a message of a later round that
   * still does not cover it shows that it was lost (see replication.ts, resendLostAppends).
   */
  readonly round: number;
}

/** The leader's view of one follower (etcd's Progress). */
export interface Progress {
  readonly match: LogIndex;
  readonly next: LogIndex;
  readonly mode: ReplicationMode;
  /** Probe mode sends one AppendEntries and then waits for its answer or the next heartbeat. */
  readonly probeSent: boolean;
  readonly inflight: readonly InflightAppend[];
  readonly inflightBytes: number;
  /** Heard from since the last CheckQuorum round. */
  readonly recentActive: boolean;
  /** The newest heartbeat round this follower has answered (ReadIndex confirmation). */
  readonly ackedRound: number;
  /**
   * The snapshot being streamed to this follower (in Snapshot mode; null otherwise). It is pinned:
   * the transfer finishes with it even if the leader compacts again meanwhile, because restarting
   * at every compaction starves a follower whose transfer outlasts the compaction interval. It is
   * released when the follower installs it or the transfer is abandoned (see snapshot.ts).
   */
  readonly pinnedSnapshot: Snapshot | null;
  /** How many bytes of the pinned snapshot the follower has acknowledged. */
  readonly snapshotAckedBytes: number;
  /**
   * The leader's round when snapshotAckedBytes last changed. A chunk sent in a later round was
   * sent from that offset, so only an answer to one can show the follower lost bytes it had
   * acknowledged; an answer from this round or before may simply have been overtaken.
   */
  readonly snapshotAckedRound: number;
  /**
   * The highest commit index this follower has been sent, as it will read it (capped at the last
   * index each message proves it holds). A commit-only AppendEntries that would tell it no more is
   * not sent.
   */
  readonly sentCommit: LogIndex;
}

export interface PendingRead {
  readonly requestId: string;
  readonly index: LogIndex;
  readonly round: number;
  /** null: the leader's own client; otherwise the follower that asked on a client's behalf. */
  readonly requester: NodeId | null;
}

export interface LeaderState {
  readonly progress: Readonly<Record<NodeId, Progress>>;
  /** Heartbeat rounds: every broadcast gets a new number; answers echo it. */
  readonly round: number;
  readonly roundSentAt: readonly { readonly round: number; readonly tick: Ticks }[];
  /** Reads arriving before the leader committed an entry of its own term wait here (§6.4 step 1). */
  readonly readsAwaitingCommit: readonly Omit<PendingRead, 'round' | 'index'>[];
  readonly pendingReads: readonly PendingRead[];
  readonly transfer: { readonly to: NodeId; readonly startedAt: Ticks } | null;
  /**
   * Set once this leader sends TimeoutNow. Voters ignore their lease for a transfer election, so
   * from then on another leader may exist while this one's lease looks valid: no more lease reads.
   */
  readonly leaseRevoked: boolean;
  readonly uncommittedBytes: number;
  /** The leader's own log counts toward commit only up to what is durable. */
  readonly durableMatch: LogIndex;
  /** Every member of the configuration in effect but this leader: whom it replicates to (the keys of `progress`). */
  readonly peers: readonly NodeId[];
  /** How many of `peers` are members only of the previous configuration (until the current one commits). */
  readonly retiring: number;
}

export interface IncomingSnapshot {
  readonly from: NodeId;
  readonly term: Term;
  readonly index: LogIndex;
  readonly lastTerm: Term;
  readonly config: ClusterConfig;
  readonly data: string;
}

export interface RaftState {
  readonly config: RaftConfig;
  /** The configuration in effect: the latest Config entry in the log, else the snapshot's, else config.cluster. */
  readonly cluster: ClusterConfig;
  /** The log index `cluster` came from (the snapshot's index, or 0 for config.cluster). */
  readonly configIndex: LogIndex;
  // Persistent state (Figure 2), mirrored to storage through PersistRecords.
  readonly term: Term;
  readonly votedFor: NodeId | null;
  readonly log: RaftLog;
  readonly snapshot: Snapshot | null;
  // Volatile state.
  readonly role: Role;
  readonly leaderId: NodeId | null;
  readonly commitIndex: LogIndex;
  /** Highest index handed to the application through Output.apply. */
  readonly appliedIndex: LogIndex;
  readonly rng: RngState;
  readonly tick: Ticks;
  readonly electionElapsed: Ticks;
  readonly randomizedElectionTimeout: Ticks;
  readonly heartbeatElapsed: Ticks;
  /** Votes (or pre-votes) granted to this node in its current campaign. */
  readonly votesGranted: readonly NodeId[];
  readonly votesRejected: readonly NodeId[];
  readonly leader: LeaderState | null;
  readonly incomingSnapshot: IncomingSnapshot | null;
  /** Read results waiting until the application has applied up to their index. */
  readonly readyReads: readonly { readonly requestId: string; readonly index: LogIndex }[];
  // Persistence pipeline.
  readonly persistSeq: number;
  readonly durableSeq: number;
  /** Responses waiting for their writes to be acknowledged (a persistent queue, see held-queue.ts). */
  readonly held: HeldQueue;
}

export function randomElectionTimeout(config: RaftConfig, rng: RngState): [Ticks, RngState] {
  return nextInt(rng, config.electionTimeoutTicks, 2 * config.electionTimeoutTicks);
}

/** A brand-new node with an empty log. */
export function initialState(config: RaftConfig): RaftState {
  return restartState(config, { term: 0, votedFor: null, snapshot: null, entries: [] }, 0);
}

/**
 * A node coming back from a crash: only what storage held survives. `lastSeq` is the sequence
 * number of the last persist record storage saw, so that new records continue the numbering.
 */
export function restartState(config: RaftConfig, durable: DurableState, lastSeq: number): RaftState {
  validateConfig(config);
  const snapshot = durable.snapshot;
  const log = snapshot ? logFromEntries(snapshot.index, snapshot.term, durable.entries) : durable.entries.length ? logFromEntries(0, 0, durable.entries) : EMPTY_LOG;
  const [timeout, rng] = randomElectionTimeout(config, seedRng(config.seed + lastSeq * 7919));
  const compactedUpTo = snapshot ? snapshot.index : 0;
  const inEffect = configFromLog({ log, snapshot, config });
  return {
    config,
    cluster: inEffect.config,
    configIndex: inEffect.index,
    term: durable.term,
    votedFor: durable.votedFor,
    log,
    snapshot,
    role: 'Follower',
    leaderId: null,
    commitIndex: compactedUpTo,
    appliedIndex: compactedUpTo,
    rng,
    tick: 0,
    electionElapsed: 0,
    randomizedElectionTimeout: timeout,
    heartbeatElapsed: 0,
    votesGranted: [],
    votesRejected: [],
    leader: null,
    incomingSnapshot: null,
    readyReads: [],
    persistSeq: lastSeq,
    durableSeq: lastSeq,
    held: EMPTY_HELD,
  };
}

/**
 * A shallow copy with every field written out, in restartState's order: all states then share one
 * hidden class, and the copy is a straight run of stores. A spread of this many fields was the
 * single most expensive line of a simulator step. A new field must be added here as well.
 */
export function copyState(s: RaftState): RaftState {
  return {
    config: s.config,
    cluster: s.cluster,
    configIndex: s.configIndex,
    term: s.term,
    votedFor: s.votedFor,
    log: s.log,
    snapshot: s.snapshot,
    role: s.role,
    leaderId: s.leaderId,
    commitIndex: s.commitIndex,
    appliedIndex: s.appliedIndex,
    rng: s.rng,
    tick: s.tick,
    electionElapsed: s.electionElapsed,
    randomizedElectionTimeout: s.randomizedElectionTimeout,
    heartbeatElapsed: s.heartbeatElapsed,
    votesGranted: s.votesGranted,
    votesRejected: s.votesRejected,
    leader: s.leader,
    incomingSnapshot: s.incomingSnapshot,
    readyReads: s.readyReads,
    persistSeq: s.persistSeq,
    durableSeq: s.durableSeq,
    held: s.held,
  };
}

/**
 * Makes every field of the states' hidden class a tagged one, once, at load. V8 would otherwise
 * keep `rng` (a 32-bit unsigned number, above the small-integer range half the time) in a double
 * field, and a double field cannot share its box: every copyState allocated a fresh one (32 B of
 * a 248 B copy, measured). A tagged field holds a pointer to an immutable number, which copies
 * share. Purely a layout hint: the values and the shape of every state are unchanged.
 */
copyState({} as RaftState);

/**
 * The leader's state, copied field by field for the same reason. The progress record is shared:
 * a step that changes no follower's progress need not copy it (StepContext copies it on first write).
 */
export function copyLeaderState(l: LeaderState): LeaderState {
  return {
    progress: l.progress,
    round: l.round,
    roundSentAt: l.roundSentAt,
    readsAwaitingCommit: l.readsAwaitingCommit,
    pendingReads: l.pendingReads,
    transfer: l.transfer,
    leaseRevoked: l.leaseRevoked,
    uncommittedBytes: l.uncommittedBytes,
    durableMatch: l.durableMatch,
    peers: l.peers,
    retiring: l.retiring,
  };
}

/** One follower's progress, field by field, in the order a new leader creates it. */
export function copyProgress(p: Progress): Progress {
  return {
    match: p.match,
    mode: p.mode,
    probeSent: p.probeSent,
    inflight: p.inflight,
    inflightBytes: p.inflightBytes,
    recentActive: p.recentActive,
    ackedRound: p.ackedRound,
    pinnedSnapshot: p.pinnedSnapshot,
    snapshotAckedBytes: p.snapshotAckedBytes,
    snapshotAckedRound: p.snapshotAckedRound,
    sentCommit: p.sentCommit,
    next: p.next,
  };
}
