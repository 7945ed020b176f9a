// The contract of core: every type that crosses the boundary of `step`.
//
// Names follow Ongaro's raft.tla wherever the concept exists there (RequestVoteRequest,
// AppendEntriesResponse, ...), so that code, trace and spec share one vocabulary
// (docs/architecture.md keeps the table).

export type NodeId = string;
export type Term = number;
export type LogIndex = number;
/** A logical clock: the number of Tick inputs a node has seen. Never wall time. */
export type Ticks = number;

export type Role = 'Follower' | 'PreCandidate' | 'Candidate' | 'Leader';

// ---------------------------------------------------------------------------------------------
// Log entries
// ---------------------------------------------------------------------------------------------

/**
 * `Noop` is what a new leader appends so that it can commit an entry of its own term (§5.4.2).
 * `Config` carries a configuration (core/membership.ts encodes it in `data`); a server uses the
 * latest one in its log from the moment it is appended, committed or not (dissertation §4.1).
 */
export type EntryType = 'Normal' | 'Noop' | 'Config';

export interface Entry {
  readonly term: Term;
  readonly type: EntryType;
  /** Opaque to Raft. The key-value state machine stores a JSON-encoded command here. */
  readonly data: string;
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/**
 * A configuration (dissertation ch. 4). `voters` decide elections and commits; `learners` receive
 * the log but never vote or campaign. While joint (§4.3), `votersOutgoing` holds the voters of the
 * configuration being left, and every decision needs a majority of `voters` AND of `votersOutgoing`.
 */
export interface ClusterConfig {
  readonly voters: readonly NodeId[];
  /** Present only in a joint configuration. */
  readonly votersOutgoing?: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  /** Joint only: the leader appends the final configuration by itself once this one commits. */
  readonly autoLeave?: boolean;
}

/** One change of a ProposeConfChange (ConfChangeV2-style: a list of them is one proposal). */
export interface ConfChange {
  readonly kind: 'AddVoter' | 'AddLearner' | 'RemoveNode';
  readonly node: NodeId;
}

/**
 * Why a configuration change was refused. `ConfChangeInProgress`: a configuration entry is not yet
 * committed, or a joint configuration is still in effect. `ConfChangeBeforeTermCommit`: the leader
 * has not committed an entry of its own term yet (the 2015 single-server fix). `RemoveLastVoter`:
 * the change would leave no voter. `UnknownNode`: removal of a node that is not a member.
 * `NotJoint`: an empty change (an explicit LeaveJoint) outside a joint configuration.
 */
export type ConfChangeRefusal = 'ConfChangeInProgress' | 'ConfChangeBeforeTermCommit' | 'RemoveLastVoter' | 'UnknownNode' | 'NotJoint';

export interface RaftConfig {
  /** Every message carries it; a message from another cluster is rejected. */
  readonly clusterId: string;
  readonly id: NodeId;
  /** The initial configuration. Once running, the configuration lives in state. */
  readonly cluster: ClusterConfig;
  /** Seeds the node's own timeout generator (its state lives in RaftState.rng). */
  readonly seed: number;
  /** Election timeouts are drawn uniformly from [electionTimeoutTicks, 2 * electionTimeoutTicks). */
  readonly electionTimeoutTicks: Ticks;
  readonly heartbeatIntervalTicks: Ticks;
  /** Dissertation §9.6: a pre-election round that never changes anybody's term. */
  readonly preVote: boolean;
  /** Dissertation §9.6: a leader steps down after an election timeout without hearing from a quorum. */
  readonly checkQuorum: boolean;
  /**
   * Dissertation §6.4.1. Serving reads from a lease assumes that no node's clock runs faster than
   * another's by more than `leaseClockDriftBoundTicks` within one election timeout. Requires checkQuorum.
   */
  readonly leaseRead: boolean;
  readonly leaseClockDriftBoundTicks: Ticks;
  readonly maxEntriesPerAppend: number;
  readonly maxBytesPerAppend: number;
  /** In-flight AppendEntriesRequests per follower in replicate mode. */
  readonly maxInflightAppends: number;
  readonly maxInflightBytes: number;
  /** Proposals beyond this many uncommitted bytes are dropped with a typed error. */
  readonly maxUncommittedBytes: number;
  readonly snapshotChunkBytes: number;
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

interface Envelope {
  readonly cluster: string;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: Term;
}

export interface RequestVoteRequest extends Envelope {
  readonly type: 'RequestVoteRequest';
  readonly lastLogIndex: LogIndex;
  readonly lastLogTerm: Term;
  /** Set when the election was started by TimeoutNow: voters then ignore their leader lease. */
  readonly transfer: boolean;
}

export interface RequestVoteResponse extends Envelope {
  readonly type: 'RequestVoteResponse';
  readonly granted: boolean;
}

/** A PreVote request carries the term the candidate *would* use; nobody adopts it (§9.6). */
export interface PreVoteRequest extends Envelope {
  readonly type: 'PreVoteRequest';
  readonly lastLogIndex: LogIndex;
  readonly lastLogTerm: Term;
}

export interface PreVoteResponse extends Envelope {
  readonly type: 'PreVoteResponse';
  readonly granted: boolean;
}

export interface AppendEntriesRequest extends Envelope {
  readonly type: 'AppendEntriesRequest';
  readonly prevLogIndex: LogIndex;
  readonly prevLogTerm: Term;
  readonly entries: readonly Entry[];
  readonly leaderCommit: LogIndex;
  /** The leader's heartbeat round; echoed back so that ReadIndex can count confirmations. */
  readonly round: number;
}

export interface AppendEntriesResponse extends Envelope {
  readonly type: 'AppendEntriesResponse';
  readonly success: boolean;
  /** On success: the last index known to match the leader. */
  readonly matchIndex: LogIndex;
  /** On failure: where the leader should retry (fast backtracking hint). */
  readonly conflictIndex: LogIndex;
  /** On failure: the term of the follower's entry at prevLogIndex, or 0 if it has none there. */
  readonly conflictTerm: Term;
  /** Echoes the request, so the leader can tell a stale rejection from a current one. */
  readonly prevLogIndex: LogIndex;
  readonly round: number;
}

export interface InstallSnapshotRequest extends Envelope {
  readonly type: 'InstallSnapshotRequest';
  readonly lastIncludedIndex: LogIndex;
  readonly lastIncludedTerm: Term;
  readonly lastIncludedConfig: ClusterConfig;
  readonly offset: number;
  readonly data: string;
  readonly done: boolean;
  readonly round: number;
}

export interface InstallSnapshotResponse extends Envelope {
  readonly type: 'InstallSnapshotResponse';
  readonly lastIncludedIndex: LogIndex;
  /** Bytes of the snapshot the follower holds so far; the whole length once installed. */
  readonly bytesReceived: number;
  readonly installed: boolean;
  readonly round: number;
}

/** Leadership transfer (§3.10): the target starts an election at once. */
export interface TimeoutNowRequest extends Envelope {
  readonly type: 'TimeoutNowRequest';
}

/** A follower asks the leader for a read index on behalf of one of its clients (§6.4). */
export interface ReadIndexRequest extends Envelope {
  readonly type: 'ReadIndexRequest';
  readonly requestId: string;
}

export interface ReadIndexResponse extends Envelope {
  readonly type: 'ReadIndexResponse';
  readonly requestId: string;
  /** -1 when the leader could not serve it (no longer leader). */
  readonly readIndex: LogIndex;
}

export type Message =
  | RequestVoteRequest
  | RequestVoteResponse
  | PreVoteRequest
  | PreVoteResponse
  | AppendEntriesRequest
  | AppendEntriesResponse
  | InstallSnapshotRequest
  | InstallSnapshotResponse
  | TimeoutNowRequest
  | ReadIndexRequest
  | ReadIndexResponse;

export type MessageType = Message['type'];

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

export type Input =
  /**
   * One tick of the node's logical clock, or `count` of them at once: a count of at most
   * ticksUntilNextTimer(state) equals that many single Ticks exactly (core/timers.ts); a larger
   * one is refused (InvalidInput) and changes nothing.
   */
  | { readonly type: 'Tick'; readonly count?: Ticks }
  | { readonly type: 'Receive'; readonly message: Message }
  | { readonly type: 'Propose'; readonly requestId: string; readonly data: readonly string[] }
  | { readonly type: 'Read'; readonly requestId: string }
  /** Everything in persist records up to and including `seq` is durable. */
  | { readonly type: 'PersistAck'; readonly seq: number }
  /** The application took a snapshot of its state at `index` (which it has applied). */
  | { readonly type: 'Snapshot'; readonly index: LogIndex; readonly data: string }
  | { readonly type: 'TransferLeadership'; readonly to: NodeId }
  /**
   * A membership change (ProposeConfChange). One change of a single voter is a simple change;
   * anything else, or any change with `leaveJoint` set, goes through a joint configuration, left
   * automatically ('auto', the default) or by a later ProposeConfChange with no changes ('explicit').
   */
  | { readonly type: 'ProposeConfChange'; readonly requestId: string; readonly changes: readonly ConfChange[]; readonly leaveJoint?: 'auto' | 'explicit' };

export type InputType = Input['type'];

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

export interface SnapshotMeta {
  readonly index: LogIndex;
  readonly term: Term;
  readonly config: ClusterConfig;
}

export interface Snapshot extends SnapshotMeta {
  readonly data: string;
}

/**
 * One write the caller must make durable, then acknowledge with PersistAck{seq}.
 * Its parts apply in this order: snapshot, hard state, truncation, append.
 * Records are cumulative and ordered: acknowledging seq N acknowledges every record before it.
 */
export interface PersistRecord {
  readonly seq: number;
  readonly term?: Term;
  /** `null` means "voted for nobody in this term"; absent means unchanged. */
  readonly votedFor?: NodeId | null;
  /** Drop every entry with index >= truncateFrom before appending. */
  readonly truncateFrom?: LogIndex;
  /** Entries starting at `appendFrom`. */
  readonly appendFrom?: LogIndex;
  readonly entries?: readonly Entry[];
  /** Replace everything up to snapshot.index; the log keeps only entries after it. */
  readonly snapshot?: Snapshot;
}

/** What survives a crash; a node restarts from exactly this. */
export interface DurableState {
  readonly term: Term;
  readonly votedFor: NodeId | null;
  readonly snapshot: Snapshot | null;
  /** Entries from (snapshot ? snapshot.index + 1 : 1) onward. */
  readonly entries: readonly Entry[];
}

export interface ApplyEntry {
  readonly index: LogIndex;
  readonly entry: Entry;
}

export interface ReadResult {
  readonly requestId: string;
  /** Serve the read from the state machine as of this index (already applied when emitted). */
  readonly index: LogIndex;
}

export interface Proposed {
  readonly requestId: string;
  readonly firstIndex: LogIndex;
  readonly count: number;
  readonly term: Term;
}

export type RaftError =
  | { readonly type: 'NotLeader'; readonly requestId: string; readonly leaderHint: NodeId | null }
  | { readonly type: 'ProposalDropped'; readonly requestId: string; readonly reason: 'UncommittedBound' | 'TransferInProgress' }
  | { readonly type: 'ReadFailed'; readonly requestId: string; readonly reason: 'NotLeader' | 'LeadershipLost'; readonly leaderHint: NodeId | null }
  | { readonly type: 'TransferRejected'; readonly to: NodeId; readonly reason: string }
  | { readonly type: 'TransferAborted'; readonly to: NodeId }
  | { readonly type: 'ConfChangeRejected'; readonly requestId: string; readonly reason: ConfChangeRefusal; readonly node?: NodeId }
  | { readonly type: 'InvalidMessage'; readonly reason: string; readonly from: unknown }
  | { readonly type: 'InvalidInput'; readonly reason: string };

/**
 * What happened inside one step, named after the spec's actions. Sim writes these into traces;
 * TLA+ trace validation matches them against the spec.
 */
export type ActionName =
  | 'Timeout'
  | 'PreVoteTimeout'
  | 'RequestVote'
  | 'BecomeLeader'
  | 'BecomeFollower'
  | 'UpdateTerm'
  | 'ClientRequest'
  | 'AppendEntries'
  | 'AdvanceCommitIndex'
  | 'HandleRequestVoteRequest'
  | 'HandleRequestVoteResponse'
  | 'HandlePreVoteRequest'
  | 'HandlePreVoteResponse'
  | 'HandleAppendEntriesRequest'
  | 'HandleAppendEntriesResponse'
  | 'HandleInstallSnapshotRequest'
  | 'HandleInstallSnapshotResponse'
  | 'HandleTimeoutNowRequest'
  | 'HandleReadIndexRequest'
  | 'HandleReadIndexResponse'
  | 'TruncateLog'
  | 'CompactLog'
  | 'InstallSnapshot'
  | 'CheckQuorumStepDown'
  | 'TransferLeadership'
  | 'ReadIndex'
  | 'PersistAck'
  | 'ProposeConfChange'
  | 'EnterJoint'
  | 'LeaveJoint'
  | 'StepDownRemoved';

export interface Output {
  /** Safe to send now: anything that depended on unpersisted state has been held back. */
  readonly messages: readonly Message[];
  readonly persist: PersistRecord | null;
  /** Newly committed entries, in order. Apply them before serving `reads`. */
  readonly apply: readonly ApplyEntry[];
  /** A snapshot received from the leader: restore the state machine from it before `apply`. */
  readonly restore: Snapshot | null;
  readonly reads: readonly ReadResult[];
  readonly proposed: readonly Proposed[];
  readonly errors: readonly RaftError[];
  readonly actions: readonly ActionName[];
}
