// What a script action or expectation sees: the running simulation plus a few questions scripts ask
// all the time (who leads, what does a node's log look like, what became of an operation). Every
// answer comes from the node protocol (views, the log its persist records wrote, applied entries),
// so scripts run against any implementation. There is deliberately no door into an
// implementation's internals here: a test of core's own state reads it in the test itself, and
// .dependency-cruiser.cjs (scenario-api-speaks-only-the-protocol) keeps it that way.

import type { ClusterConfig, ConfChangeRefusal, Entry, NodeError, NodeId, NodeView } from '../../protocol/types';
import type { SimNode, Simulation } from '../cluster/simulation';
import type { ClientOpTracker, ScenarioOp } from './client-ops';

/** What became of a scripted ProposeConfChange: accepted (appended), or the typed refusal it got. */
export interface ConfChangeOutcome {
  readonly node: NodeId;
  readonly accepted: boolean;
  readonly refusal: ConfChangeRefusal | null;
  readonly errors: readonly NodeError[];
}

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

  /** What the node showed after its last input (docs/node-protocol.md §6). */
  view(id: NodeId): NodeView {
    return this.sim.nodeById(id).view;
  }

  /** The highest index the node's state machine has applied. */
  applied(id: NodeId): number {
    return this.sim.nodeById(id).appliedIndex;
  }

  /** Running nodes that believe they lead, newest term first. */
  leaders(): NodeId[] {
    return this.sim.nodes
      .filter((n) => n.up && n.view.role === 'Leader')
      .sort((a, b) => b.view.term - a.view.term)
      .map((n) => n.id);
  }

  /** The leader of the highest term among running nodes, or null if that term has none. */
  leaderOrNull(): NodeId | null {
    const up = this.sim.nodes.filter((n) => n.up);
    if (up.length === 0) return null;
    const maxTerm = Math.max(...up.map((n) => n.view.term));
    return up.find((n) => n.view.role === 'Leader' && n.view.term === maxTerm)?.id ?? null;
  }

  leader(): NodeId {
    const l = this.leaderOrNull();
    if (l === null) throw new ScenarioError(`no leader at ${this.nowMs} ms (terms: ${this.describeTerms()})`);
    return l;
  }

  describeTerms(): string {
    return this.sim.nodes.map((n) => `${n.id}=${n.up ? `${n.view.role}@${n.view.term}` : 'down'}`).join(' ');
  }

  /** The entries a node holds after its snapshot, with their indexes. */
  log(id: NodeId): { readonly index: number; readonly entry: Entry }[] {
    return this.sim.nodeById(id).disk.writtenEntries();
  }

  /** Terms of a node's entries from `fromIndex` to its end (compacted indexes are skipped). */
  logTerms(id: NodeId, fromIndex = 1): number[] {
    return this.log(id).filter((x) => x.index >= fromIndex).map((x) => x.entry.term);
  }

  lastIndex(id: NodeId): number {
    return this.view(id).lastIndex;
  }

  /** Every key of a node's state machine with its value. */
  kv(id: NodeId): Record<string, string> {
    return Object.fromEntries(this.sim.nodeById(id).kv.contents());
  }

  /** The configuration in effect at a node, from its view (absent there: the initial one). */
  config(id: NodeId): ClusterConfig {
    return this.view(id).config ?? { voters: this.sim.initialVoters };
  }

  /** True when the node's configuration in effect came from a committed entry (or is the initial one). */
  configCommitted(id: NodeId): boolean {
    const v = this.view(id);
    return (v.configIndex ?? 0) <= v.commitIndex;
  }

  /** Outcomes of the script's configuration changes, by label (filled in from step outputs). */
  readonly confChanges = new Map<string, ConfChangeOutcome>();

  confChange(label: string): ConfChangeOutcome {
    const outcome = this.confChanges.get(label);
    if (outcome === undefined) throw new ScenarioError(`no configuration change labelled ${JSON.stringify(label)} has run`);
    return outcome;
  }

  op(label: string): ScenarioOp {
    return this.tracker.find(label);
  }

  get ops(): readonly ScenarioOp[] {
    return this.tracker.ops;
  }
}
