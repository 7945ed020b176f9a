// What a script action or expectation sees: the running simulation plus a few questions scripts ask
// all the time (who leads, what does a node's log look like, what became of an operation).

import { entriesBetween, lastIndex, type Entry, type NodeId, type RaftState } from '../../core';
import type { SimNode, Simulation } from '../cluster/simulation';
import type { ClientOpTracker, ScenarioOp } from './client-ops';

/** A script referred to something the cluster does not have right now (e.g. no leader). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export class ScenarioContext {
  constructor(
    readonly sim: Simulation,
    /** The script's own client operations. */
    readonly tracker: ClientOpTracker,
  ) {}

  get nowMs(): number {
    return this.sim.nowMs;
  }

  node(id: NodeId): SimNode {
    return this.sim.nodeById(id);
  }

  state(id: NodeId): RaftState {
    return this.sim.nodeById(id).state;
  }

  /** Running nodes that believe they lead, newest term first. */
  leaders(): NodeId[] {
    return this.sim.nodes
      .filter((n) => n.up && n.state.role === 'Leader')
      .sort((a, b) => b.state.term - a.state.term)
      .map((n) => n.id);
  }

  /** The leader of the highest term among running nodes, or null if that term has none. */
  leaderOrNull(): NodeId | null {
    const up = this.sim.nodes.filter((n) => n.up);
    if (up.length === 0) return null;
    const maxTerm = Math.max(...up.map((n) => n.state.term));
    return up.find((n) => n.state.role === 'Leader' && n.state.term === maxTerm)?.id ?? null;
  }

  leader(): NodeId {
    const l = this.leaderOrNull();
    if (l === null) throw new ScenarioError(`no leader at ${this.nowMs} ms (terms: ${this.describeTerms()})`);
    return l;
  }

  describeTerms(): string {
    return this.sim.nodes.map((n) => `${n.id}=${n.up ? `${n.state.role}@${n.state.term}` : 'down'}`).join(' ');
  }

  /** The entries a node holds after its snapshot, with their indexes. */
  log(id: NodeId): { readonly index: number; readonly entry: Entry }[] {
    const log = this.state(id).log;
    return entriesBetween(log, log.snapshotIndex + 1, lastIndex(log)).map((entry, k) => ({ index: log.snapshotIndex + 1 + k, entry }));
  }

  /** Terms of a node's entries from `fromIndex` to its end (compacted indexes are skipped). */
  logTerms(id: NodeId, fromIndex = 1): number[] {
    return this.log(id).filter((x) => x.index >= fromIndex).map((x) => x.entry.term);
  }

  lastIndex(id: NodeId): number {
    return lastIndex(this.state(id).log);
  }

  /** Every key of a node's state machine with its value. */
  kv(id: NodeId): Record<string, string> {
    return Object.fromEntries(this.sim.nodeById(id).kv.contents());
  }

  op(label: string): ScenarioOp {
    return this.tracker.find(label);
  }

  get ops(): readonly ScenarioOp[] {
    return this.tracker.ops;
  }
}
