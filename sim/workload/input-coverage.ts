// Which of core's inputs a run exercised, and how. Every input core accepts (core/types.ts Input)
// has a counter, so a sweep can fail loudly when an input that its profile or options promise
// never happened: a workload that silently stops sending one is as bad as a fault that never fires.

import { lastIndex, lastTerm, type Input, type Output, type RaftState } from '../../core';
import type { Coverage } from '../cluster/coverage';
import type { RunOptions } from '../run-options';

export function countInput(c: Coverage, input: Input, before: RaftState, output: Output): void {
  switch (input.type) {
    case 'Tick':
      return c.add('ticks');
    case 'Receive': {
      c.add('receives');
      const m = input.message;
      if (m.type === 'RequestVoteRequest' || m.type === 'PreVoteRequest') {
        // The divergence that a length-only (or term-only) up-to-date check gets wrong: a candidate
        // whose log is longer than this voter's but ends in an older term.
        if (m.term >= before.term && m.lastLogIndex > lastIndex(before.log) && m.lastLogTerm < lastTerm(before.log)) c.add('longerButOlderVotes');
      } else if (m.type === 'TimeoutNowRequest') {
        c.add('timeoutNows');
      } else if (m.type === 'ReadIndexRequest' && servedFromLease(before) && output.messages.some((r) => r.type === 'ReadIndexResponse' && r.requestId === m.requestId && r.readIndex >= 0)) {
        c.add('leaseReads');
      }
      return;
    }
    case 'Propose':
      return c.add(input.data.length > 1 ? 'batchedProposals' : 'proposals');
    case 'Read':
      c.add('reads');
      if (servedFromLease(before) && output.reads.some((r) => r.requestId === input.requestId)) c.add('leaseReads');
      return;
    case 'PersistAck':
      return c.add('persistAcks');
    case 'Snapshot':
      return c.add('snapshotsTaken');
    case 'TransferLeadership':
      return c.add('transferRequests');
  }
}

/**
 * A leader with lease reads on answers a read in the step it arrives only from its lease: otherwise
 * it waits for a heartbeat round. (A one-node cluster confirms its rounds at once, lease or not.)
 */
function servedFromLease(before: RaftState): boolean {
  return before.role === 'Leader' && before.config.leaseRead && before.cluster.voters.length > 1;
}

/**
 * What a run's options promise: a sweep in which some run had lease reads on must see a lease read.
 * Client inputs are promised only when clients have time to invoke operations (`invokingMs`).
 */
export function countRunOptions(c: Coverage, options: RunOptions, clients: number, invokingMs: number): void {
  const clientsRun = clients > 0 && invokingMs > 0;
  if (clientsRun) c.add('runsWithClients');
  if (clientsRun && options.leaseRead) c.add('runsWithLeaseReads');
  if (clientsRun && clients > 1 && options.batchWindowMs > 0) c.add('runsWithBatching');
  if (options.transferMeanMs > 0) c.add('runsWithTransfers');
}
