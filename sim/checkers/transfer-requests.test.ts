// TransferAnswers, TimeoutNowRules, and FlowControl on transfer steps must be able to fail: genuine
// steps pass; the same steps with a wrong answer, a kept lease or a needless append fail; planted
// step wrappers (each a survivor of mutation testing, docs/mutation.md) are reported by swarm
// sweeps under the property's name, and the same seed passes without them.

import { lastIndex, step, termAt, type Input, type LeaderState, type Message, type RaftState, type StepResult } from '../../core';
import { settledCluster } from './test-support/settled-cluster';
import { thrownViolation } from '../../checkers/test-support/thrown-violation';
import { bugSimConfig, runJudged } from '../bugs/run';
import type { PlantedBug } from '../bugs/types';
import type { PropertyName } from '../../checkers/violation';
import { checkTransferRequests } from './transfer-requests';
import { checkFlowControl } from './flow-control';

const withLeader = (r: StepResult, patch: Partial<LeaderState>): StepResult => ({ ...r, state: { ...r.state, leader: { ...(r.state.leader as LeaderState), ...patch } } });
const withErrors = (r: StepResult, errors: StepResult['output']['errors']): StepResult => ({ ...r, output: { ...r.output, errors } });
const withMessages = (r: StepResult, messages: readonly Message[]): StepResult => ({ ...r, output: { ...r.output, messages: [...r.output.messages, ...messages] } });
const check = (node: string, before: RaftState, input: Input, r: StepResult) => () => checkTransferRequests(node, before, input, r);
const detail = (property: PropertyName, f: () => void): string => thrownViolation(f, property).detail;

/** The empty append a leader would send `to` now: it carries nothing the follower was not sent. */
function emptyAppend(s: RaftState, node: string, to: string): Message {
  const pr = s.leader?.progress[to];
  const prevLogIndex = (pr?.next ?? 1) - 1;
  return {
    type: 'AppendEntriesRequest', cluster: s.config.clusterId, from: node, to, term: s.term,
    prevLogIndex, prevLogTerm: termAt(s.log, prevLogIndex) ?? 0, entries: [], leaderCommit: s.commitIndex, round: s.leader?.round ?? 0,
  };
}

/** Runs swarm seeds 1..8 (3 nodes, 10 s) with `bug`; the first seed caught as `property`, checked clean without it. */
function caughtSeed(bug: PlantedBug, property: PropertyName): number {
  const seed = [1, 2, 3, 4, 5, 6, 7, 8].find((k) => runJudged(bugSimConfig(bug, k), bug).violation?.property === property);
  expect(seed).toBeDefined();
  expect(runJudged(bugSimConfig(bug, seed as number), null).violation).toBeNull();
  return seed as number;
}

describe('TransferAnswers: each transfer request gets exactly its answer', () => {
  it('accepts core\'s answers: a follower, the leader itself and a stranger rejected; valid, repeated and replacing requests', () => {
    const { c, leader, followers: [a, b] } = settledCluster('x');
    const s = c.state(leader);
    for (const [node, before, to] of [[a, c.state(a), b], [leader, s, leader], [leader, s, 'stranger']] as const) {
      const input: Input = { type: 'TransferLeadership', to };
      const r = step(before, input);
      expect(r.output.errors).toHaveLength(1);
      expect(check(node, before, input, r)).not.toThrow();
    }
    const lagging = step(s, { type: 'Propose', requestId: 'p', data: ['y'] }).state;
    const toA: Input = { type: 'TransferLeadership', to: a };
    const started = step(lagging, toA);
    expect(check(leader, lagging, toA, started)).not.toThrow();
    const again = step(started.state, toA);
    expect(check(leader, started.state, toA, again)).not.toThrow();
    const toB: Input = { type: 'TransferLeadership', to: b };
    const replaced = step(started.state, toB);
    expect(replaced.output.errors).toEqual([{ type: 'TransferAborted', to: a }]);
    expect(check(leader, started.state, toB, replaced)).not.toThrow();
  });

  it('fails a transfer to itself taken, a wrong reason, a rejection that sends, a repeat that restarts, an unreported replacement', () => {
    const { c, leader, followers: [a, b] } = settledCluster('x');
    const s = step(c.state(leader), { type: 'Propose', requestId: 'p', data: ['y'] }).state;
    const self: Input = { type: 'TransferLeadership', to: leader };
    const rejected = step(s, self);
    expect(detail('TransferAnswers', check(leader, s, self, withLeader(withErrors(rejected, []), { transfer: { to: leader, startedAt: s.tick } })))).toMatch(/expected only .*already leader/);
    expect(detail('TransferAnswers', check(leader, s, self, withErrors(rejected, [{ type: 'TransferRejected', to: leader, reason: 'not leader' }])))).toMatch(/expected only/);
    expect(detail('TransferAnswers', check(leader, s, self, withMessages(rejected, [emptyAppend(s, leader, a)])))).toMatch(/rejected, yet sent 1 message/);
    const toA: Input = { type: 'TransferLeadership', to: a };
    const started = step(s, toA);
    const later = step(started.state, { type: 'Tick' }).state;
    const restarted = withErrors(withLeader(step(later, toA), { transfer: { to: a, startedAt: later.tick } }), [{ type: 'TransferAborted', to: a }]);
    expect(detail('TransferAnswers', check(leader, later, toA, restarted))).toMatch(/repeats the pending transfer/);
    const toB: Input = { type: 'TransferLeadership', to: b };
    expect(detail('TransferAnswers', check(leader, started.state, toB, withErrors(step(started.state, toB), [])))).toMatch(/expected errors \[\{"type":"TransferAborted"/);
  });

  it('is reported by the simulator when a leader takes a transfer to itself (the operator\'s mistakes reach core)', () => {
    const selfish: PlantedBug = {
      name: 'transfer-to-itself-taken', description: 'a leader starts a transfer to itself', caughtBy: ['TransferAnswers'],
      config: { faults: 'swarm', nodes: 3, durationMs: 10_000 },
      step: (core) => (state, input) => {
        const r = core(state, input);
        if (input.type !== 'TransferLeadership' || state.role !== 'Leader' || input.to !== state.config.id) return r;
        return withErrors(withLeader(r, { transfer: { to: input.to, startedAt: state.tick } }), []);
      },
    };
    caughtSeed(selfish, 'TransferAnswers');
  });
});

describe('TimeoutNowRules: TimeoutNow goes to a caught-up target and ends the lease; only the known leader\'s deposes', () => {
  function handOver() {
    const { c, leader, followers: [a, b] } = settledCluster('x');
    const s = c.state(leader);
    const toA: Input = { type: 'TransferLeadership', to: a };
    const r = step(s, toA);
    expect(r.output.messages.map((m) => m.type)).toEqual(['TimeoutNowRequest']);
    return { c, leader, a, b, s, toA, r };
  }

  it('accepts core\'s TimeoutNow and the target\'s election; fails a kept lease, a TimeoutNow to another node or a lagging one', () => {
    const { leader, a, b, s, toA, r } = handOver();
    expect(check(leader, s, toA, r)).not.toThrow();
    expect(detail('TimeoutNowRules', check(leader, s, toA, withLeader(r, { leaseRevoked: false })))).toMatch(/keeps its read lease/);
    const toB = { ...(r.output.messages[0] as Message), to: b } as Message;
    expect(detail('TimeoutNowRules', check(leader, s, toA, { ...r, output: { ...r.output, messages: [toB] } }))).toMatch(/not its transfer target/);
    const progress = { ...(r.state.leader as LeaderState).progress };
    progress[a] = { ...progress[a], match: lastIndex(s.log) - 1 };
    expect(detail('TimeoutNowRules', check(leader, s, toA, withLeader(r, { progress })))).toMatch(/which matches/);
  });

  it('judges a leader that sends TimeoutNow and steps down in the same step by the transfer it had', () => {
    const { leader, b, s, r } = handOver();
    const toA: Input = { type: 'Tick' }; // the real step is the target's answer; only TimeoutNowRules is judged here
    // As when the target's answer commits a configuration that removes the leader (StepDownRemoved).
    const steppedDown: StepResult = { ...r, state: { ...r.state, role: 'Follower', leader: null } };
    const withTransfer: RaftState = { ...s, leader: { ...(s.leader as LeaderState), transfer: (r.state.leader as LeaderState).transfer } };
    expect(check(leader, withTransfer, toA, steppedDown)).not.toThrow();
    const toB = { ...(r.output.messages[0] as Message), to: b } as Message;
    expect(detail('TimeoutNowRules', check(leader, withTransfer, toA, { ...steppedDown, output: { ...steppedDown.output, messages: [toB] } }))).toMatch(/Leader → Follower\) sent TimeoutNow to .*not its transfer target/);
  });

  it('fails an election on a stale or forged TimeoutNow, and a TimeoutNow from the known leader ignored', () => {
    const { c, leader, a, b, r } = handOver();
    const timeoutNow = r.output.messages[0] as Message;
    const before = c.state(a);
    const genuine: Input = { type: 'Receive', message: timeoutNow };
    const elected = step(before, genuine);
    expect(elected.state.term).toBe(before.term + 1);
    expect(check(a, before, genuine, elected)).not.toThrow();
    expect(detail('TimeoutNowRules', check(a, before, genuine, { ...elected, state: before }))).toMatch(/ignored its TimeoutNow/);
    const forged: Input = { type: 'Receive', message: { ...timeoutNow, from: b } };
    const ignored = step(before, forged);
    expect(ignored.state.term).toBe(before.term);
    expect(check(a, before, forged, ignored)).not.toThrow();
    expect(detail('TimeoutNowRules', check(a, before, forged, elected))).toMatch(new RegExp(`started an election on TimeoutNow of term ${before.term} from ${b}`));
    expect(leader).not.toBe(a);
  });

  it('is reported by the simulator when a leader keeps its lease after TimeoutNow', () => {
    const leaseKept: PlantedBug = {
      name: 'lease-kept-at-timeout-now', description: 'a leader keeps its read lease after sending TimeoutNow', caughtBy: ['TimeoutNowRules'],
      config: { faults: 'swarm', nodes: 3, durationMs: 10_000 },
      step: (core) => (state, input) => {
        const r = core(state, input);
        return r.output.messages.some((m) => m.type === 'TimeoutNowRequest') && state.leader !== null ? withLeader(r, { leaseRevoked: state.leader.leaseRevoked }) : r;
      },
    };
    caughtSeed(leaseKept, 'TimeoutNowRules');
  });
});

describe('FlowControl judges transfer steps too', () => {
  it('fails an empty append that follows TimeoutNow in the TransferLeadership step, and a planted one in a sweep', () => {
    const { c, leader, followers: [a] } = settledCluster('x');
    const s = c.state(leader);
    const toA: Input = { type: 'TransferLeadership', to: a };
    const r = step(s, toA);
    expect(() => checkFlowControl(leader, r.state, r, s, toA)).not.toThrow();
    const needless = withMessages(r, [emptyAppend(r.state, leader, a)]);
    expect(detail('FlowControl', () => checkFlowControl(leader, r.state, needless, s, toA))).toMatch(/an empty append to .* outside a heartbeat/);
    const chatty: PlantedBug = {
      name: 'append-after-timeout-now', description: 'a leader also sends its transfer target an empty append', caughtBy: ['FlowControl'],
      config: { faults: 'swarm', nodes: 3, durationMs: 10_000 },
      step: (core) => (state, input) => {
        const out = core(state, input);
        if (input.type !== 'TransferLeadership' || out.state.role !== 'Leader') return out;
        return withMessages(out, [emptyAppend(out.state, state.config.id, input.to)].filter((m) => m.to !== state.config.id && out.state.leader?.progress[m.to] !== undefined));
      },
    };
    caughtSeed(chatty, 'FlowControl');
  });
});
