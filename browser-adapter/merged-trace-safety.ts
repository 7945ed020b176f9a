// sim's own invariant checker (checkers/safety.ts, SafetyChecker) run over a merged browser
// trace (trace-merge.ts), in the trace's global order.
//
// SafetyChecker judges (before, after, input, output) of each step on full RaftStates. A trace has
// less: each Step's node view, its persist record with entries reduced to terms, and applied index
// ranges. This adapter rebuilds, per node, a shadow state holding exactly what the checker reads
// (term, votedFor, role, commitIndex and the log) and hands each step to the checker, so every
// property it knows is judged, including the two that need a global order: Leader Completeness
// (each new leader holds every entry committed in earlier terms; a leader's commit is held by every
// later leader) and Election Safety across tabs.
//
// What the shadow cannot know, and how it is filled:
//   - entry contents: entries are {term, type 'Normal', data ''}, so Log Matching and State Machine
//     Safety compare terms (equal index and term mean equal entry, by Log Matching itself); a
//     configuration entry is traced with its configuration ({term, config}) and becomes a Config
//     entry, so the configuration invariants (ConfigQuorumIntersection, OneUncommittedConfig) are
//     judged too, from the merged header's initialConfig;
//   - a snapshot's configuration: the one in effect at its index in the node's own log when it
//     compacted, or the sender's when it installed the leader's snapshot;
//   - PersistAck's seq: a browser node writes and acknowledges every record queued so far at once
//     (browser-raft-node.ts flushPersist), so an ack covers the node's last Persist line;
//   - messages sent: the checker does not read them.
// It also checks that the trace agrees with itself (TraceConsistent): every Step's view must be
// what its persist records build, and a Restart must come back with what was persisted (a closed
// tab loses no records). Merged browser traces only: sim traces have their own live checker.

import { appendEntries, compactTo, entryAt, lastIndex, lastTerm, logFromEntries, truncateFrom, type RaftLog } from '../core/log';
import { termAt as termAtLog } from '../core/log';
import type { ApplyEntry, ClusterConfig, Entry, Input, Message, Output, PersistRecord, Role } from '../core';
import { configAt, encodeConfig } from '../core/membership';
import { tracedConfig, tracedTerm } from './traced-entry';
import { SafetyChecker, type ObservedLogReader, type ObservedView } from '../checkers/safety';
import { SafetyViolation, type PropertyName } from '../checkers/violation';
import { TraceFormatError, parseTrace } from '../trace/read';

export type MergedTraceProperty = PropertyName | 'TraceConsistent' | 'MalformedTrace';

export interface MergedTraceViolation {
  readonly property: MergedTraceProperty;
  readonly detail: string;
  readonly node: string | null;
  /** Line in the merged trace (1-based, the header is line 1). */
  readonly line: number;
  /** Where the line came from in the per-tab traces (the merger's `src`), when known. */
  readonly src: string | null;
}

export interface MergedSafetyResult {
  readonly ok: boolean;
  /** The first violation: the checker stops there, as the simulator does. */
  readonly violation: MergedTraceViolation | null;
  readonly stats: { readonly steps: number; readonly restarts: number; readonly leaders: number; readonly highestCommitted: number };
}

/** The part of RaftState that SafetyChecker reads. */
interface Shadow {
  term: number;
  votedFor: string | null;
  role: Role;
  commitIndex: number;
  log: RaftLog;
  lastPersistSeq: number;
  /** The configuration below the log's first Config entry: the snapshot's, or the initial one. */
  baseConfig: ClusterConfig;
}

type Json = Record<string, unknown>;

class TraceInconsistent extends Error {}

/** A traced entry as a log entry: Config entries keep their configuration, others only their term. */
function entry(traced: unknown): Entry {
  const term = tracedTerm(traced);
  const config = tracedConfig(traced);
  if (term === null || typeof config === 'string') throw new Error(`a malformed traced entry ${JSON.stringify(traced)}`);
  return config === null ? { term, type: 'Normal', data: '' } : { term, type: 'Config', data: encodeConfig(config) };
}

/** The protocol's observable view of a shadow: all SafetyChecker reads of a node. */
function viewOf(s: Shadow): ObservedView {
  return { term: s.term, votedFor: s.votedFor, role: s.role, commitIndex: s.commitIndex, lastIndex: lastIndex(s.log), snapshotIndex: s.log.snapshotIndex };
}

function logReader(log: RaftLog): ObservedLogReader {
  return { termAt: (index) => termAtLog(log, index), snapshotIndex: log.snapshotIndex, lastIndex: lastIndex(log) };
}

function persistRecord(ev: Json): PersistRecord {
  return {
    seq: ev.seq as number,
    ...(ev.term !== undefined ? { term: ev.term as number } : {}),
    ...(ev.votedFor !== undefined ? { votedFor: ev.votedFor as string | null } : {}),
    ...(ev.truncateFrom !== undefined ? { truncateFrom: ev.truncateFrom as number } : {}),
    ...(ev.entryTerms !== undefined ? { appendFrom: ev.appendFrom as number, entries: (ev.entryTerms as unknown[]).map(entry) } : {}),
    // The configuration is filled in by the caller, which knows the logs (snapshotConfig).
    ...(ev.snapshotIndex !== undefined
      ? { snapshot: { index: ev.snapshotIndex as number, term: ev.snapshotTerm as number, config: undefined as unknown as ClusterConfig, data: '' } }
      : {}),
  };
}

/** Every entry the log holds after its snapshot, in order. */
function entriesOf(log: RaftLog): Entry[] {
  const out: Entry[] = [];
  for (let i = log.snapshotIndex + 1; i <= lastIndex(log); i++) out.push(entryAt(log, i) as Entry);
  return out;
}

/** The log after a persist record, in the order storage applies it: snapshot, truncation, append. */
function applyRecord(log: RaftLog, r: PersistRecord): RaftLog {
  let next = log;
  if (r.snapshot) next = compactTo(next, r.snapshot.index, r.snapshot.term);
  if (r.truncateFrom !== undefined && r.truncateFrom <= lastIndex(next)) next = truncateFrom(next, Math.max(r.truncateFrom, next.snapshotIndex + 1));
  if (r.entries && r.appendFrom !== undefined) {
    if (r.appendFrom <= lastIndex(next)) next = truncateFrom(next, Math.max(r.appendFrom, next.snapshotIndex + 1));
    if (r.appendFrom !== lastIndex(next) + 1) throw new TraceInconsistent(`append at ${r.appendFrom} does not continue the log ending at ${lastIndex(next)}`);
    next = appendEntries(next, r.entries);
  }
  return next;
}

function checkView(what: string, view: Json, s: Shadow): void {
  const mismatches: string[] = [];
  if (view.lastIndex !== lastIndex(s.log)) mismatches.push(`lastIndex ${String(view.lastIndex)} vs ${lastIndex(s.log)}`);
  if (view.lastTerm !== lastTerm(s.log)) mismatches.push(`lastTerm ${String(view.lastTerm)} vs ${lastTerm(s.log)}`);
  if (view.snapshotIndex !== s.log.snapshotIndex) mismatches.push(`snapshotIndex ${String(view.snapshotIndex)} vs ${s.log.snapshotIndex}`);
  if (mismatches.length > 0) throw new TraceInconsistent(`${what} (logged vs rebuilt): ${mismatches.join(', ')}`);
}

interface PendingStep {
  readonly line: number;
  readonly ev: Json;
  readonly records: PersistRecord[];
  readonly applies: { from: number; to: number }[];
}

/** The merged header's initialConfig voters (trace-merge.ts writes them), or undefined for older merges. */
function initialVotersOf(header: Record<string, unknown>): string[] | undefined {
  const c = header.initialConfig as { voters?: unknown } | undefined;
  return c !== undefined && Array.isArray(c.voters) && c.voters.every((v) => typeof v === 'string') ? (c.voters as string[]) : undefined;
}

/** Runs SafetyChecker over a merged trace (trace-merge.ts); never throws. */
export function checkMergedTraceSafety(text: string): MergedSafetyResult {
  let parsed: ReturnType<typeof parseTrace>;
  try {
    parsed = parseTrace(text);
  } catch (e) {
    if (e instanceof TraceFormatError) return { ok: false, violation: { property: 'MalformedTrace', detail: e.message, node: null, line: e.line + 1, src: null }, stats: { steps: 0, restarts: 0, leaders: 0, highestCommitted: 0 } };
    throw e;
  }
  const initialVoters = initialVotersOf(parsed.header as unknown as Record<string, unknown>);
  const initialConfig: ClusterConfig = { voters: initialVoters ?? (parsed.header.nodes as string[]), learners: [] };
  const checker = new SafetyChecker(initialVoters === undefined ? {} : { initialVoters });
  const shadows = new Map<string, Shadow>();
  const leaders = new Set<number>();
  let steps = 0;
  let restarts = 0;
  let current: { line: number; ev: Json } = { line: 1, ev: {} };
  const result = (violation: MergedTraceViolation | null): MergedSafetyResult => ({
    ok: violation === null, violation, stats: { steps, restarts, leaders: leaders.size, highestCommitted: checker.highestCommitted },
  });

  const shadowOf = (node: string): Shadow => {
    let s = shadows.get(node);
    if (!s) {
      s = { term: 0, votedFor: null, role: 'Follower', commitIndex: 0, log: logFromEntries(0, 0, []), lastPersistSeq: 0, baseConfig: initialConfig };
      shadows.set(node, s);
    }
    return s;
  };

  const flush = (p: PendingStep | null): void => {
    if (p === null) return;
    current = p;
    const ev = p.ev;
    const node = ev.node as string;
    const before = shadowOf(node);
    const view = ev.state as Json;
    let log = before.log;
    let baseConfig = before.baseConfig;
    const records = p.records.map((r) => {
      if (r.snapshot === undefined) return r;
      const config = snapshotConfig(node, log, baseConfig, r.snapshot.index, ev);
      if (config !== undefined) baseConfig = config;
      return { ...r, snapshot: config === undefined ? { index: r.snapshot.index, term: r.snapshot.term, data: '' } as unknown as typeof r.snapshot : { ...r.snapshot, config } };
    });
    for (const r of records) log = applyRecord(log, r);
    const after: Shadow = {
      term: view.term as number, votedFor: (view.vote ?? null) as string | null, role: view.role as Role,
      commitIndex: view.commit as number, log, lastPersistSeq: p.records.length > 0 ? p.records[p.records.length - 1].seq : before.lastPersistSeq, baseConfig,
    };
    checkView(`${node}'s step state is not what its persist records build`, view, after);
    const inputType = ev.input as Input['type'];
    const input = (inputType === 'Receive'
      ? { type: 'Receive', message: ev.msg as Message }
      : inputType === 'PersistAck' ? { type: 'PersistAck', seq: before.lastPersistSeq } : { type: inputType }) as Input;
    const apply: ApplyEntry[] = [];
    for (const { from, to } of p.applies) {
      for (let index = from; index <= to; index++) {
        const e = entryAt(log, index);
        // Compacted in this very step: nothing left to compare.
        if (e !== undefined) apply.push({ index, entry: e });
      }
    }
    const persist = records.length === 0 ? null : records.length === 1 ? records[0] : null;
    if (p.records.length > 1) throw new TraceInconsistent(`one step logged ${p.records.length} persist records`);
    const snapshot = persist?.snapshot;
    const actions = ev.actions as Output['actions'];
    const output: Output = {
      messages: [], persist, apply,
      restore: snapshot && inputType === 'Receive' && actions.includes('InstallSnapshot') ? snapshot : null,
      reads: [], proposed: [], errors: [], actions,
    };
    checker.afterStep(node, input, viewOf(before), viewOf(after), { persist: persist === null ? [] : [persist], apply: output.apply, restore: output.restore, actions: output.actions }, logReader(after.log));
    if (after.role === 'Leader') leaders.add(after.term);
    shadows.set(node, after);
    steps++;
  };

  /**
   * The configuration in effect at a new snapshot's index: from the node's own log when it
   * compacted entries it holds, else (it installed a snapshot) from the sender's, whose own
   * snapshot is that one. Undefined when neither knows: the checker then keeps its base.
   */
  const snapshotConfig = (node: string, log: RaftLog, base: ClusterConfig, index: number, ev: Json): ClusterConfig | undefined => {
    if (index >= log.snapshotIndex && index <= lastIndex(log)) return configAt(log, index, base, log.snapshotIndex).config;
    const from = (ev.msg as { from?: unknown } | undefined)?.from;
    const sender = typeof from === 'string' && from !== node ? shadows.get(from) : undefined;
    if (sender !== undefined && index >= sender.log.snapshotIndex && index <= lastIndex(sender.log)) return configAt(sender.log, index, sender.baseConfig, sender.log.snapshotIndex).config;
    return undefined;
  };

  const lines = parsed.events;

  let pending: PendingStep | null = null;
  try {
    for (let k = 0; k < lines.length; k++) {
      const ev = lines[k];
      const line = k + 2;
      current = { line, ev };
      switch (ev.ev) {
        case 'Step':
          flush(pending);
          pending = { line, ev, records: [], applies: [] };
          break;
        case 'Persist':
          if (pending === null || pending.ev.node !== ev.node) throw new TraceInconsistent('a Persist line outside its node\'s step');
          pending.records.push(persistRecord(ev));
          break;
        case 'Apply':
          if (pending === null || pending.ev.node !== ev.node) throw new TraceInconsistent('an Apply line outside its node\'s step');
          pending.applies.push({ from: ev.from as number, to: ev.to as number });
          break;
        case 'Crash':
          flush(pending);
          pending = null;
          break;
        case 'Restart': {
          flush(pending);
          pending = null;
          current = { line, ev };
          const node = ev.node as string;
          const s = shadowOf(node);
          const view = ev.state as Json;
          // A closed tab loses nothing: it comes back with the log it had persisted.
          const restarted: Shadow = { ...s, term: view.term as number, votedFor: (view.vote ?? null) as string | null, role: 'Follower', commitIndex: view.commit as number };
          checkView(`${node} restarted with a log other than the one it persisted`, view, restarted);
          if (restarted.term !== s.term || restarted.votedFor !== s.votedFor) {
            throw new TraceInconsistent(`${node} restarted with term ${restarted.term} vote ${restarted.votedFor}, but had persisted term ${s.term} vote ${s.votedFor}`);
          }
          // What storage kept (a closed tab loses nothing): the configuration tracker restarts from it.
          const kept = { snapshot: s.log.snapshotIndex > 0 ? { index: s.log.snapshotIndex, config: s.baseConfig } : null, entries: entriesOf(s.log) };
          checker.afterRestart(node, restarted, kept);
          shadows.set(node, restarted);
          restarts++;
          break;
        }
        default:
          break;
      }
    }
    flush(pending);
  } catch (e) {
    const at = { node: typeof current.ev.node === 'string' ? current.ev.node : null, line: current.line, src: typeof current.ev.src === 'string' ? current.ev.src : null };
    if (e instanceof SafetyViolation) return result({ property: e.property, detail: e.detail, ...at, node: e.node ?? at.node });
    if (e instanceof TraceInconsistent) return result({ property: 'TraceConsistent', detail: e.message, ...at });
    return result({ property: 'MalformedTrace', detail: e instanceof Error ? e.message : String(e), ...at });
  }
  return result(null);
}
