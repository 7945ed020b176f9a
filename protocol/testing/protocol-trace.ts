// A raftbed trace (trace/format.ts, its current format) written from protocol outputs alone:
// views, persist records, messages and applied entries, never an implementation's state. The
// mini-cluster uses it so TLA+ trace validation can judge any implementation; the simulator's
// recorder writes the same lines (trace/format.ts traceProtocolMessage and traceView).
//
// The mapping: a Step line per input (its actions, its received message, the view as NodeView),
// then one Persist line per record, a Send (or Drop) line per message, and an Apply line. Entries
// shrink to their terms, as in sim traces. An Extension message is traced under its name (core's
// ReadIndexRequest/Response are the names the spec knows); `ext` is kept as written (no spec reads it).

import type { Message, NodeOutput, NodeView, StepInput } from '../types';
import { TRACE_FORMAT, traceProtocolMessage, traceView } from '../../trace/format';
import { completeTrace } from '../../trace/sink';

/** The trace's message and view encodings: the same functions as the simulator's recorder. */
export const tracedMessage = traceProtocolMessage;
const nodeView = traceView;

export class ProtocolTraceRecorder {
  readonly lines: string[];
  private tMs = 0;

  constructor(nodes: readonly string[], seed: number, source = 'protocol mini-cluster') {
    this.lines = [JSON.stringify({
      type: 'header', format: TRACE_FORMAT, source: 'sim', seed, version: source, commit: 'unknown', nodes, profile: 'none', config: {}, faultPlan: null,
    })];
  }

  /** Virtual time for the lines that follow (the mini-cluster uses its round number). */
  at(tMs: number): void {
    this.tMs = tMs;
  }

  private event(fields: Record<string, unknown>): void {
    this.lines.push(JSON.stringify({ i: this.lines.length, t: this.tMs, ...fields }));
  }

  step(node: string, input: StepInput, out: NodeOutput, delivered: (m: Message) => boolean): void {
    this.event({
      ev: 'Step', node, input: input.type, actions: out.actions ?? [],
      ...(input.type === 'Receive' ? { msg: tracedMessage(input.message) } : {}), state: nodeView(out.view),
    });
    for (const r of out.persist) {
      this.event({
        ev: 'Persist', node, seq: r.seq,
        ...(r.term !== undefined ? { term: r.term } : {}),
        ...(r.votedFor !== undefined ? { votedFor: r.votedFor } : {}),
        ...(r.truncateFrom !== undefined ? { truncateFrom: r.truncateFrom } : {}),
        ...(r.entries ? { appendFrom: r.appendFrom, entryTerms: r.entries.map((e) => e.term) } : {}),
        ...(r.snapshot ? { snapshotIndex: r.snapshot.index, snapshotTerm: r.snapshot.term } : {}),
      });
    }
    for (const m of out.messages) {
      if (delivered(m)) this.event({ ev: 'Send', msg: tracedMessage(m) });
      else this.event({ ev: 'Drop', reason: 'partition', msg: tracedMessage(m) });
    }
    if (out.apply.length > 0) this.event({ ev: 'Apply', node, from: out.apply[0].index, to: out.apply[out.apply.length - 1].index });
  }

  crash(node: string): void {
    this.event({ ev: 'Crash', node, lostRecords: 0, torn: false });
  }

  restart(node: string, view: NodeView): void {
    this.event({ ev: 'Restart', node, state: nodeView(view) });
  }

  /** The whole trace, End line (event count and hash) included, as every reader requires. */
  text(): string {
    return completeTrace(this.lines);
  }
}
