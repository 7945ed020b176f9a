// Client operations a script sends straight to one node as core inputs (Propose, Read), and what
// became of them, learnt by watching every step's output. Each operation gets its own KV session
// (client `s<id>`, seq 1) so that the order in which different leaders commit them never makes
// the state machine discard one as stale.

import { KvStateMachine, encodeCommand, type KvOp } from '../../core';
import type { NodeError, NodeId, NodeOutput, StepInput } from '../../protocol/types';
import type { Simulation } from '../cluster/simulation';

export interface ScenarioOp {
  readonly id: number;
  readonly label: string;
  readonly kind: 'propose' | 'read';
  readonly op: KvOp;
  readonly node: NodeId;
  readonly requestId: string;
  readonly submittedMs: number;
  /** False when the node was down or paused, so the request never arrived. */
  delivered: boolean;
  /** Where the node's log took it (proposals only). */
  proposedAt: { readonly index: number; readonly term: number } | null;
  error: NodeError | null;
  /** First time any node applied this proposal's entry, i.e. it was committed. */
  committedMs: number | null;
  committedIndex: number | null;
  /** Nodes that applied this proposal's entry. */
  readonly appliedBy: Set<NodeId>;
  /** For reads: the value served, once the node answered. */
  readValue: string | null | undefined;
  readIndex: number | null;
  completedMs: number | null;
}

/** Keeps the operations a script submitted and resolves them from step outputs. */
export class ClientOpTracker {
  readonly ops: ScenarioOp[] = [];
  /** Core's requestId -> the operations it carries (a proposal batch shares its first op's id). */
  private readonly byRequest = new Map<string, ScenarioOp[]>();
  private readonly byData = new Map<string, ScenarioOp>();
  private sim: Simulation | null = null;

  attach(sim: Simulation): void {
    this.sim = sim;
  }

  propose(sim: Simulation, node: NodeId, ops: readonly KvOp[], label: string | undefined): ScenarioOp[] {
    const created = ops.map((op, k) => this.create('propose', node, op, ops.length === 1 ? label : label && `${label}[${k}]`, sim.nowMs));
    const data = created.map((o) => encodeCommand({ client: `s${o.id}`, seq: 1, op: o.op }));
    created.forEach((o, k) => this.byData.set(data[k], o));
    // One Propose input for the whole batch, so the entries land next to each other in one term.
    this.deliver(sim, node, created, { type: 'Propose', requestId: created[0].requestId, data });
    return created;
  }

  read(sim: Simulation, node: NodeId, key: string, label: string | undefined): ScenarioOp {
    const o = this.create('read', node, { kind: 'get', key }, label, sim.nowMs);
    this.deliver(sim, node, [o], { type: 'Read', requestId: o.requestId });
    return o;
  }

  private create(kind: ScenarioOp['kind'], node: NodeId, op: KvOp, label: string | undefined, nowMs: number): ScenarioOp {
    const id = this.ops.length;
    const o: ScenarioOp = {
      id, label: label ?? `op${id}`, kind, op, node, requestId: `scenario.${id}`, submittedMs: nowMs, delivered: false,
      proposedAt: null, error: null, committedMs: null, committedIndex: null, appliedBy: new Set(), readValue: undefined, readIndex: null, completedMs: null,
    };
    this.ops.push(o);
    return o;
  }

  private deliver(sim: Simulation, node: NodeId, ops: readonly ScenarioOp[], input: StepInput): void {
    const n = sim.nodeById(node);
    if (!n.up || sim.nowMs < n.pausedUntilMs) return;
    for (const o of ops) o.delivered = true;
    this.byRequest.set(ops[0].requestId, [...ops]);
    sim.stepNode(n, input);
  }

  /** The StepObserver: resolves proposals, commits, reads and errors from one step's output. */
  observe = (node: NodeId, input: StepInput, out: NodeOutput): void => {
    for (const p of out.proposed) {
      const batch = this.byRequest.get(p.requestId);
      batch?.forEach((o, k) => {
        if (k < p.count) o.proposedAt = { index: p.firstIndex + k, term: p.term };
      });
    }
    for (const e of out.errors) {
      if (!('requestId' in e)) continue;
      for (const o of this.byRequest.get(e.requestId) ?? []) o.error = e;
    }
    if (this.byData.size > 0) this.observeApplies(node, out);
    if (out.reads.length > 0) this.observeReads(node, out);
    void input;
  };

  private observeApplies(node: NodeId, out: NodeOutput): void {
    const now = this.sim?.nowMs ?? 0;
    for (const a of out.apply) {
      const o = this.byData.get(a.entry.data);
      if (o === undefined) continue;
      o.appliedBy.add(node);
      if (o.committedMs === null) {
        o.committedMs = now;
        o.committedIndex = a.index;
      }
    }
  }

  /**
   * A read result is emitted before the simulator applies the same output's entries, so the value
   * is taken from a copy of the node's state machine brought up to date with this output.
   */
  private observeReads(node: NodeId, out: NodeOutput): void {
    if (this.sim === null) return;
    const mine = out.reads.filter((r) => this.byRequest.get(r.requestId)?.[0].node === node);
    if (mine.length === 0) return;
    const live = this.sim.nodeById(node).kv;
    const kv = out.restore ? KvStateMachine.restore(out.restore.data) : KvStateMachine.restore(live.snapshot());
    for (const a of out.apply) if (a.index > kv.lastApplied) kv.apply(a);
    for (const r of mine) {
      const o = (this.byRequest.get(r.requestId) as ScenarioOp[])[0];
      o.readValue = kv.read(o.op.key);
      o.readIndex = r.index;
      o.completedMs = this.sim.nowMs;
    }
  }

  find(label: string): ScenarioOp {
    const o = this.ops.find((x) => x.label === label);
    if (o === undefined) throw new Error(`no scenario operation labelled ${JSON.stringify(label)}; labels: ${this.ops.map((x) => x.label).join(', ')}`);
    return o;
  }
}
