// The workload's view of the simulator: what clients and the operator may ask of the cluster.

import type { NodeId } from '../../core';

/** What the workload needs from the simulator. */
export interface ClusterPort {
  readonly nodeIds: readonly NodeId[];
  /**
   * The nodes of the configuration in effect (voters and learners, in nodeIds order): the member
   * list a client syncs its endpoints from, as etcd's clients do. Nodes outside it, removed or not
   * yet added, may be up but are not the cluster's, so clients do not send them requests.
   */
  members(): readonly NodeId[];
  /** Delivers a request to a node now; false if the node is down (the attempt will time out). */
  propose(node: NodeId, requestId: string, data: readonly string[]): boolean;
  read(node: NodeId, requestId: string): boolean;
  /** The node leading the highest term right now, or null: what an operator's status page shows. */
  leader(): NodeId | null;
  transferLeadership(from: NodeId, to: NodeId): boolean;
  schedule(atMs: number, event: ClientTimer): void;
  /** Traces an invocation; returns its trace line, or undefined when the run is not traced. */
  traceInvoke(client: string, op: number, kind: string, key: string): number | undefined;
  /** Traces a completion; returns its trace line, or undefined when the run is not traced. */
  traceComplete(client: string, op: number, outcome: 'ok' | 'unknown'): number | undefined;
  /** The node's current term: the term in which it answers a client now. */
  termOf(node: NodeId): number;
  count(counter: 'redirects' | 'followerReads' | 'retries' | 'unknownOutcomes'): void;
}

export type ClientTimer =
  | { readonly kind: 'ClientWake'; readonly client: number }
  | { readonly kind: 'AttemptTimeout'; readonly client: number; readonly opId: number; readonly attempt: number }
  | { readonly kind: 'FlushBatch'; readonly node: number }
  /** The operator's next request; a follow-up repeats or replaces one it just made (sim/workload/operator.ts). */
  | { readonly kind: 'Transfer'; readonly followUp?: { readonly from: NodeId; readonly to: NodeId } };
