// TransferAccounting must be able to fail: genuine transfer steps pass; the same steps with the
// request ignored, a replaced transfer not reported, or a transfer dropped before an election
// timeout (the mutants that survived every sweep) fail; a planted step wrapper shows the simulator
// reports it under its name.

import { step, type Input, type LeaderState, type RaftState, type StepResult } from '../../core';
import { settledCluster } from './test-support/settled-cluster';
import { thrownViolation } from '../../checkers/test-support/thrown-violation';
import { bugSimConfig, runJudged } from '../bugs/run';
import type { PlantedBug } from '../bugs/types';
import { checkTransferAccounting } from './transfer-accounting';

function setting(): { s: RaftState; leader: string; a: string; b: string } {
  const { c, leader } = settledCluster('a');
  const [a, b] = c.ids.filter((id) => id !== leader);
  // A transfer that cannot finish at once: the leader has an entry its followers lack.
  const s = step(c.state(leader), { type: 'Propose', requestId: 'p', data: ['x'] }).state;
  return { s, leader, a, b };
}

const withTransfer = (r: StepResult, transfer: LeaderState['transfer']): StepResult => ({ ...r, state: { ...r.state, leader: { ...(r.state.leader as LeaderState), transfer } } });
const withErrors = (r: StepResult, errors: StepResult['output']['errors']): StepResult => ({ ...r, output: { ...r.output, errors } });

const detailOf = (node: string, before: RaftState, input: Input, r: StepResult): string => thrownViolation(() => checkTransferAccounting(node, before, input, r), 'TransferAccounting').detail;

describe('TransferAccounting catches a transfer request ignored, or a transfer ended without a report', () => {
  it('accepts genuine transfers: started, replaced (with TransferAborted), expired after an election timeout', () => {
    const { s, leader, a, b } = setting();
    const toA: Input = { type: 'TransferLeadership', to: a };
    const started = step(s, toA);
    expect(started.state.leader?.transfer?.to).toBe(a);
    expect(() => checkTransferAccounting(leader, s, toA, started)).not.toThrow();
    const toB: Input = { type: 'TransferLeadership', to: b };
    const replaced = step(started.state, toB);
    expect(replaced.output.errors).toContainEqual({ type: 'TransferAborted', to: a });
    expect(() => checkTransferAccounting(leader, started.state, toB, replaced)).not.toThrow();
    let t = replaced.state;
    while (t.leader?.transfer !== null && t.role === 'Leader') {
      const r = step(t, { type: 'Tick' });
      expect(() => checkTransferAccounting(leader, t, { type: 'Tick' }, r)).not.toThrow();
      t = r.state;
    }
  });

  it('fails an ignored request, an unreported replacement, and an early abandonment', () => {
    const { s, leader, a, b } = setting();
    const toA: Input = { type: 'TransferLeadership', to: a };
    const started = step(s, toA);
    expect(detailOf(leader, s, toA, withTransfer(started, null))).toMatch(new RegExp(`asked to transfer to ${a}, neither rejected it nor started`));
    const toB: Input = { type: 'TransferLeadership', to: b };
    const replaced = step(started.state, toB);
    expect(detailOf(leader, started.state, toB, withErrors(replaced, []))).toMatch(new RegExp(`transfer to ${a} .* ended without a TransferAborted`));
    const tick = step(started.state, { type: 'Tick' });
    const early = withErrors(withTransfer(tick, null), [{ type: 'TransferAborted', to: a }]);
    expect(detailOf(leader, started.state, { type: 'Tick' }, early)).toMatch(/abandoned its transfer to .* 1 ticks after it started/);
  });

  it('fails a transfer still pending two election timeouts after it started (one never abandoned)', () => {
    const { s, leader, a } = setting();
    const started = step(s, { type: 'TransferLeadership', to: a });
    const transfer = started.state.leader?.transfer ?? null;
    const limit = 2 * s.config.electionTimeoutTicks;
    const at = (r: StepResult, tick: number): StepResult => ({ ...r, state: { ...r.state, tick } });
    expect(() => checkTransferAccounting(leader, s, { type: 'Tick' }, at(started, s.tick + limit - 1))).not.toThrow();
    expect(detailOf(leader, s, { type: 'Tick' }, withTransfer(at(started, s.tick + limit), transfer))).toMatch(/still pending at tick .* two election timeouts/);
  });

  it('fails a proposal taken during a transfer, and one refused as TransferInProgress without one', () => {
    const { s, leader, a } = setting();
    const started = step(s, { type: 'TransferLeadership', to: a }).state;
    const propose: Input = { type: 'Propose', requestId: 'q', data: ['z'] };
    const refused = step(started, propose);
    expect(refused.output.errors).toEqual([{ type: 'ProposalDropped', requestId: 'q', reason: 'TransferInProgress' }]);
    expect(() => checkTransferAccounting(leader, started, propose, refused)).not.toThrow();
    expect(detailOf(leader, started, propose, withErrors(refused, []))).toMatch(/did not refuse a Propose while its transfer to/);
    const taken = step(s, propose);
    expect(() => checkTransferAccounting(leader, s, propose, taken)).not.toThrow();
    expect(detailOf(leader, s, propose, withErrors(taken, refused.output.errors))).toMatch(/refused a proposal as TransferInProgress with no transfer pending/);
  });

  it('is reported by the simulator when core\'s step drops TransferAborted reports', () => {
    const silent: PlantedBug = {
      name: 'transfer-aborted-unreported', description: 'a leader never reports an abandoned transfer', caughtBy: ['TransferAccounting'],
      config: { faults: 'swarm', nodes: 3, durationMs: 10_000 },
      step: (core) => (state, input) => {
        const r = core(state, input);
        return r.output.errors.some((e) => e.type === 'TransferAborted') ? withErrors(r, r.output.errors.filter((e) => e.type !== 'TransferAborted')) : r;
      },
    };
    const seed = [1, 2, 3, 4, 5, 6].find((k) => runJudged(bugSimConfig(silent, k), silent).violation?.property === 'TransferAccounting');
    expect(seed).toBeDefined();
    expect(runJudged(bugSimConfig(silent, seed as number), null).violation).toBeNull();
  });
});
