// Which of the node protocol's inputs a run exercised, and how. Every input (protocol/types.ts
// StepInput) has a counter, so a sweep can fail loudly when an input that its profile or options
// promise never happened: a workload that silently stops sending one is as bad as a fault that
// never fires. Judged from the view before the input and the output, as for any implementation.

import type { NodeOutput, NodeView, StepInput } from '../../protocol/types';
import type { Coverage } from '../cluster/coverage';
import type { RunOptions } from '../run-options';

/**
 * `leaseReads`: lease reads are on and the cluster has more than one voter. A leader then answers a
 * read in the step it arrives only from its lease; otherwise it waits for a heartbeat round (a
 * one-node cluster confirms its rounds at once, lease or not).
 */
export function countInput(c: Coverage, input: StepInput, before: NodeView, output: NodeOutput, leaseReads: boolean): void {
  // The counters of every step's input are written by name: a named store on the one counts object
  // is cheap even where V8 does not inline Coverage.add, whose key then varies per call.
  const counts = c.counts;
  switch (input.type) {
    case 'Tick':
      counts.ticks += 1;
      return;
    case 'Receive': {
      counts.receives += 1;
      const m = input.message;
      if (m.type === 'RequestVoteRequest' || m.type === 'PreVoteRequest') {
        // The divergence that a length-only (or term-only) up-to-date check gets wrong: a candidate
        // whose log is longer than this voter's but ends in an older term.
        if (m.term >= before.term && m.lastLogIndex > before.lastIndex && m.lastLogTerm < before.lastTerm) c.add('longerButOlderVotes');
      } else if (m.type === 'TimeoutNowRequest') {
        c.add('timeoutNows');
        // One that must not start an election: duplicated, delayed past a leader change, or at a leader.
        if (before.role === 'Leader' || m.term !== before.term || m.from !== before.leader) c.add('staleTimeoutNows');
      } else if (m.type === 'Extension' && m.name === 'ReadIndexRequest' && leaseReads && before.role === 'Leader' && servesReadIndex(m.ext, output)) {
        // Core's ReadIndex (an Extension message; lease reads are a core option).
        c.add('leaseReads');
      }
      return;
    }
    case 'Propose':
      return c.add(input.data.length > 1 ? 'batchedProposals' : 'proposals');
    case 'Read':
      c.add('reads');
      if (leaseReads && before.role === 'Leader' && output.reads.some((r) => r.requestId === input.requestId)) c.add('leaseReads');
      return;
    case 'PersistAck':
      counts.persistAcks += 1;
      return;
    case 'Snapshot':
      return c.add('snapshotsTaken');
    case 'TransferLeadership':
      c.add('transferRequests');
      // The operator's mistakes (sim/workload/operator.ts), answered as core's contract says.
      if (output.errors.some((e) => e.type === 'TransferRejected')) c.add('transferRejections');
      return;
  }
}

/** The output answers the ReadIndexRequest whose ext is `request` with a read index. */
function servesReadIndex(request: unknown, output: NodeOutput): boolean {
  const requestId = (request as { requestId?: unknown } | undefined)?.requestId;
  return output.messages.some((r) => {
    if (r.type !== 'Extension' || r.name !== 'ReadIndexResponse') return false;
    const x = r.ext as { requestId?: unknown; readIndex?: unknown } | undefined;
    return x !== undefined && x.requestId === requestId && typeof x.readIndex === 'number' && x.readIndex >= 0;
  });
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
