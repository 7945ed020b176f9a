// Raft's safety properties, checked after every simulator event (dissertation appendix B and the
// history variables of Ongaro's raft.tla: `elections` is the term->leader map below; `allLogs` is
// the registry of every (index, term) entry any node ever wrote).
//
// Everything is incremental: a step is judged from what it changed (its persist record, its
// applied entries, its role change), never by rescanning logs, so checking stays O(1) per event
// apart from the entries the step itself wrote.

import type { Entry, Input, Output, PersistRecord, RaftLog, RaftState } from '../core';
import { lastIndex, termAt } from '../core';
import { SafetyViolation } from './violation';

interface RegisteredEntry {
  readonly term: number;
  readonly type: Entry['type'];
  readonly data: string;
  /** Term of the entry before it in the log that wrote it (undefined: compacted there). */
  readonly prevTerm: number | undefined;
}

interface DurableVote {
  seq: number;
  term: number;
  votedFor: string | null;
}

export class SafetyChecker {
  /** raft.tla's `elections`, reduced to what Election Safety needs: the leader of each term. */
  private readonly leaderOfTerm = new Map<number, string>();
  /** The highest index each term's leader committed: commits belong to the term that made them. */
  private readonly commitIndexByTerm: (number | undefined)[] = [];
  /** The log each term's leader was elected with. */
  private readonly electedLogs: (RaftLog | undefined)[] = [];
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

  afterStep(node: string, input: Input, before: RaftState, after: RaftState, output: Output): void {
    if (after.term < before.term) throw new SafetyViolation('TermMonotonic', `term went from ${before.term} to ${after.term}`, node);
    if (after.commitIndex < before.commitIndex) {
      throw new SafetyViolation('CommitMonotonic', `commit index went from ${before.commitIndex} to ${after.commitIndex}`, node);
    }
    if (after.term !== before.term) this.checkTermChange(node, input, output, before.term, after.term);
    if (after.role === 'Leader' && (before.role !== 'Leader' || before.term !== after.term)) this.onElected(node, after);
    if (after.role === 'Leader' && after.commitIndex > before.commitIndex) {
      this.checkLaterLeadersHold(node, after);
      this.commitIndexByTerm[after.term] = after.commitIndex;
    }
    if (output.persist) this.onPersist(node, after, output.persist);
    if (input.type === 'PersistAck') this.onDurable(node, input.seq);
    // Indexed: empty output lists are a shared frozen array, which for-of would iterate slowly.
    const apply = output.apply;
    for (let k = 0; k < apply.length; k++) this.onApply(node, apply[k].index, apply[k].entry);
    if (output.restore) this.onRestore(node, output.restore.index, output.restore.term);
    if (before.role === 'Leader' && after.role === 'Leader' && before.term === after.term) {
      if (lastIndex(after.log) < lastIndex(before.log) || output.persist?.truncateFrom !== undefined) {
        throw new SafetyViolation('LeaderAppendOnly', `leader of term ${after.term} removed entries (last index ${lastIndex(before.log)} -> ${lastIndex(after.log)})`, node);
      }
    }
  }

  /**
   * A term moves only by starting an election (Timeout) or adopting a newer term (UpdateTerm),
   * and a PreVote message never makes anyone adopt its term (§9.6).
   */
  private checkTermChange(node: string, input: Input, output: Output, from: number, to: number): void {
    const actions = output.actions;
    if (!actions.includes('Timeout') && !actions.includes('UpdateTerm')) {
      throw new SafetyViolation('PreVoteKeepsTerm', `term moved from ${from} to ${to} without an election or a newer term (${input.type})`, node);
    }
    if (input.type === 'Receive' && actions.includes('UpdateTerm')) {
      const m = input.message;
      if (m.type === 'PreVoteRequest' || (m.type === 'PreVoteResponse' && m.granted)) {
        throw new SafetyViolation('PreVoteKeepsTerm', `${m.type} from ${m.from} moved the term from ${from} to ${to}`, node);
      }
    }
  }

  private onPersist(node: string, after: RaftState, record: PersistRecord): void {
    // Overwriting a vote that is already durable is wrong at once; a second vote over one that
    // was never durable is judged later, if it becomes durable itself (onDurable).
    if (record.votedFor !== undefined && record.votedFor !== null) this.checkVoteAgainstDurable(node, record.term ?? after.term, record.votedFor);
    if (record.term !== undefined || record.votedFor !== undefined) {
      const list = this.pendingVotes.get(node) ?? [];
      list.push({ seq: record.seq, term: record.term ?? after.term, votedFor: record.votedFor === undefined ? after.votedFor : record.votedFor });
      this.pendingVotes.set(node, list);
    }
    if (record.entries && record.appendFrom !== undefined) {
      const entries = record.entries;
      for (let k = 0; k < entries.length; k++) {
        const index = record.appendFrom + k;
        const prevTerm = k > 0 ? entries[k - 1].term : termAt(after.log, index - 1);
        this.register(node, index, entries[k], prevTerm);
      }
    }
  }

  /** Log Matching, inductively: equal (index, term) must mean equal content and equal predecessor term. */
  private register(node: string, index: number, entry: Entry, prevTerm: number | undefined): void {
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
  private onApply(node: string, index: number, entry: Entry): void {
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
   * Leaders' logs are immutable values, so keeping the one each was elected with costs nothing.
   */
  private checkLaterLeadersHold(node: string, leader: RaftState): void {
    const index = leader.commitIndex;
    const term = termAt(leader.log, index);
    for (let t = leader.term + 1; t < this.electedLogs.length; t++) {
      const log = this.electedLogs[t];
      if (log === undefined || index <= log.snapshotIndex) continue;
      const held = termAt(log, index);
      if (held !== term) {
        throw new SafetyViolation('LeaderCompleteness', `${node} committed ${index}@${term} in term ${leader.term}, but the leader of term ${t} was elected without it (${held === undefined ? 'nothing' : `term ${held}`} there)`, node);
      }
    }
  }

  /** Election Safety and Leader Completeness, judged at the moment a leader is elected. */
  private onElected(node: string, s: RaftState): void {
    const other = this.leaderOfTerm.get(s.term);
    if (other !== undefined && other !== node) {
      throw new SafetyViolation('ElectionSafety', `${node} and ${other} are both leaders of term ${s.term}`, node);
    }
    this.leaderOfTerm.set(s.term, node);
    this.electedLogs[s.term] = s.log;
    // Only entries committed in earlier terms bind this leader: a leader elected late (its votes
    // delayed) may lag entries that a later term has committed. By Log Matching, holding the newest
    // such entry means holding them all.
    let c = 0;
    for (let t = 1; t < s.term && t < this.commitIndexByTerm.length; t++) c = Math.max(c, this.commitIndexByTerm[t] ?? 0);
    if (c === 0 || c <= s.log.snapshotIndex) return;
    const known = this.committed[c] as RegisteredEntry;
    const mine = termAt(s.log, c);
    if (mine !== known.term) {
      throw new SafetyViolation('LeaderCompleteness', `leader of term ${s.term} lacks committed entry ${c}@${known.term} (has ${mine === undefined ? 'nothing' : `term ${mine}`} there)`, node);
    }
  }

  /** Durable state never regresses: a restarted node remembers at least its last durable term and vote. */
  afterRestart(node: string, s: RaftState): void {
    this.pendingVotes.delete(node);
    const durable = this.durableVote.get(node);
    // Writes that survived the crash without an acknowledgement are durable from now on.
    this.recordVote(node, s.term, s.votedFor);
    if (durable === undefined) return;
    if (s.term < durable.term || (s.term === durable.term && durable.votedFor !== null && s.votedFor !== durable.votedFor)) {
      throw new SafetyViolation(
        'DurableStateRegressed',
        `restarted with term ${s.term} vote ${s.votedFor}, but term ${durable.term} vote ${durable.votedFor} was durable`,
        node,
      );
    }
  }

  get highestCommitted(): number {
    return this.committedMax;
  }
}
