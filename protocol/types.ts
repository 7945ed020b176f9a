// The raftbed node protocol, version 1: every value that crosses the boundary between the
// simulator (or any other driver) and a Raft node, whatever language the node is written in.
// docs/node-protocol.md is the normative text; protocol/schemas/*.json are the same shapes as
// JSON Schema. This module imports nothing: core is one implementation of it (core-node.ts),
// not its source.
//
// Units: every duration is in ticks (Tick inputs counted by the node), never milliseconds.
// Log indexes start at 1; index 0 is the empty prefix, whose term is 0.

export const PROTOCOL_VERSION = 1;

export type NodeId = string;
export type Term = number;
export type LogIndex = number;
export type Ticks = number;

export type Role = 'Follower' | 'PreCandidate' | 'Candidate' | 'Leader';
export const ROLES: readonly Role[] = ['Follower', 'PreCandidate', 'Candidate', 'Leader'];

export type EntryType = 'Normal' | 'Noop' | 'Config';
export const ENTRY_TYPES: readonly EntryType[] = ['Normal', 'Noop', 'Config'];

export interface Entry {
  readonly term: Term;
  /** Normal: a client command in `data`. Noop: a new leader's empty entry (§5.4.2). Config: membership. */
  readonly type: EntryType;
  /** Opaque to Raft and to the simulator's checkers: the state machine decodes it. */
  readonly data: string;
}

/** Implementation-private fields of a message or snapshot: routed and stored unchanged, never read. */
export type Ext = Readonly<Record<string, unknown>>;

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  /** The sender's current term (a PreVoteRequest carries the term it would campaign in). */
  readonly term: Term;
  readonly ext?: Ext;
}

export interface RequestVoteRequest extends Envelope {
  readonly type: 'RequestVoteRequest';
  readonly lastLogIndex: LogIndex;
  readonly lastLogTerm: Term;
  /** The election was started by TimeoutNow (leadership transfer); always false without it. */
  readonly transfer: boolean;
}

export interface RequestVoteResponse extends Envelope {
  readonly type: 'RequestVoteResponse';
  readonly granted: boolean;
}

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
}

export interface AppendEntriesResponse extends Envelope {
  readonly type: 'AppendEntriesResponse';
  readonly success: boolean;
  /** On success, the last index known to match the leader's log; 0 on failure. */
  readonly matchIndex: LogIndex;
}

export interface InstallSnapshotRequest extends Envelope {
  readonly type: 'InstallSnapshotRequest';
  readonly lastIncludedIndex: LogIndex;
  readonly lastIncludedTerm: Term;
  /** Byte offset of this chunk within the snapshot's data. */
  readonly offset: number;
  readonly data: string;
  readonly done: boolean;
}

export interface InstallSnapshotResponse extends Envelope {
  readonly type: 'InstallSnapshotResponse';
  readonly lastIncludedIndex: LogIndex;
  /** The follower holds the whole snapshot (or already has everything it covers). */
  readonly installed: boolean;
}

export interface TimeoutNowRequest extends Envelope {
  readonly type: 'TimeoutNowRequest';
}

/** Anything else one implementation sends to itself across nodes (ReadIndex, ...): routed, never read. */
export interface ExtensionMessage extends Envelope {
  readonly type: 'Extension';
  /** What it is, for traces and for the receiving implementation. */
  readonly name: string;
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
  | ExtensionMessage;

export type MessageType = Message['type'];

export const MESSAGE_TYPES: readonly MessageType[] = [
  'RequestVoteRequest', 'RequestVoteResponse', 'PreVoteRequest', 'PreVoteResponse', 'AppendEntriesRequest', 'AppendEntriesResponse',
  'InstallSnapshotRequest', 'InstallSnapshotResponse', 'TimeoutNowRequest', 'Extension',
];

// ---------------------------------------------------------------------------------------------
// Persistence
// ---------------------------------------------------------------------------------------------

/**
 * A configuration (dissertation ch. 4). `voters` decide elections and commits. The other fields are
 * optional (capability `membership`): `learners` receive the log but never vote; while joint,
 * `votersOutgoing` holds the voters being left and every decision needs a majority of both;
 * `autoLeave` (joint only): the leader appends the final configuration by itself once this commits.
 */
export interface ClusterConfig {
  readonly voters: readonly NodeId[];
  readonly votersOutgoing?: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  readonly autoLeave?: boolean;
}

/** One change of a ProposeConfChange (ConfChangeV2-style: a list of them is one proposal). */
export interface ConfChange {
  readonly kind: 'AddVoter' | 'AddLearner' | 'RemoveNode';
  readonly node: NodeId;
}
export const CONF_CHANGE_KINDS: readonly ConfChange['kind'][] = ['AddVoter', 'AddLearner', 'RemoveNode'];

/** Why a configuration change was refused (docs/node-protocol.md §membership). */
export type ConfChangeRefusal = 'ConfChangeInProgress' | 'ConfChangeBeforeTermCommit' | 'RemoveLastVoter' | 'UnknownNode' | 'NotJoint';
export const CONF_CHANGE_REFUSALS: readonly ConfChangeRefusal[] = ['ConfChangeInProgress', 'ConfChangeBeforeTermCommit', 'RemoveLastVoter', 'UnknownNode', 'NotJoint'];

export interface Snapshot {
  /** The last index the snapshot covers, and that entry's term. */
  readonly index: LogIndex;
  readonly term: Term;
  /** The state machine's serialised state as of `index`. */
  readonly data: string;
  /** The configuration as of `index`, when the implementation tracks one. */
  readonly config?: ClusterConfig;
}

/**
 * One write. Its parts apply in this order: snapshot, hard state (term, votedFor), truncation,
 * append. `seq` numbers records 1, 2, 3... across a node's lives (a restart continues after
 * Restart.lastSeq). Acknowledgement is cumulative: PersistAck{seq: n} covers every record <= n.
 */
export interface PersistRecord {
  readonly seq: number;
  readonly term?: Term;
  /** null: voted for nobody in `term`. Absent: unchanged. */
  readonly votedFor?: NodeId | null;
  /** Drop every entry with index >= truncateFrom. */
  readonly truncateFrom?: LogIndex;
  /** The index of entries[0]: exactly one past the last entry once the truncation is applied. */
  readonly appendFrom?: LogIndex;
  readonly entries?: readonly Entry[];
  /** Replace the log up to snapshot.index; entries after it survive only if the log held snapshot.index at snapshot.term. */
  readonly snapshot?: Snapshot;
}

/** What survives a crash: the node restarts from exactly this. */
export interface DurableState {
  readonly term: Term;
  readonly votedFor: NodeId | null;
  readonly snapshot: Snapshot | null;
  /** Entries from (snapshot ? snapshot.index + 1 : 1) on. */
  readonly entries: readonly Entry[];
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/** Settings every implementation must honour or refuse (with a fatal output) at Init. */
export interface NodeOptions {
  /** Election timeouts are drawn from [electionTimeoutTicks, 2 * electionTimeoutTicks). */
  readonly electionTimeoutTicks: Ticks;
  /** A leader sends AppendEntries (heartbeats) to every follower at least this often. */
  readonly heartbeatIntervalTicks: Ticks;
  /** Dissertation §9.6: a pre-election round that changes nobody's term. */
  readonly preVote: boolean;
  /** Dissertation §6.2 / §9.6: a leader that heard from no quorum within an election timeout steps down. */
  readonly checkQuorum: boolean;
}

export interface InitInput {
  readonly type: 'Init';
  readonly protocol: number;
  readonly id: NodeId;
  /** Every voter of the cluster, this node included, in the driver's fixed order. */
  readonly voters: readonly NodeId[];
  /** The node's only source of randomness: an unsigned 32-bit integer. */
  readonly seed: number;
  readonly options: NodeOptions;
  /** Implementation-specific settings, passed through untouched (core: clusterId, flow-control limits). */
  readonly impl?: Ext;
}

/** Init for a node that crashed: its durable state, and the seq of the last record that survived. */
export interface RestartInput extends Omit<InitInput, 'type'> {
  readonly type: 'Restart';
  readonly durable: DurableState;
  readonly lastSeq: number;
}

export type StartInput = InitInput | RestartInput;

export type StepInput =
  /**
   * `count` (default 1) ticks at once. Only ever sent to a node whose ProtocolNode answers
   * `ticksUntilNextTimer`, and never more than its answer (the simulator's --skip-idle-ticks); not
   * part of the stdio protocol's schema.
   */
  | { readonly type: 'Tick'; readonly count?: Ticks }
  | { readonly type: 'Receive'; readonly message: Message }
  | { readonly type: 'Propose'; readonly requestId: string; readonly data: readonly string[] }
  | { readonly type: 'Read'; readonly requestId: string }
  | { readonly type: 'PersistAck'; readonly seq: number }
  /** Capability `snapshots`: the application snapshotted its state at `index` (already applied). */
  | { readonly type: 'Snapshot'; readonly index: LogIndex; readonly data: string }
  /** Capability `transferLeadership`: hand leadership to `to` (§3.10). */
  | { readonly type: 'TransferLeadership'; readonly to: NodeId }
  /**
   * Capability `membership`: append a configuration entry (a leader only). One change of a single
   * voter is a simple change; anything else enters a joint configuration, left automatically
   * ('auto', the default) or by a later ProposeConfChange with no changes ('explicit').
   */
  | { readonly type: 'ProposeConfChange'; readonly requestId: string; readonly changes: readonly ConfChange[]; readonly leaveJoint?: 'auto' | 'explicit' };

export type Input = StartInput | StepInput;
export type InputType = Input['type'];

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

/** What the checkers and the trace see of a node after each input: O(1) per step. */
export interface NodeView {
  readonly term: Term;
  readonly role: Role;
  readonly votedFor: NodeId | null;
  readonly commitIndex: LogIndex;
  /** The leader this node knows for `term` (itself when Leader), or null. */
  readonly leader: NodeId | null;
  /**
   * The log is not sent: it is the fold of the node's persist records over its durable state at
   * start. These three cross-check that fold (the driver compares them after every step).
   */
  readonly lastIndex: LogIndex;
  readonly lastTerm: Term;
  readonly snapshotIndex: LogIndex;
  /**
   * Optional, added in protocol 1.1 (still `protocol: 1`: an optional field, no meaning changed):
   * bytes of a snapshot this node is receiving from its leader and has not installed yet; absent
   * when none. The simulator's catch-up liveness check counts its growth as progress.
   */
  readonly incomingSnapshotBytes?: number;
  /**
   * Optional (capability `membership`; still `protocol: 1`): the configuration in effect (the
   * latest Config entry of the log, committed or not, else the snapshot's or the initial one) and
   * the index of the entry that holds it. Both absent: the initial configuration (Init's voters).
   */
  readonly config?: ClusterConfig;
  readonly configIndex?: LogIndex;
}

export interface ApplyEntry {
  readonly index: LogIndex;
  readonly entry: Entry;
}

export interface ReadResult {
  readonly requestId: string;
  /** Serve the read from the state machine now: every entry up to `index` has been applied. */
  readonly index: LogIndex;
}

export interface Proposed {
  readonly requestId: string;
  readonly firstIndex: LogIndex;
  readonly count: number;
  readonly term: Term;
}

export type NodeError =
  | { readonly type: 'NotLeader'; readonly requestId: string; readonly leaderHint: NodeId | null }
  | { readonly type: 'ProposalDropped'; readonly requestId: string; readonly reason: string }
  | { readonly type: 'ReadFailed'; readonly requestId: string; readonly reason: string; readonly leaderHint: NodeId | null }
  | { readonly type: 'TransferRejected'; readonly to: NodeId; readonly reason: string }
  | { readonly type: 'TransferAborted'; readonly to: NodeId }
  /** Capability `membership`: a ProposeConfChange refused; `node` names the node a refusal is about. */
  | { readonly type: 'ConfChangeRejected'; readonly requestId: string; readonly reason: ConfChangeRefusal; readonly node?: NodeId }
  /** The node refused a message a peer sent it: never expected between correct nodes. */
  | { readonly type: 'InvalidMessage'; readonly reason: string; readonly from: unknown }
  | { readonly type: 'InvalidInput'; readonly reason: string };

export type NodeErrorType = NodeError['type'];
export const NODE_ERROR_TYPES: readonly NodeErrorType[] = [
  'NotLeader', 'ProposalDropped', 'ReadFailed', 'TransferRejected', 'TransferAborted', 'ConfChangeRejected', 'InvalidMessage', 'InvalidInput',
];

/** Optional features; a node lists those it has in its Hello. */
export type Capability = 'preVote' | 'checkQuorum' | 'snapshots' | 'transferLeadership' | 'actions' | 'membership';
export const CAPABILITIES: readonly Capability[] = ['preVote', 'checkQuorum', 'snapshots', 'transferLeadership', 'actions', 'membership'];

/** The reply to Init and Restart (and only to them). */
export interface Hello {
  readonly protocol: number;
  /** Name and version of the implementation, for reports. */
  readonly implementation: string;
  readonly capabilities: readonly Capability[];
}

/** The one line a node writes for each input. Lists are never absent once decoded (empty instead). */
export interface NodeOutput {
  readonly hello?: Hello;
  readonly messages: readonly Message[];
  /** At most a few records, seqs consecutive, issued in this step. Most steps issue none or one. */
  readonly persist: readonly PersistRecord[];
  /** A snapshot the node received from its leader: restore the state machine from it before `apply`. */
  readonly restore: Snapshot | null;
  /** Newly committed entries, in index order, continuing exactly where the last ones ended. */
  readonly apply: readonly ApplyEntry[];
  readonly reads: readonly ReadResult[];
  readonly proposed: readonly Proposed[];
  readonly errors: readonly NodeError[];
  /** Optional (capability `actions`): the spec actions this step performed, for TLA+ trace validation. */
  readonly actions?: readonly string[];
  readonly view: NodeView;
}

/** A node that cannot continue says why, instead of an output (and may then exit). */
export interface FatalOutput {
  readonly fatal: string;
}

// ---------------------------------------------------------------------------------------------
// A node, in process or not
// ---------------------------------------------------------------------------------------------

/**
 * One life of one node. The driver calls `start` once, then `handle` once per input, in lock-step;
 * `kill` ends the life (a crash). A restart is a new ProtocolNode started with a Restart input.
 * Implementations throw NodeProtocolError subclasses (protocol/errors.ts) when the node breaks the protocol.
 */
export interface ProtocolNode {
  readonly id: NodeId;
  start(input: StartInput): NodeOutput;
  handle(input: StepInput): NodeOutput;
  kill(): void;
  /**
   * Optional, in-process implementations only: how many Tick inputs from now until one can do
   * more than count (core/timers.ts). A driver may then send up to that many as one Tick with a
   * `count`, and must see the same outputs as from single ticks.
   */
  ticksUntilNextTimer?(): Ticks;
}

/** Creates a fresh life for a node (one process, for an out-of-process implementation). */
export type ProtocolNodeFactory = (id: NodeId) => ProtocolNode;
