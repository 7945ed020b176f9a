// A proposal batcher in front of each node, as a server batches the requests that reach it within
// a short window: the proposals go to core as one Propose with several entries (core's batched
// input), under a batch request id of their own.

import type { NodeId } from '../../core';
import type { ClusterPort } from './cluster-port';

export class ProposalBatcher {
  private readonly pending = new Map<NodeId, { requestIds: string[]; data: string[] }>();
  /** Batch id -> its proposals' request ids, only while the batch is being proposed (see flush). */
  private readonly proposing = new Map<string, readonly string[]>();
  private nextBatch = 1;

  constructor(
    private readonly windowMs: number,
    private readonly port: Pick<ClusterPort, 'nodeIds' | 'propose' | 'schedule'>,
  ) {}

  /** Queues a proposal for `node`; the first one of a window schedules its flush. */
  add(nowMs: number, node: NodeId, requestId: string, data: string): void {
    let queue = this.pending.get(node);
    if (queue === undefined) {
      queue = { requestIds: [], data: [] };
      this.pending.set(node, queue);
      this.port.schedule(nowMs + this.windowMs, { kind: 'FlushBatch', node: this.port.nodeIds.indexOf(node) });
    }
    queue.requestIds.push(requestId);
    queue.data.push(data);
  }

  /**
   * Proposes what `node` queued. A single proposal goes under its own request id. Core refuses a
   * Propose (NotLeader, ProposalDropped) within the same step, so a batch's members need to be
   * known only while it is proposed; nothing is kept afterwards.
   */
  flush(node: NodeId): void {
    const queue = this.pending.get(node);
    if (queue === undefined) return;
    this.pending.delete(node);
    if (queue.data.length === 1) {
      this.port.propose(node, queue.requestIds[0], queue.data);
      return;
    }
    const batchId = `batch.${node}.${this.nextBatch++}`;
    this.proposing.set(batchId, queue.requestIds);
    try {
      this.port.propose(node, batchId, queue.data);
    } finally {
      this.proposing.delete(batchId);
    }
  }

  /** The request ids proposed together under `requestId`, if it names a batch being proposed. */
  membersOf(requestId: string): readonly string[] | undefined {
    return this.proposing.get(requestId);
  }
}
