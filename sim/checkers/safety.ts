// Raft's safety properties, checked after every simulator event (dissertation appendix B and the
// history variables of Ongaro's raft.tla: `elections` is the term->leader map below; `allLogs` is
// the registry of every (index, term) entry any node ever wrote).
//
// Everything is incremental: a step is judged from what it changed (its persist record, its
// applied entries, its role change), never by rescanning logs, so checking stays O(1) per event
// apart from the entries the step itself wrote.

import type { Entry, Input, Output, PersistRecord, RaftState } from '../../core';
import { lastIndex, termAt } from '../../core';
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
    if (output.persist) this.onPersist(node, before, after, output.persist);
    if (input.type === 'PersistAck') this.onDurable(node, input.seq);
    for (const a of output.apply) this.onApply(node, a.index, a.entry);
    if (output.restore) this.onRestore(node, output.restore.index, output.restore.term);
    if (after.role === 'Leader' && (before.role !== 'Leader' || before.term !== after.term)) this.onElected(node, after);
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

  private onPersist(node: string, before: RaftState, after: RaftState, record: PersistRecord): void {
    if (record.votedFor !== undefined && record.votedFor !== null) {
      const key = `${node}@${record.term ?? after.term}`;
      const previous = this.votes.get(key);
      if (previous !== undefined && previous !== record.votedFor) {
        throw new SafetyViolation('OneVotePerTerm', `voted for ${previous} and then ${record.votedFor} in term ${record.term ?? after.term}`, node);
      }
      this.votes.set(key, record.votedFor);
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
        const prevTerm = k > 0 ? entries[k - 1].term : termAt(after.log, index - 1);
        this.register(node, index, entries[k], prevTerm);
      }
    }
    void before;
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

  private onDurable(node: string, seq: number): void {
    const list = this.pendingVotes.get(node);
    if (!list) return;
    while (list.length > 0 && list[0].seq <= seq) this.durableVote.set(node, list.shift() as DurableVote);
  }

  /** State Machine Safety: every node applies the same entry at each index. */
  private onApply(node: string, index: number, entry: Entry): void {
    const known = this.committed[index];
    if (known === undefined) {
      this.committed[index] = { term: entry.term, type: entry.type, data: entry.data, prevTerm: undefined };
      if (index > this.committedMax) this.committedMax = index;
      return;
    }
    if (known.term !== entry.term || known.data !== entry.data) {
      throw new SafetyViolation('StateMachineSafety', `applied ${entry.type}@${entry.term} at index ${index}, but ${known.type}@${known.term} was applied there before`, node);
    }
  }

  private onRestore(node: string, index: number, term: number): void {
    const known = this.committed[index];
    if (known !== undefined && known.term !== term) {
      throw new SafetyViolation('StateMachineSafety', `restored a snapshot at ${index}@${term}, but ${index}@${known.term} was committed`, node);
    }
  }

  /** Election Safety and Leader Completeness, judged at the moment a leader is elected. */
  private onElected(node: string, s: RaftState): void {
    const other = this.leaderOfTerm.get(s.term);
    if (other !== undefined && other !== node) {
      throw new SafetyViolation('ElectionSafety', `${node} and ${other} are both leaders of term ${s.term}`, node);
    }
    this.leaderOfTerm.set(s.term, node);
    // By Log Matching, holding the newest committed entry means holding every committed entry.
    const c = this.committedMax;
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
