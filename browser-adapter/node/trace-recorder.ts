// Records one browser node's life as NDJSON in sim's trace format (trace/format.ts), so the
// same tools (trace checkers, TLA+ trace validation) read browser and simulator traces alike.
//
// One recorder covers one incarnation of a node: a page load, or a restart after a demo "crash".
// Its header carries what the node restarted from (term, vote, snapshot and the terms of its
// stored log), so each exported trace can be checked on its own. An export ends with the End line
// (event count and SHA-256), so a file cut on its way to disk is refused by every reader.

import type { ActionName, DurableState, Input, Message, Output, PersistRecord, RaftConfig } from '../../core';
import type { RaftState } from '../../core';
import { TRACE_FORMAT, formatEndLine, nodeView, traceEntry, traceMessage } from '../../trace/format';
import type { TraceEvent, TraceHeader } from '../../trace/format';

/** What the node held when this incarnation started: the trace's initial state for that node. */
export interface RestoredState {
  readonly incarnation: number;
  readonly term: number;
  readonly votedFor: string | null;
  readonly snapshotIndex: number;
  readonly snapshotTerm: number;
  /** Terms of the stored entries from snapshotIndex + 1 on. */
  readonly entryTerms: readonly number[];
}

/** The browser header's `config` field. */
export interface BrowserTraceConfig {
  readonly raft: RaftConfig;
  readonly restored: RestoredState;
  /**
   * Epoch milliseconds at which this trace's t is 0 (performance.timeOrigin), so the traces of
   * different tabs can be put on one time line. trace-merge.ts uses it only to break ties.
   */
  readonly timeOrigin?: number;
}

type EventBody = TraceEvent extends infer E ? (E extends unknown ? Omit<E, 'i' | 't'> : never) : never;

export interface TraceRecorderOptions {
  /** Milliseconds since the page started (performance.now in the browser). */
  readonly now: () => number;
  /**
   * Stop keeping lines past this many (the rest are counted, not kept), so memory stays bounded.
   * An export that lost lines this way has no End line: readers report it incomplete.
   */
  readonly maxLines?: number;
  /** Epoch milliseconds at which now() was 0, written to the header (BrowserTraceConfig.timeOrigin). */
  readonly timeOrigin?: number;
  /** Every node that may ever be a member (header.nodes). Default the configured voters. */
  readonly nodes?: readonly string[];
}

export function restoredFrom(durable: DurableState, incarnation: number): RestoredState {
  return {
    incarnation,
    term: durable.term,
    votedFor: durable.votedFor,
    snapshotIndex: durable.snapshot?.index ?? 0,
    snapshotTerm: durable.snapshot?.term ?? 0,
    entryTerms: durable.entries.map((e) => e.term),
  };
}

export class TraceRecorder {
  private readonly lines: string[] = [];
  private count = 0;
  private droppedLines = 0;
  private readonly maxLines: number;

  constructor(
    private readonly options: TraceRecorderOptions,
    config: RaftConfig,
    restored: RestoredState,
    version = 'dev',
  ) {
    this.maxLines = options.maxLines ?? 2_000_000;
    const header: TraceHeader = {
      type: 'header', format: TRACE_FORMAT, source: 'browser', seed: null, version, commit: 'unknown',
      nodes: [...(options.nodes ?? config.cluster.voters)], profile: 'browser', config: { raft: config, restored, ...(options.timeOrigin !== undefined ? { timeOrigin: options.timeOrigin } : {}) } satisfies BrowserTraceConfig, faultPlan: null,
    };
    this.write(JSON.stringify(header));
  }

  /** Lines not kept because maxLines was reached (the export is then a prefix of the run). */
  get dropped(): number {
    return this.droppedLines;
  }

  get size(): number {
    return this.lines.length;
  }

  private write(line: string): void {
    this.count++;
    if (this.lines.length >= this.maxLines) {
      this.droppedLines++;
      return;
    }
    this.lines.push(line);
  }

  private event(body: EventBody): void {
    const t = Math.round(this.options.now() * 1000) / 1000;
    this.write(JSON.stringify({ i: this.count, t, ...body }));
  }

  step(node: string, input: Input, after: RaftState, actions: readonly ActionName[]): void {
    this.event({
      ev: 'Step', node, input: input.type, actions,
      ...(input.type === 'Receive' ? { msg: traceMessage(input.message) } : {}),
      // A membership change's request, as sim traces it: trace validation replays it.
      ...(input.type === 'ProposeConfChange' ? { changes: input.changes, ...(input.leaveJoint !== undefined ? { leaveJoint: input.leaveJoint } : {}) } : {}),
      state: nodeView(after),
    } as EventBody);
  }

  /** Marks the start of an incarnation after the first: the node came back from its storage. */
  restart(node: string, state: RaftState): void {
    this.event({ ev: 'Restart', node, state: nodeView(state) });
  }

  send(message: Message): void {
    this.event({ ev: 'Send', msg: traceMessage(message) });
  }

  persist(node: string, record: PersistRecord): void {
    this.event({
      ev: 'Persist', node, seq: record.seq,
      ...(record.term !== undefined ? { term: record.term } : {}),
      ...(record.votedFor !== undefined ? { votedFor: record.votedFor } : {}),
      ...(record.truncateFrom !== undefined ? { truncateFrom: record.truncateFrom } : {}),
      ...(record.entries ? { appendFrom: record.appendFrom, entryTerms: record.entries.map(traceEntry) } : {}),
      ...(record.snapshot ? { snapshotIndex: record.snapshot.index, snapshotTerm: record.snapshot.term } : {}),
    });
  }

  apply(node: string, output: Output): void {
    if (output.apply.length === 0) return;
    this.event({ ev: 'Apply', node, from: output.apply[0].index, to: output.apply[output.apply.length - 1].index });
  }

  clientInvoke(client: string, op: number, kind: string, key: string): void {
    this.event({ ev: 'ClientInvoke', client, op, kind, key });
  }

  clientComplete(client: string, op: number, outcome: 'ok' | 'unknown'): void {
    this.event({ ev: 'ClientComplete', client, op, outcome });
  }

  /**
   * The whole trace as NDJSON text (header first, End line last), ready to save as a .ndjson file.
   * The lines are taken when this is called; only hashing them waits (WebCrypto is asynchronous,
   * and it is what both the browser and Node offer without a library).
   */
  async ndjson(): Promise<string> {
    // Everything from `this` is read before the await: the node goes on recording meanwhile.
    const body = `${this.lines.join('\n')}\n`;
    const events = this.lines.length - 1;
    if (this.droppedLines > 0) return body;
    const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(body));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
    return `${body}${formatEndLine(events, hex)}\n`;
  }
}
