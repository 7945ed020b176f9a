// §6.4: before answering a read, a leader must learn that it is still the leader (a heartbeat
// round answered by a majority) and must have committed an entry of its own term. This leader
// answers every read at once from its current commit index, so a deposed leader, or a new one
// that has not yet learnt the true commit index, serves stale data.

import type { Input, NodeId } from '../../core';
import { releaseReadyReads } from '../../core/reads';
import type { PlantedBug } from './types';
import { continueStep } from './step-helpers';

/** The read this input asks a leader for, and who asked (null: a client of this node). */
function readRequest(input: Input): { requestId: string; requester: NodeId | null } | null {
  if (input.type === 'Read') return { requestId: input.requestId, requester: null };
  if (input.type === 'Receive' && input.message.type === 'ReadIndexRequest') return { requestId: input.message.requestId, requester: input.message.from };
  return null;
}

export const readIndexWithoutHeartbeat: PlantedBug = {
  name: 'read-index-without-heartbeat',
  description: 'a leader answers reads at once from its commit index, without a heartbeat round or a commit in its own term',
  caughtBy: ['Linearizability'],
  // The linearizability checker is what this bug shows (it judges any implementation from its
  // client history); ReadAccounting (a white-box per-step check, sim/checkers/read-confirmation.ts,
  // with its own planted test) would stop the run at the first unconfirmed answer, before the
  // history holds a stale read.
  viewsOnly: true,
  // Without CheckQuorum a leader cut off by a partition stays leader until it hears a newer term, so
  // it keeps answering reads while the majority elects another leader and takes writes.
  config: { nodes: 3, faults: 'partitions', durationMs: 6_000, raft: { checkQuorum: false } },
  step: (core) => (state, input) => {
    const result = core(state, input);
    const request = readRequest(input);
    const leader = result.state.leader;
    if (request === null || leader === null) return result;
    const queued = (r: { requestId: string; requester: NodeId | null }) => r.requestId === request.requestId && r.requester === request.requester;
    if (!leader.pendingReads.some(queued) && !leader.readsAwaitingCommit.some(queued)) return result;
    return continueStep(result, (ctx) => {
      const s = ctx.s;
      ctx.updateLeader({
        pendingReads: leader.pendingReads.filter((r) => !queued(r)),
        readsAwaitingCommit: leader.readsAwaitingCommit.filter((r) => !queued(r)),
      });
      if (request.requester === null) {
        s.readyReads = [...s.readyReads, { requestId: request.requestId, index: s.commitIndex }];
        releaseReadyReads(ctx);
      } else {
        ctx.send({
          type: 'ReadIndexResponse', cluster: s.config.clusterId, from: ctx.id, to: request.requester, term: s.term,
          requestId: request.requestId, readIndex: s.commitIndex,
        });
      }
      return true;
    });
  },
};
