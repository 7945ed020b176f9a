// Membership changes (dissertation ch. 4). The configuration travels in the log as a `Config`
// entry; every server uses the latest one in its log from the moment it is appended, committed or
// not, and falls back to the one before when a truncation removes it (§4.1). Snapshots carry the
// configuration at their last included index (§5.4 of ch. 4 / §7).
//
// A leader changes the configuration with ProposeConfChange: one voter added or removed is a
// simple change, applied directly (§4.1); anything else goes through a joint configuration
// (EnterJoint, §4.3) whose quorums need both majorities, then LeaveJoint. Two rules keep changes
// safe: at most one configuration entry is uncommitted at a time, and a leader proposes none
// before it has committed an entry of its own term (the single-server fix of 2015, §4.1 errata).

import type { ClusterConfig, ConfChange, ConfChangeRefusal, Entry, LogIndex, NodeId } from './types';
import { StepContext } from './context';
import { entryAt, lastIndex, termAt, type RaftLog } from './log';
import { isVoter } from './quorum';
import { appendAsLeader, broadcastAppend, newProgress, sendAnchoredHeartbeat } from './replication';
import { becomeFollower } from './election';
import type { Progress } from './state';

export function isJoint(c: ClusterConfig): boolean {
  return c.votersOutgoing !== undefined;
}

/** Everyone the configuration replicates to: voters, outgoing voters and learners, each once. */
export function members(c: ClusterConfig): NodeId[] {
  const all = [...c.voters];
  for (const id of c.votersOutgoing ?? []) if (!all.includes(id)) all.push(id);
  for (const id of c.learners ?? []) if (!all.includes(id)) all.push(id);
  return all;
}

export function isMember(c: ClusterConfig, id: NodeId): boolean {
  return isVoter(c, id) || (c.learners !== undefined && c.learners.includes(id));
}

/** The canonical form: voters, then (joint only) outgoing voters and autoLeave, then learners. */
export function canonicalConfig(c: ClusterConfig): ClusterConfig {
  return {
    voters: [...c.voters],
    ...(c.votersOutgoing !== undefined ? { votersOutgoing: [...c.votersOutgoing], autoLeave: c.autoLeave === true } : {}),
    learners: [...(c.learners ?? [])],
  };
}

export function encodeConfig(c: ClusterConfig): string {
  return JSON.stringify(canonicalConfig(c));
}

function idList(v: unknown, max: number): string[] | null {
  if (!Array.isArray(v) || v.length > max) return null;
  if (!v.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 256)) return null;
  return new Set(v).size === v.length ? (v as string[]).slice() : null;
}

const MAX_MEMBERS = 1024;

/** A configuration decoded from untrusted data, or a reason why it is not one. */
export function decodeConfigValue(raw: unknown): ClusterConfig | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'a configuration must be an object';
  const o = raw as Record<string, unknown>;
  const voters = idList(o.voters, MAX_MEMBERS);
  if (voters === null || voters.length === 0) return `voters must be an array of 1..${MAX_MEMBERS} distinct node ids`;
  const learners = o.learners === undefined ? [] : idList(o.learners, MAX_MEMBERS);
  if (learners === null) return 'learners must be an array of distinct node ids';
  if (learners.some((id) => voters.includes(id))) return 'a node cannot be both a voter and a learner';
  if (o.votersOutgoing === undefined) return { voters, learners };
  const outgoing = idList(o.votersOutgoing, MAX_MEMBERS);
  if (outgoing === null || outgoing.length === 0) return 'votersOutgoing must be an array of 1..1024 distinct node ids';
  if (o.autoLeave !== undefined && typeof o.autoLeave !== 'boolean') return 'autoLeave must be a boolean';
  return { voters, votersOutgoing: outgoing, autoLeave: o.autoLeave === true, learners };
}

/** The configuration a Config entry carries, or a reason why its data is not one. */
export function decodeConfig(data: string): ClusterConfig | string {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return 'Config entry data is not JSON';
  }
  return decodeConfigValue(raw);
}

/** Only entries that passed validation (or that this node wrote) reach the log, so this cannot fail. */
function configOf(entry: Entry): ClusterConfig {
  const c = decodeConfig(entry.data);
  if (typeof c === 'string') throw new Error(`corrupt Config entry in the log: ${c}`);
  return c;
}

/**
 * The configuration in effect at `index`: the latest Config entry at or before it in the log,
 * else `base` (the snapshot's, or the initial one), with the index it came from.
 */
export function configAt(log: RaftLog, index: LogIndex, base: ClusterConfig, baseIndex: LogIndex): { config: ClusterConfig; index: LogIndex } {
  for (let i = Math.min(index, lastIndex(log)); i > log.snapshotIndex; i--) {
    const e = entryAt(log, i) as Entry;
    if (e.type === 'Config') return { config: configOf(e), index: i };
  }
  return { config: base, index: baseIndex };
}

/** What the configuration falls back to when no Config entry in the log covers it. */
export function baseConfig(s: { snapshot: { index: LogIndex; config: ClusterConfig } | null; config: { cluster: ClusterConfig } }): { config: ClusterConfig; index: LogIndex } {
  return s.snapshot !== null ? { config: s.snapshot.config, index: s.snapshot.index } : { config: s.config.cluster, index: 0 };
}

/** After entries from `from` were appended: the latest Config among them takes effect at once. */
export function adoptAppendedConfig(ctx: StepContext, from: LogIndex, entries: readonly Entry[]): void {
  for (let k = entries.length - 1; k >= 0; k--) {
    if (entries[k].type !== 'Config') continue;
    setConfig(ctx, configOf(entries[k]), from + k);
    return;
  }
}

/** After the log was cut at `from`: a configuration that came from a removed entry reverts. */
export function revertConfigAfterTruncate(ctx: StepContext, from: LogIndex): void {
  const s = ctx.s;
  if (s.configIndex < from) return;
  const base = baseConfig(s);
  const found = configAt(s.log, from - 1, base.config, base.index);
  setConfig(ctx, found.config, found.index);
}

/** Recomputes the configuration from the snapshot and the whole log (restart, snapshot install). */
export function configFromLog(s: StepContext['s'] | { log: RaftLog; snapshot: { index: LogIndex; config: ClusterConfig } | null; config: { cluster: ClusterConfig } }): { config: ClusterConfig; index: LogIndex } {
  const base = baseConfig(s);
  return configAt(s.log, lastIndex(s.log), base.config, base.index);
}

export function setConfig(ctx: StepContext, config: ClusterConfig, index: LogIndex): void {
  const s = ctx.s;
  s.cluster = config;
  s.configIndex = index;
  if (s.role === 'Leader') syncPeers(ctx);
}

/**
 * The leader replicates to every member of the configuration in effect and, until that
 * configuration commits, to the members of the one before it too: a removed server then receives
 * the entry that removes it, and so knows never to campaign again (§4.2.3).
 */
export function syncPeers(ctx: StepContext): void {
  const s = ctx.s;
  const leader = ctx.leader();
  const peers = members(s.cluster).filter((id) => id !== ctx.id);
  let retiring = 0;
  if (s.configIndex > s.commitIndex) {
    const base = baseConfig(s);
    for (const id of members(configAt(s.log, s.configIndex - 1, base.config, base.index).config)) {
      if (id !== ctx.id && !peers.includes(id)) {
        peers.push(id);
        retiring++;
      }
    }
  }
  const progress: Record<NodeId, Progress> = {};
  const next = lastIndex(s.log) + 1;
  for (const id of peers) progress[id] = leader.progress[id] ?? newProgress(next);
  ctx.updateLeader({ progress, peers, retiring });
}

/**
 * The configuration `changes` lead to from `current` (not joint), or the refusal. One voter changed
 * is a simple change; otherwise, or when `leaveJoint` is given, a joint configuration.
 */
export function nextConfig(current: ClusterConfig, changes: readonly ConfChange[], leaveJoint: 'auto' | 'explicit' | undefined): ClusterConfig | { refusal: ConfChangeRefusal; node?: NodeId } {
  let voters = [...current.voters];
  let learners = [...(current.learners ?? [])];
  for (const change of changes) {
    const n = change.node;
    switch (change.kind) {
      case 'AddVoter':
        learners = learners.filter((id) => id !== n);
        if (!voters.includes(n)) voters.push(n);
        break;
      case 'AddLearner':
        voters = voters.filter((id) => id !== n);
        if (!learners.includes(n)) learners.push(n);
        break;
      case 'RemoveNode':
        if (!voters.includes(n) && !learners.includes(n)) return { refusal: 'UnknownNode', node: n };
        voters = voters.filter((id) => id !== n);
        learners = learners.filter((id) => id !== n);
        break;
    }
  }
  if (voters.length === 0) return { refusal: 'RemoveLastVoter' };
  const changedVoters = voters.filter((id) => !current.voters.includes(id)).length + current.voters.filter((id) => !voters.includes(id)).length;
  if (changedVoters <= 1 && leaveJoint === undefined) return { voters, learners };
  return { voters, votersOutgoing: [...current.voters], autoLeave: leaveJoint !== 'explicit', learners };
}

function validChanges(changes: unknown): changes is readonly ConfChange[] {
  return Array.isArray(changes) && changes.every((c) =>
    typeof c === 'object' && c !== null && ['AddVoter', 'AddLearner', 'RemoveNode'].includes((c as ConfChange).kind)
    && typeof (c as ConfChange).node === 'string' && (c as ConfChange).node.length > 0 && (c as ConfChange).node.length <= 256);
}

/**
 * Whether this node may start an election: it is a voter of its configuration in effect, or that
 * configuration is not committed yet (as far as it knows) and it was a voter of the one before.
 * A server removed by an uncommitted entry may still be needed: when the others lack the entry and
 * their configuration needs this server's vote, its longer log refuses them, and only it can win
 * (counting votes in its own, newer configuration) and commit its removal.
 */
export function mayCampaign(ctx: StepContext): boolean {
  const s = ctx.s;
  if (isVoter(s.cluster, ctx.id)) return true;
  if (s.configIndex <= s.commitIndex) return false;
  const base = baseConfig(s);
  return isVoter(configAt(s.log, s.configIndex - 1, base.config, base.index).config, ctx.id);
}

/** True when the leader has committed an entry of its current term (§5.4.2; the 2015 rule). */
export function committedInCurrentTerm(ctx: StepContext): boolean {
  return termAt(ctx.s.log, ctx.s.commitIndex) === ctx.s.term;
}

/** True when the configuration in effect came from an entry that is not committed yet. */
export function configUncommitted(ctx: StepContext): boolean {
  return ctx.s.configIndex > ctx.s.commitIndex;
}

/** ProposeConfChange: the leader appends the next configuration, simple or joint (EnterJoint), or LeaveJoint. */
export function proposeConfChange(ctx: StepContext, requestId: unknown, changes: unknown, leaveJoint: unknown): void {
  const s = ctx.s;
  if (typeof requestId !== 'string' || !validChanges(changes) || (leaveJoint !== undefined && leaveJoint !== 'auto' && leaveJoint !== 'explicit')) {
    ctx.errors.push({ type: 'InvalidInput', reason: 'ProposeConfChange needs a string requestId, a list of {kind: AddVoter|AddLearner|RemoveNode, node} and leaveJoint absent, auto or explicit' });
    return;
  }
  if (s.role !== 'Leader') {
    ctx.errors.push({ type: 'NotLeader', requestId, leaderHint: s.leaderId });
    return;
  }
  if (ctx.leader().transfer !== null) {
    ctx.errors.push({ type: 'ProposalDropped', requestId, reason: 'TransferInProgress' });
    return;
  }
  const refuse = (reason: ConfChangeRefusal, node?: NodeId): void => {
    ctx.errors.push({ type: 'ConfChangeRejected', requestId, reason, ...(node !== undefined ? { node } : {}) });
  };
  if (!committedInCurrentTerm(ctx)) return refuse('ConfChangeBeforeTermCommit');
  if (configUncommitted(ctx)) return refuse('ConfChangeInProgress');
  if (changes.length > 0 && isJoint(s.cluster)) return refuse('ConfChangeInProgress');
  const refusal = appendConfChange(ctx, requestId, changes, leaveJoint);
  if (refusal !== null) refuse(refusal.refusal, refusal.node);
}

/**
 * Appends the entry a change leads to from the configuration in effect, with no check of the
 * leader's term or of pending changes (proposeConfChange makes those; planted bugs skip them).
 * Returns the refusal the change itself earns, or null once appended.
 */
export function appendConfChange(ctx: StepContext, requestId: string, changes: readonly ConfChange[], leaveJoint: 'auto' | 'explicit' | undefined): { refusal: ConfChangeRefusal; node?: NodeId } | null {
  const s = ctx.s;
  if (changes.length === 0) {
    if (!isJoint(s.cluster)) return { refusal: 'NotJoint' };
    ctx.action('ProposeConfChange');
    appendConfig(ctx, requestId, leaveJointConfig(s.cluster), 'LeaveJoint');
    return null;
  }
  // From a joint configuration (only a planted bug gets here with one), changes apply to its incoming side.
  const next = nextConfig(leaveJointConfig(s.cluster), changes, leaveJoint);
  if ('refusal' in next) return next;
  ctx.action('ProposeConfChange');
  appendConfig(ctx, requestId, next, isJoint(next) ? 'EnterJoint' : null);
  return null;
}

function leaveJointConfig(c: ClusterConfig): ClusterConfig {
  return { voters: [...c.voters], learners: [...(c.learners ?? [])] };
}

function appendConfig(ctx: StepContext, requestId: string | null, config: ClusterConfig, action: 'EnterJoint' | 'LeaveJoint' | null): void {
  const s = ctx.s;
  if (action !== null) ctx.action(action);
  const index = lastIndex(s.log) + 1;
  appendAsLeader(ctx, [{ term: s.term, type: 'Config', data: encodeConfig(config) }]);
  if (requestId !== null) ctx.proposed.push({ requestId, firstIndex: index, count: 1, term: s.term });
  broadcastAppend(ctx, false);
}

/**
 * An empty AppendEntries anchored at each chosen follower's match (never held back by flow
 * control), unless that follower was already sent this commit index in this step or before: the
 * message would teach it nothing (a removal that also retires the leader would otherwise tell the
 * removed members twice at one instant).
 */
function tellCommitToPeers(ctx: StepContext, chosen: (id: NodeId) => boolean): void {
  const s = ctx.s;
  for (const id of ctx.leader().peers) {
    const pr = ctx.progress(id);
    if (!chosen(id) || pr.mode === 'Snapshot' || pr.match === 0) continue;
    if (Math.min(s.commitIndex, Math.max(pr.match, s.log.snapshotIndex)) <= pr.sentCommit) continue;
    sendAnchoredHeartbeat(ctx, id, pr);
  }
}

// Its own function: a closure over the caller's locals would make every call of
// afterConfigCommitted (once per step) allocate a context for them.
function dropRetiredPeers(ctx: StepContext): void {
  tellCommitToPeers(ctx, (id) => !isMember(ctx.s.cluster, id));
  syncPeers(ctx);
}

/**
 * What a leader does once a configuration commits, at the end of a step (never in the middle of a
 * handler that still uses the leader state): it leaves a committed joint configuration that asked
 * for it (LeaveJoint), and steps down when the committed configuration no longer has it as a voter
 * (StepDownRemoved, §4.2.2). Returns true when it appended an entry.
 */
export function afterConfigCommitted(ctx: StepContext): boolean {
  const s = ctx.s;
  if (s.role !== 'Leader' || configUncommitted(ctx)) return false;
  // The removal committed: the removed members are told the commit index once more (up to what
  // each holds: if that covers their removal they know not to campaign, see mayCampaign), then
  // dropped. Replicating to them for longer would let a removed node's newer term depose us.
  if (ctx.leader().retiring > 0) dropRetiredPeers(ctx);
  if (isJoint(s.cluster) && s.cluster.autoLeave === true && committedInCurrentTerm(ctx) && ctx.leader().transfer === null) {
    appendConfig(ctx, null, leaveJointConfig(s.cluster), 'LeaveJoint');
    return true;
  }
  if (!isVoter(s.cluster, ctx.id)) {
    // Tell every follower the commit index first (up to what each holds): those that hold the new
    // configuration then know it is committed, and the removed ones that they are out.
    tellCommitToPeers(ctx, () => true);
    ctx.action('StepDownRemoved');
    becomeFollower(ctx, s.term, null);
  }
  return false;
}
