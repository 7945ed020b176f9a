// Raft's safety properties, checked after every simulator event (dissertation appendix B and the
// history variables of Ongaro's raft.tla: `elections` is the term->leader map below; `allLogs` is
// the registry of every (index, term) entry any node ever wrote).
//
// The checker reads only what the node protocol lets a driver observe (./observed.ts): the view
// after each input, the persist records, the applied entries and the (index, term) pairs of the
// log those records fold into. So it judges any implementation, not just raftbed's core.
//
// Everything is incremental: a step is judged from what it changed (its persist records, its
// applied entries, its role change), never by rescanning logs, so checking stays O(1) per event
// apart from the entries the step itself wrote, and one copy of the log's terms per election.

import { ConfigSafety } from './config-safety';
import type { ObservedDurable, ObservedEntry, ObservedInput, ObservedLogReader, ObservedOutput, ObservedPersist, ObservedView } from './observed';
import { SafetyViolation } from './violation';

export type { ObservedConfig, ObservedDurable, ObservedEntry, ObservedInput, ObservedLogReader, ObservedOutput, ObservedPersist, ObservedView } from './observed';

interface RegisteredEntry {
  readonly term: number;
  readonly type: string;
  readonly data: string;
  /** Term of the entry before it in the log that wrote it (undefined: compacted there). */
  readonly prevTerm: number | undefined;
}

interface DurableVote {
  seq: number;
  term: number;
  votedFor: string | null;
}

/** The terms of a leader's log when it was elected: entries after its snapshot, copied once. */
class ElectedLog {
  private readonly terms: number[];

  constructor(log: ObservedLogReader) {
    this.snapshotIndex = log.snapshotIndex;
    const n = log.lastIndex - log.snapshotIndex;
    this.terms = new Array<number>(n);
    for (let k = 0; k < n; k++) this.terms[k] = log.termAt(this.snapshotIndex + 1 + k) as number;
  }

  readonly snapshotIndex: number;

  termAt(index: number): number | undefined {
    return index <= this.snapshotIndex ? undefined : this.terms[index - this.snapshotIndex - 1];
  }
}

export interface SafetyCheckerOptions {
  /**
   * The implementation lists its spec actions (capability `actions`). Without them the checker
   * cannot tell an election's term change from an illegal one, so PreVoteKeepsTerm is judged only
   * on what needs no actions: a PreVoteRequest never moves its receiver's term.
   */
  readonly actions?: boolean;
  /**
   * The voters every node starts with (Init's `voters`). Given, the checker also judges the
   * configuration invariants (./config-safety.ts: ConfigQuorumIntersection, OneUncommittedConfig)
   * from the Config entries in persist records; without it it cannot know the first configuration.
   */
  readonly initialVoters?: readonly string[];
}

const NO_ACTIONS: readonly string[] = Object.freeze([]);

export class SafetyChecker {
  /** raft.tla's `elections`, reduced to what Election Safety needs: the leader of each term. */
  private readonly leaderOfTerm = new Map<number, string>();
  /** The highest index each term's leader committed: commits belong to the term that made them. */
  private readonly commitIndexByTerm: (number | undefined)[] = [];
  /** The log each term's leader was elected with. */
  private readonly electedLogs: (ElectedLog | undefined)[] = [];
  /** Entries known committed, by index: the first node to apply an index fixes it for everyone. */
  private readonly committed: (RegisteredEntry | undefined)[] = [];
  private committedMax = 0;
  /** raft.tla's `allLogs`, indexed: every (index, term) ever written, with its content. */
  private readonly written: (Map<number, RegisteredEntry> | undefined)[] = [];
  /** Per node: hard-state writes not yet known durable, and the newest durable one. */
  private readonly pendingVotes = new Map<string, DurableVote[]>();
  private readonly durableVote = new Map<string, DurableVote>();
  /** Every (node, term) vote ever written, to catch a node voting twice in one term. */
  private readonly votes = new Map<string, string>();
  private readonly actionsReported: boolean;
  private readonly configs: ConfigSafety | null;
  private readonly initialConfig: { readonly voters: readonly string[] } | null;

  constructor(options: SafetyCheckerOptions = {}) {
    this.actionsReported = options.actions ?? true;
    const voters = options.initialVoters;
    this.initialConfig = voters === undefined ? null : Object.freeze({ voters: [...voters] });
    const initial = this.initialConfig;
    this.configs = initial === null ? null : new ConfigSafety(() => initial);
  }

  /**
   * One input to `node` and its effect: the views before and after, the output, and the node's log
   * once this output's persist records are applied.
   */
  afterStep(node: string, input: ObservedInput, before: ObservedView, after: ObservedView, output: ObservedOutput, log: ObservedLogReader): void {
    if (after.term < before.term) throw new SafetyViolation('TermMonotonic', `term went from ${before.term} to ${after.term}`, node);
    if (after.commitIndex < before.commitIndex) {
      throw new SafetyViolation('CommitMonotonic', `commit index went from ${before.commitIndex} to ${after.commitIndex}`, node);
    }
    if (after.term !== before.term) this.checkTermChange(node, input, output.actions ?? NO_ACTIONS, before.term, after.term);
    if (after.role === 'Leader' && (before.role !== 'Leader' || before.term !== after.term)) this.onElected(node, after, log);
    if (after.role === 'Leader' && after.commitIndex > before.commitIndex) {
      this.checkLaterLeadersHold(node, after, log);
      this.commitIndexByTerm[after.term] = after.commitIndex;
    }
    // Indexed loops: empty output lists are often a shared frozen array, which for-of iterates slowly.
    const persist = output.persist;
    for (let k = 0; k < persist.length; k++) this.onPersist(node, before, after, persist[k], log);
    if (input.type === 'PersistAck') this.onDurable(node, input.seq as number);
    const apply = output.apply;
    for (let k = 0; k < apply.length; k++) this.onApply(node, apply[k].index, apply[k].entry);
    if (output.restore) this.onRestore(node, output.restore.index, output.restore.term);
    if (this.configs !== null) {
      for (let k = 0; k < persist.length; k++) this.configs.onPersist(node, persist[k]);
      if (after.role === 'Leader') this.configs.checkLeader(node, Math.max(this.committedMax, after.commitIndex));
    }
    if (before.role === 'Leader' && after.role === 'Leader' && before.term === after.term) {
      let truncated = false;
      for (let k = 0; k < persist.length; k++) if (persist[k].truncateFrom !== undefined) truncated = true;
      if (after.lastIndex < before.lastIndex || truncated) {
        throw new SafetyViolation('LeaderAppendOnly', `leader of term ${after.term} removed entries (last index ${before.lastIndex} -> ${after.lastIndex})`, node);
      }
    }
  }

  /**
   * A term moves only by starting an election (Timeout) or adopting a newer term (UpdateTerm),
   * and a PreVote message never makes anyone adopt its term (§9.6).
   */
  private checkTermChange(node: string, input: ObservedInput, actions: readonly string[], from: number, to: number): void {
    const m = input.type === 'Receive' ? input.message : undefined;
    if (!this.actionsReported) {
      if (m !== undefined && m.type === 'PreVoteRequest') throw new SafetyViolation('PreVoteKeepsTerm', `${m.type} from ${m.from} moved the term from ${from} to ${to}`, node);
      return;
    }
    if (!actions.includes('Timeout') && !actions.includes('UpdateTerm')) {
      throw new SafetyViolation('PreVoteKeepsTerm', `term moved from ${from} to ${to} without an election or a newer term (${input.type})`, node);
    }
    if (m !== undefined && actions.includes('UpdateTerm')) {
      if (m.type === 'PreVoteRequest' || (m.type === 'PreVoteResponse' && m.granted)) {
        throw new SafetyViolation('PreVoteKeepsTerm', `${m.type} from ${m.from} moved the term from ${from} to ${to}`, node);
      }
    }
  }

  private onPersist(node: string, before: ObservedView, after: ObservedView, record: ObservedPersist, log: ObservedLogReader): void {
    // Overwriting a vote that is already durable is wrong at once, and so is changing the vote
    // this life holds in its term (the view shows the vote written). A second vote over one lost
    // in a crash is judged later, if it becomes durable itself (onDurable).
    if (record.votedFor !== undefined && record.votedFor !== null) {
      const term = record.term ?? after.term;
      this.checkVoteAgainstDurable(node, term, record.votedFor);
      if (term === before.term && before.votedFor !== null && before.votedFor !== record.votedFor) {
        throw new SafetyViolation('OneVotePerTerm', `changed its vote in term ${term} from ${before.votedFor} to ${record.votedFor} before the first was durable`, node);
      }
    }
    if (record.term !== undefined || record.votedFor !== undefined) {
      const list = this.pendingVotes.get(node) ?? [];
      list.push({ seq: record.seq, term: record.term ?? after.term, votedFor: record.votedFor === undefined ? after.votedFor : record.votedFor });
      this.pendingVotes.set(node, list);
    }
    if (record.entries && record.appendFrom !== undefined) {
      const entries = record.entries;
      for (let k = 0; k < entries.length; k++) {
        const index = record.appendFrom + k;
        const prevTerm = k > 0 ? entries[k - 1].term : log.termAt(index - 1);
        this.register(node, index, entries[k], prevTerm);
      }
    }
  }

  /** Log Matching, inductively: equal (index, term) must mean equal content and equal predecessor term. */
  private register(node: string, index: number, entry: ObservedEntry, prevTerm: number | undefined): void {
    let byTerm = this.written[index];
    if (byTerm === undefined) {
      byTerm = new Map();
      this.written[index] = byTerm;
    }
    const seen = byTerm.get(entry.term);
    if (seen === undefined) {
      byTerm.set(entry.term, { term: entry.term, type: entry.type, data: entry.data, prevTerm });
      return;
    }
    if (seen.data !== entry.data || seen.type !== entry.type) {
      throw new SafetyViolation('LogMatching', `two different entries at index ${index} with term ${entry.term}`, node);
    }
    if (seen.prevTerm !== undefined && prevTerm !== undefined && seen.prevTerm !== prevTerm) {
      throw new SafetyViolation('LogMatching', `entry ${index}@${entry.term} follows term ${prevTerm} here but term ${seen.prevTerm} elsewhere`, node);
    }
  }

  /**
   * One vote per term is judged on durable votes only: a vote written but lost in a crash was
   * never sent (responses wait for durability), so voting again after the restart is correct.
   */
  private onDurable(node: string, seq: number): void {
    const list = this.pendingVotes.get(node);
    if (!list) return;
    while (list.length > 0 && list[0].seq <= seq) {
      const durable = list.shift() as DurableVote;
      this.durableVote.set(node, durable);
      this.recordVote(node, durable.term, durable.votedFor);
    }
  }

  private checkVoteAgainstDurable(node: string, term: number, votedFor: string): void {
    const previous = this.votes.get(`${node}@${term}`);
    if (previous !== undefined && previous !== votedFor) {
      throw new SafetyViolation('OneVotePerTerm', `voted for ${previous} and then ${votedFor} in term ${term}`, node);
    }
  }

  private recordVote(node: string, term: number, votedFor: string | null): void {
    if (votedFor === null) return;
    this.checkVoteAgainstDurable(node, term, votedFor);
    this.votes.set(`${node}@${term}`, votedFor);
  }

  /** State Machine Safety: every node applies the same entry at each index. */
  private onApply(node: string, index: number, entry: ObservedEntry): void {
    const known = this.committed[index];
    if (known === undefined) {
      this.committed[index] = { term: entry.term, type: entry.type, data: entry.data, prevTerm: undefined };
      if (index > this.committedMax) this.committedMax = index;
      return;
    }
    if (known.term !== entry.term || known.type !== entry.type || known.data !== entry.data) {
      throw new SafetyViolation('StateMachineSafety', `applied ${entry.type}@${entry.term} at index ${index}, but ${known.type}@${known.term} was applied there before`, node);
    }
  }

  private onRestore(node: string, index: number, term: number): void {
    const known = this.committed[index];
    if (known !== undefined && known.term !== term) {
      throw new SafetyViolation('StateMachineSafety', `restored a snapshot at ${index}@${term}, but ${index}@${known.term} was committed`, node);
    }
  }

  /**
   * Leader Completeness for entries a leader commits after leaders of later terms were elected:
   * each of those must have held them when elected, because every member of the commit quorum
   * had the entries before it could vote in a later term. The committing term is the leader's
   * term now, not the entries' own (Figure 8: an old-term entry commits in a later term).
   */
  private checkLaterLeadersHold(node: string, leader: ObservedView, log: ObservedLogReader): void {
    const index = leader.commitIndex;
    const term = log.termAt(index);
    for (let t = leader.term + 1; t < this.electedLogs.length; t++) {
      const elected = this.electedLogs[t];
      if (elected === undefined || index <= elected.snapshotIndex) continue;
      const held = elected.termAt(index);
      if (held !== term) {
        throw new SafetyViolation('LeaderCompleteness', `${node} committed ${index}@${term} in term ${leader.term}, but the leader of term ${t} was elected without it (${held === undefined ? 'nothing' : `term ${held}`} there)`, node);
      }
    }
  }

  /** Election Safety and Leader Completeness, judged at the moment a leader is elected. */
  private onElected(node: string, v: ObservedView, log: ObservedLogReader): void {
    const other = this.leaderOfTerm.get(v.term);
    if (other !== undefined && other !== node) {
      throw new SafetyViolation('ElectionSafety', `${node} and ${other} are both leaders of term ${v.term}`, node);
    }
    this.leaderOfTerm.set(v.term, node);
    this.electedLogs[v.term] = new ElectedLog(log);
    // Only entries committed in earlier terms bind this leader: a leader elected late (its votes
    // delayed) may lag entries that a later term has committed. By Log Matching, holding the newest
    // such entry means holding them all.
    let c = 0;
    for (let t = 1; t < v.term && t < this.commitIndexByTerm.length; t++) c = Math.max(c, this.commitIndexByTerm[t] ?? 0);
    if (c === 0 || c <= log.snapshotIndex) return;
    const known = this.committed[c] as RegisteredEntry;
    const mine = log.termAt(c);
    if (mine !== known.term) {
      throw new SafetyViolation('LeaderCompleteness', `leader of term ${v.term} lacks committed entry ${c}@${known.term} (has ${mine === undefined ? 'nothing' : `term ${mine}`} there)`, node);
    }
  }

  /** Durable state never regresses: a restarted node remembers at least its last durable term and vote. */
  afterRestart(node: string, v: Pick<ObservedView, 'term' | 'votedFor'>, kept?: ObservedDurable): void {
    this.pendingVotes.delete(node);
    if (this.configs !== null && this.initialConfig !== null && kept !== undefined) {
      // The configuration tracker follows what storage kept, not the writes the crash lost.
      const first = kept.snapshot === null ? 1 : kept.snapshot.index + 1;
      const base = kept.snapshot?.config ?? this.initialConfig;
      this.configs.onRestart(node, base, kept.entries.map((entry, k) => ({ index: first + k, entry })));
    }
    const durable = this.durableVote.get(node);
    // Writes that survived the crash without an acknowledgement are durable from now on.
    this.recordVote(node, v.term, v.votedFor);
    if (durable === undefined) return;
    if (v.term < durable.term || (v.term === durable.term && durable.votedFor !== null && v.votedFor !== durable.votedFor)) {
      throw new SafetyViolation(
        'DurableStateRegressed',
        `restarted with term ${v.term} vote ${v.votedFor}, but term ${durable.term} vote ${durable.votedFor} was durable`,
        node,
      );
    }
  }

  get highestCommitted(): number {
    return this.committedMax;
  }
}
