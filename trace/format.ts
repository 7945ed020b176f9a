// The NDJSON trace format, shared by sim, the browser adapter and TLA+ trace validation
// (docs/trace-format.md). Line 1 is a header, then one line per event, then an End line with the
// event count and the SHA-256 of every line before it: a trace without its End line was cut short.
// Names follow the spec's vocabulary (docs/architecture.md): a Step line lists the spec actions
// core performed in that step.
//
// This module is pure (no Node imports): the browser bundle includes it.

import type { ActionName, InputType, Message, Role } from '../core';
import { lastIndex, lastTerm, type RaftState } from '../core';

/** Version 2 added the End line; version 1 traces cannot tell complete from cut, so readers refuse them. */
export const TRACE_FORMAT = 'raftbed-trace/2';

export interface TraceHeader {
  readonly type: 'header';
  readonly format: typeof TRACE_FORMAT;
  readonly source: 'sim' | 'browser';
  readonly seed: number | null;
  readonly version: string;
  readonly commit: string;
  readonly nodes: readonly string[];
  readonly profile: string;
  readonly config: unknown;
  readonly faultPlan: unknown;
}

/** The last line of a complete trace. */
export interface TraceEnd {
  readonly type: 'End';
  /** Event lines between the header and this line. */
  readonly events: number;
  /** Lowercase hex SHA-256 of the lines before this one (header included), each followed by "\n". */
  readonly sha256: string;
}

/** The End line as every writer prints it (fixed field order, so equal runs give equal bytes). */
export function formatEndLine(events: number, sha256: string): string {
  const end: TraceEnd = { type: 'End', events, sha256 };
  return JSON.stringify(end);
}

/** The node-state fields that trace validation compares against the spec after each step. */
export interface NodeView {
  readonly term: number;
  readonly role: Role;
  readonly vote: string | null;
  readonly lastIndex: number;
  readonly lastTerm: number;
  readonly commit: number;
  readonly snapshotIndex: number;
}

/** A message as traced: entries shrink to their terms, snapshot data to its length. */
export type TracedMessage = Omit<Message, never> & { readonly entries?: unknown; readonly data?: unknown };

interface Base {
  /** Line number of the event within the trace, from 1 (the header is line 0). */
  readonly i: number;
  /** Virtual time in milliseconds (sim) or milliseconds since the page started (browser). */
  readonly t: number;
}

export type TraceEvent = Base &
  (
    /**
     * --skip-idle-ticks: `count`, a Tick step of that many ticks at once (absent: one); `idleTicks`,
     * ticks that only counted, handed to the node as one Tick just before this step's input.
     */
    | { readonly ev: 'Step'; readonly node: string; readonly input: InputType; readonly count?: number; readonly idleTicks?: number; readonly actions: readonly ActionName[]; readonly msg?: TracedMessage; readonly state: NodeView }
    | { readonly ev: 'Send'; readonly msg: TracedMessage }
    | { readonly ev: 'Drop'; readonly reason: string; readonly msg: TracedMessage }
    | { readonly ev: 'Duplicate'; readonly msg: TracedMessage }
    | {
        readonly ev: 'Persist'; readonly node: string; readonly seq: number; readonly term?: number; readonly votedFor?: string | null;
        readonly truncateFrom?: number; readonly appendFrom?: number; readonly entryTerms?: readonly TracedEntry[]; readonly snapshotIndex?: number; readonly snapshotTerm?: number;
      }
    | { readonly ev: 'Apply'; readonly node: string; readonly from: number; readonly to: number }
    | { readonly ev: 'Crash'; readonly node: string; readonly lostRecords: number; readonly torn: boolean }
    | { readonly ev: 'Restart'; readonly node: string; readonly state: NodeView }
    | { readonly ev: 'Pause'; readonly node: string; readonly untilMs: number }
    | { readonly ev: 'Fault'; readonly fault: unknown }
    | { readonly ev: 'ClientInvoke'; readonly client: string; readonly op: number; readonly kind: string; readonly key: string }
    | { readonly ev: 'ClientComplete'; readonly client: string; readonly op: number; readonly outcome: 'ok' | 'unknown' }
    | { readonly ev: 'Violation'; readonly property: string; readonly detail: string }
  );

export function nodeView(s: RaftState): NodeView {
  return {
    term: s.term, role: s.role, vote: s.votedFor, lastIndex: lastIndex(s.log), lastTerm: lastTerm(s.log),
    commit: s.commitIndex, snapshotIndex: s.log.snapshotIndex,
  };
}

/** A node protocol view (docs/node-protocol.md §6) as a trace's NodeView: what any implementation shows. */
export function traceView(v: {
  readonly term: number; readonly role: string; readonly votedFor: string | null; readonly commitIndex: number;
  readonly lastIndex: number; readonly lastTerm: number; readonly snapshotIndex: number;
}): NodeView {
  return { term: v.term, role: v.role as Role, vote: v.votedFor, lastIndex: v.lastIndex, lastTerm: v.lastTerm, commit: v.commitIndex, snapshotIndex: v.snapshotIndex };
}

/**
 * A node protocol message as traced: canonical fields as sent, entries as their terms, snapshot
 * data as its length, `ext` (implementation-private) kept as the node wrote it, and an Extension
 * message under its `name` (core's ReadIndexRequest/Response are names the spec knows).
 */
export function traceProtocolMessage(m: { readonly type: string; readonly name?: string; readonly from: string; readonly to: string; readonly term: number; readonly ext?: unknown }): TracedMessage {
  if (m.type === 'Extension') {
    const { type: _type, name, ...rest } = m;
    void _type;
    return { type: name, ...rest } as unknown as TracedMessage;
  }
  const x = m as { readonly entries?: readonly { readonly term: number; readonly type?: string; readonly data?: string }[]; readonly data?: string };
  if (m.type === 'AppendEntriesRequest' && x.entries !== undefined) return { ...m, entries: x.entries.map(traceEntry) } as unknown as TracedMessage;
  if (m.type === 'InstallSnapshotRequest' && x.data !== undefined) return { ...m, data: x.data.length } as unknown as TracedMessage;
  return m as unknown as TracedMessage;
}

/**
 * An entry as traced: its term, or `{ term, config }` for a configuration entry (docs/tla-features.md,
 * "Configuration changes in traces"), which trace validation needs to follow quorums.
 */
export type TracedEntry = number | { readonly term: number; readonly config: unknown };

export function traceEntry(e: { readonly term: number; readonly type?: string; readonly data?: string }): TracedEntry {
  return e.type === 'Config' && e.data !== undefined ? { term: e.term, config: JSON.parse(e.data) as unknown } : e.term;
}

/** A core message as traced (the browser adapter's recorder, which drives core directly). */
export function traceMessage(m: Message): TracedMessage {
  if (m.type === 'AppendEntriesRequest') return { ...m, entries: m.entries.map(traceEntry) };
  if (m.type === 'InstallSnapshotRequest') return { ...m, data: m.data.length };
  return m;
}
