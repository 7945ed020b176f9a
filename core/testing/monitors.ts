// Safety monitors that watch a TestCluster from outside: they see only inputs, outputs and what
// storage holds, never core's internals, so they judge core by the guarantees it promises.
//
// Each monitor wraps `cluster.input` (the one door every step goes through: ticks, deliveries,
// PersistAcks) and collects violations as strings; a test asserts the list is empty, and a
// planted-bug test shows the same monitor reporting a deliberately broken run.

import type { DurableState, Input, Message, NodeId, Output, Term } from '../types';
import type { RaftState } from '../state';
import { termAt } from '../log';
import { TestCluster } from './cluster';

type StepHook = (id: NodeId, input: Input, before: RaftState, output: Output) => void;

/** Calls `hook` after every step of every node, PersistAcks from `sync` included. */
export function onEveryStep(cluster: TestCluster, hook: StepHook): void {
  const inner = cluster.input.bind(cluster);
  cluster.input = (id: NodeId, input: Input): Output => {
    const before = cluster.state(id);
    const output = inner(id, input);
    hook(id, input, before, output);
    return output;
  };
}

function durableTermAt(d: DurableState, index: number): Term | undefined {
  if (index === 0) return 0;
  const base = d.snapshot ? d.snapshot.index : 0;
  if (d.snapshot && index === base) return d.snapshot.term;
  if (index < base) return undefined;
  return d.entries[index - base - 1]?.term;
}

/**
 * Persist-before-send: every response that promises durable state must be justified by what
 * storage had acknowledged when the message left. Needs autoSync off, so that the monitor sees
 * each message before the write it depends on is acknowledged.
 */
export class DurabilityMonitor {
  readonly violations: string[] = [];
  checked = 0;

  constructor(private readonly cluster: TestCluster) {
    if (cluster.autoSync) throw new Error('DurabilityMonitor needs autoSync: false');
    onEveryStep(cluster, (id, _input, _before, output) => {
      for (const m of output.messages) this.check(id, m);
    });
  }

  private check(id: NodeId, m: Message): void {
    const d = this.cluster.node(id).durable;
    const state = this.cluster.state(id);
    const flag = (why: string): void => {
      this.violations.push(`${id} sent ${m.type} to ${m.to} (term ${m.term}) ${why}`);
    };
    switch (m.type) {
      case 'RequestVoteResponse':
        if (!m.granted) return;
        this.checked++;
        if (d.term !== m.term || d.votedFor !== m.to) flag(`but storage holds term ${d.term} votedFor ${d.votedFor}`);
        return;
      case 'AppendEntriesResponse': {
        if (!m.success) return;
        this.checked++;
        if (d.term < m.term) flag(`but storage holds term ${d.term}`);
        for (let i = 1; i <= m.matchIndex; i++) {
          const stored = durableTermAt(d, i);
          if (stored === undefined && d.snapshot && i < d.snapshot.index) continue;
          const inMemory = termAt(state.log, i);
          if (stored === undefined || (inMemory !== undefined && stored !== inMemory)) {
            flag(`claiming match ${m.matchIndex} but storage has ${stored === undefined ? 'nothing' : `term ${stored}`} at ${i}`);
            return;
          }
        }
        return;
      }
      case 'InstallSnapshotResponse': {
        if (!m.installed) return;
        this.checked++;
        const storedLast = (d.snapshot ? d.snapshot.index : 0) + d.entries.length;
        if (d.term < m.term) flag(`but storage holds term ${d.term}`);
        if (storedLast < m.lastIncludedIndex) flag(`claiming snapshot ${m.lastIncludedIndex} installed but storage ends at ${storedLast}`);
        return;
      }
      default:
        return;
    }
  }
}

/**
 * The paper's safety properties (Figure 3), checked after every step:
 * Election Safety (one leader per term), Log Matching, Leader Completeness and State Machine
 * Safety (no two nodes apply different entries at one index).
 */
export class SafetyMonitor {
  readonly violations: string[] = [];
  private readonly leaderOfTerm = new Map<Term, NodeId>();
  /** index -> the entry's data and term, as the first node to apply it saw it. */
  readonly appliedAt = new Map<number, { term: Term; data: string; by: NodeId }>();

  constructor(private readonly cluster: TestCluster) {
    onEveryStep(cluster, (id, _input, _before, output) => this.afterStep(id, output));
  }

  private afterStep(id: NodeId, output: Output): void {
    for (const a of output.apply) this.recordApplied(id, a.index, a.entry.term, a.entry.data);
    const s = this.cluster.state(id);
    if (s.role === 'Leader') {
      const known = this.leaderOfTerm.get(s.term);
      if (known === undefined) {
        this.leaderOfTerm.set(s.term, id);
        this.checkLeaderCompleteness(id, s);
      } else if (known !== id) {
        this.violations.push(`election safety: ${known} and ${id} both leaders of term ${s.term}`);
      }
    }
  }

  recordApplied(id: NodeId, index: number, term: Term, data: string): void {
    const first = this.appliedAt.get(index);
    if (first === undefined) this.appliedAt.set(index, { term, data, by: id });
    else if (first.term !== term || first.data !== data) {
      this.violations.push(`state machine safety: ${first.by} applied ${first.data}@t${first.term} at ${index} but ${id} applied ${data}@t${term}`);
    }
  }

  private checkLeaderCompleteness(id: NodeId, s: RaftState): void {
    for (const [index, e] of this.appliedAt) {
      if (index <= s.log.snapshotIndex) continue;
      if (termAt(s.log, index) !== e.term) {
        this.violations.push(`leader completeness: ${id} leads term ${s.term} without committed entry ${index} (t${e.term})`);
      }
    }
  }

  /** Log Matching: two logs with an entry of the same index and term agree on everything before. */
  checkLogMatching(): void {
    const ids = this.cluster.ids;
    for (let a = 0; a < ids.length; a++) {
      for (let b = a + 1; b < ids.length; b++) {
        const la = this.cluster.state(ids[a]).log;
        const lb = this.cluster.state(ids[b]).log;
        const last = Math.min(la.snapshotIndex + la.entries.size, lb.snapshotIndex + lb.entries.size);
        let agreeFrom = -1;
        for (let i = last; i >= 1; i--) {
          const ta = termAt(la, i);
          const tb = termAt(lb, i);
          if (ta === undefined || tb === undefined) break;
          if (agreeFrom < 0 && ta === tb) agreeFrom = i;
          else if (agreeFrom >= 0 && ta !== tb) {
            this.violations.push(`log matching: ${ids[a]} and ${ids[b]} agree at ${agreeFrom} but differ at ${i}`);
            break;
          }
        }
      }
    }
  }
}
