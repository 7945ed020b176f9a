// The workload's drivers of core's inputs (batched proposals, leadership transfers) and the
// counters that prove each input was exercised.

import { initialState, makeConfig, step, type Input, type RaftState } from '../../core';
import { CoreProtocolNode, toOutput, viewOf } from '../../protocol/core-node';
import type { StepInput } from '../../protocol/types';
import { Coverage, missingCoverage } from '../cluster/coverage';
import { Simulation } from '../cluster/simulation';
import { makeSimConfig } from '../config';
import { AleaRng } from '../random/rng';
import { runOptionsOf } from '../run-options';
import { runSeed } from '../run-seed';
import { ProposalBatcher } from './batcher';
import type { ClientTimer } from './clients';
import { countInput, countRunOptions } from './input-coverage';
import { TransferOperator } from './operator';

const NODES = ['n1', 'n2', 'n3'];

function fakePort() {
  const proposed: { node: string; requestId: string; data: readonly string[] }[] = [];
  const scheduled: { atMs: number; event: ClientTimer }[] = [];
  const transfers: { from: string; to: string }[] = [];
  let leader: string | null = 'n2';
  return {
    proposed, scheduled, transfers,
    setLeader: (l: string | null) => void (leader = l),
    port: {
      nodeIds: NODES,
      propose: (node: string, requestId: string, data: readonly string[]) => (proposed.push({ node, requestId, data }), true),
      schedule: (atMs: number, event: ClientTimer) => void scheduled.push({ atMs, event }),
      leader: () => leader,
      // n3 is outside the configuration in effect (removed, or not yet added).
      members: () => ['n1', 'n2'],
      transferLeadership: (from: string, to: string) => (transfers.push({ from, to }), true),
    },
  };
}

describe('ProposalBatcher', () => {
  it('sends the proposals that reach a node within the window as one Propose, a lone one under its own id', () => {
    const f = fakePort();
    const b = new ProposalBatcher(5, f.port);
    b.add(100, 'n1', 'c1.1.1', 'a');
    b.add(101, 'n1', 'c2.1.1', 'b');
    b.add(102, 'n3', 'c3.1.1', 'c');
    // One flush per node and window, at the first proposal's time plus the window.
    expect(f.scheduled).toEqual([{ atMs: 105, event: { kind: 'FlushBatch', node: 0 } }, { atMs: 107, event: { kind: 'FlushBatch', node: 2 } }]);
    b.flush('n1');
    b.flush('n3');
    b.flush('n3');
    expect(f.proposed).toEqual([
      { node: 'n1', requestId: 'batch.n1.1', data: ['a', 'b'] },
      { node: 'n3', requestId: 'c3.1.1', data: ['c'] },
    ]);
    b.add(200, 'n1', 'c1.2.1', 'd');
    expect(f.scheduled).toHaveLength(3);
  });

  it('knows a batch\'s members only while it is being proposed, when core refuses it', () => {
    const f = fakePort();
    const seen: (readonly string[] | undefined)[] = [];
    const b: ProposalBatcher = new ProposalBatcher(5, { ...f.port, propose: (_node, requestId) => (seen.push(b.membersOf(requestId)), true) });
    b.add(0, 'n1', 'x', 'a');
    b.add(0, 'n1', 'y', 'b');
    b.flush('n1');
    expect(seen).toEqual([['x', 'y']]);
    expect(b.membersOf('batch.n1.1')).toBeUndefined();
  });
});

describe('TransferOperator', () => {
  it('asks the current leader to transfer to another node, now and then, until the faults stop; errs, and asks again soon', () => {
    const f = fakePort();
    const op = new TransferOperator(20, new AleaRng('op'), 2_000, f.port);
    op.start(0);
    let regular = 0;
    const kinds: string[] = [];
    const followUpDelaysMs: number[] = [];
    let lastRegularMs = 0;
    while (f.scheduled.length > 0) {
      f.scheduled.sort((x, y) => x.atMs - y.atMs);
      const { atMs, event } = f.scheduled.shift()!;
      expect(atMs).toBeLessThan(2_000);
      if (event.kind !== 'Transfer') throw new Error(`unexpected timer ${event.kind}`);
      if (event.followUp === undefined) {
        if (regular === 5) f.setLeader(null);
        if (regular === 8) f.setLeader('n1');
        regular++;
        lastRegularMs = atMs;
      } else {
        followUpDelaysMs.push(atMs - lastRegularMs);
      }
      const leader = f.port.leader();
      const before = f.transfers.length;
      op.onTimer(atMs, event);
      const t = f.transfers[before];
      if (event.followUp !== undefined) kinds.push(t.to === event.followUp.to && t.from === event.followUp.from ? 'followUp' : 'wrong');
      else if (t === undefined) kinds.push(leader === null ? 'noLeader' : 'wrong');
      else if (t.from !== leader) kinds.push('askFollower');
      else if (t.to === leader) kinds.push('toItself');
      else kinds.push(t.to === 'n3' ? 'toOther(n3, a stranger)' : 'toOther');
    }
    const count = (kind: string) => kinds.filter((k) => k === kind).length;
    expect(regular).toBeGreaterThan(50);
    expect(count('wrong')).toBe(0);
    expect(count('noLeader')).toBe(3);
    // Mostly genuine transfers; a quarter of mistakes, of every kind; follow-ups within a few ms.
    expect(count('toOther') + count('toOther(n3, a stranger)')).toBeGreaterThan(regular / 2);
    expect(count('askFollower')).toBeGreaterThan(0);
    expect(count('toItself')).toBeGreaterThan(0);
    expect(count('followUp')).toBeGreaterThan(5);
    expect(followUpDelaysMs.every((ms) => ms >= 0 && ms <= 6)).toBe(true);
  });
});

describe('countInput', () => {
  const config = makeConfig({ clusterId: 'c', id: 'n1', cluster: { voters: NODES }, seed: 1 });
  const follower = (entries: readonly number[]): RaftState => {
    let s = initialState(config);
    if (entries.length > 0) {
      s = step(s, {
        type: 'Receive',
        message: {
          type: 'AppendEntriesRequest', cluster: 'c', from: 'n2', to: 'n1', term: Math.max(...entries), prevLogIndex: 0, prevLogTerm: 0,
          entries: entries.map((term) => ({ term, type: 'Normal' as const, data: 'x' })), leaderCommit: 0, round: 1,
        },
      }).state;
    }
    return s;
  };
  const count = (input: Input, before: RaftState = follower([])) => {
    const c = new Coverage();
    const r = step(before, input);
    countInput(c, input as StepInput, viewOf(before), toOutput(r.output, r.state), false);
    return Object.entries(c.counts).filter(([, n]) => n > 0).map(([k]) => k);
  };
  const vote = (lastLogIndex: number, lastLogTerm: number, term = 5) => ({
    type: 'Receive' as const,
    message: { type: 'RequestVoteRequest' as const, cluster: 'c', from: 'n3', to: 'n1', term, lastLogIndex, lastLogTerm, transfer: false },
  });

  it('counts each of core\'s inputs, and batched proposals apart from single ones', () => {
    expect(count({ type: 'Tick' })).toEqual(['ticks']);
    expect(count({ type: 'Propose', requestId: 'r', data: ['a'] })).toEqual(['proposals']);
    expect(count({ type: 'Propose', requestId: 'r', data: ['a', 'b'] })).toEqual(['batchedProposals']);
    expect(count({ type: 'Read', requestId: 'r' })).toEqual(['reads']);
    expect(count({ type: 'PersistAck', seq: 0 })).toEqual(['persistAcks']);
    expect(count({ type: 'Snapshot', index: 0, data: '{}' })).toEqual(['snapshotsTaken']);
    // A follower is asked: the request is rejected ('not leader'). A TimeoutNow from a node it does not follow is stale.
    expect(count({ type: 'TransferLeadership', to: 'n2' })).toEqual(['transferRequests', 'transferRejections']);
    expect(count({ type: 'Receive', message: { type: 'TimeoutNowRequest', cluster: 'c', from: 'n2', to: 'n1', term: 0 } })).toEqual(['receives', 'timeoutNows', 'staleTimeoutNows']);
  });

  it('counts a vote request from a candidate whose log is longer but ends in an older term, and only that', () => {
    const voter = follower([1, 1, 3]);
    expect(count(vote(5, 2), voter)).toEqual(['receives', 'longerButOlderVotes']);
    expect(count(vote(3, 2), voter)).toEqual(['receives']); // not longer
    expect(count(vote(5, 3), voter)).toEqual(['receives']); // not older
    expect(count(vote(2, 4), voter)).toEqual(['receives']); // shorter but newer: the opposite case
    expect(count(vote(5, 2, 1), voter)).toEqual(['receives']); // a stale request
  });

  it('counts a lease read only when a leader with lease reads on answers in the same step', () => {
    const c = new Coverage();
    const leaderRead = (leaseRead: boolean) => {
      const result = runSeed(makeSimConfig({ seed: 2, nodes: 3, faults: 'none', durationMs: 1_500, raft: { leaseRead } }), {
        prepare: (sim) => sim.at(1_000, () => {
          const leader = sim.nodeById(sim.currentLeader()!);
          const before = (leader.life as CoreProtocolNode).state;
          const input: Input = { type: 'Read', requestId: 'probe' };
          const r = step(before, input);
          countInput(c, input, leader.view, toOutput(r.output, r.state), leaseRead);
        }),
      });
      expect(result.violation).toBeNull();
      return c.counts.leaseReads;
    };
    expect(leaderRead(false)).toBe(0);
    expect(leaderRead(true)).toBe(1);
  });
});

describe('the workload drives every input in a simulation', () => {
  it('batches proposals and transfers leadership when asked to, and the run stays correct', () => {
    const config = makeSimConfig({ seed: 7, nodes: 3, faults: 'none', durationMs: 4_000, workload: { batchWindowMs: 4, transferMeanMs: 150 } as never });
    const result = runSeed(config);
    expect(result.violation).toBeNull();
    expect(result.linearizability?.verdict).toBe('ok');
    const c = result.coverage.counts;
    expect(c.batchedProposals).toBeGreaterThan(10);
    expect(c.transferRequests).toBeGreaterThanOrEqual(2);
    expect(c.timeoutNows).toBeGreaterThanOrEqual(1);
    // Each completed transfer is a leader change.
    expect(c.leaderChanges).toBeGreaterThan(1);
    expect(missingCoverage('none', c)).toEqual([]);
  });

  it('sends nothing new under the defaults: no batches, no transfers', () => {
    const c = runSeed(makeSimConfig({ seed: 7, nodes: 3, faults: 'none', durationMs: 2_000 })).coverage.counts;
    expect([c.batchedProposals, c.transferRequests, c.runsWithBatching, c.runsWithTransfers]).toEqual([0, 0, 0, 0]);
    expect(c.proposals).toBeGreaterThan(0);
  });

  it('fails the sweep loudly when an input the options promise never happened', () => {
    // The operator's first transfer is due long after the faults stop: promised, never sent.
    const config = makeSimConfig({ seed: 7, nodes: 3, faults: 'none', durationMs: 2_000, workload: { transferMeanMs: 1e9 } as never });
    const c = new Simulation(config).run().coverage.counts;
    expect(c.runsWithTransfers).toBe(1);
    expect(missingCoverage('none', c)).toEqual(['transferRequests']);
    const counted = new Coverage();
    countRunOptions(counted, runOptionsOf(config), 0, 1_000);
    expect([counted.counts.runsWithClients, counted.counts.runsWithTransfers]).toEqual([0, 1]);
  });
});
