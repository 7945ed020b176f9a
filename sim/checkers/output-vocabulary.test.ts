// OutputVocabulary must be able to fail: a genuine step's actions and typed errors pass; the same
// outputs with an action renamed to "", an error emptied, or a reason blanked (the mutants that
// survived every sweep) fail; a planted step wrapper shows the simulator reports it under its name.

import { step, type RaftError, type StepResult } from '../../core';
import { TestCluster } from '../../core/testing/cluster';
import { thrownViolation } from '../../checkers/test-support/thrown-violation';
import { bugSimConfig, runJudged } from '../bugs/run';
import type { PlantedBug } from '../bugs/types';
import { checkOutputVocabulary } from './output-vocabulary';

/** A follower asked to read: a genuine step whose output carries an action list and a typed error or a forwarded read. */
function followerRead(): StepResult {
  const c = new TestCluster({ size: 3, seed: 4 });
  const leader = c.electLeader();
  const follower = c.ids.find((id) => id !== leader) as string;
  return step(c.state(follower), { type: 'TransferLeadership', to: 'nobody' });
}

function withOutput(r: StepResult, change: Partial<StepResult['output']>): StepResult {
  return { ...r, output: { ...r.output, ...change } };
}

const detailOf = (r: StepResult): string => thrownViolation(() => checkOutputVocabulary('n1', r), 'OutputVocabulary').detail;

describe('OutputVocabulary catches actions and errors outside core\'s vocabulary', () => {
  it('accepts a genuine step with a typed error', () => {
    const r = followerRead();
    expect(r.output.errors.length).toBeGreaterThan(0);
    expect(() => checkOutputVocabulary('n1', r)).not.toThrow();
  });

  const bad: [string, RaftError][] = [
    ['an emptied error', {} as RaftError],
    ['a ReadFailed whose reason was blanked', { type: 'ReadFailed', requestId: 'r1', reason: '' as 'NotLeader', leaderHint: null }],
    ['a ReadFailed whose type was blanked', { type: '' as 'ReadFailed', requestId: 'r1', reason: 'LeadershipLost', leaderHint: null }],
    ['a TransferRejected without a reason', { type: 'TransferRejected', to: 'n2', reason: '' }],
    ['a ProposalDropped with an unknown reason', { type: 'ProposalDropped', requestId: 'r1', reason: 'Stryker' as 'UncommittedBound' }],
  ];
  it.each(bad)('%s', (_name, error) => {
    expect(detailOf(withOutput(followerRead(), { errors: [error] }))).toMatch(/malformed error/);
  });

  it('an action named ""', () => {
    const r = followerRead();
    expect(detailOf(withOutput(r, { actions: [...r.output.actions, '' as never] }))).toMatch(/action "" is not in core's vocabulary/);
  });

  it('is reported by the simulator when core\'s step blanks its ReadIndex action', () => {
    const blank: PlantedBug = {
      name: 'blank-read-index-action', description: 'the ReadIndex action is recorded as ""', caughtBy: ['OutputVocabulary'],
      config: { faults: 'crashes', nodes: 3, durationMs: 2_000 },
      step: (core) => (state, input) => {
        const r = core(state, input);
        return r.output.actions.includes('ReadIndex') ? withOutput(r, { actions: r.output.actions.map((a) => (a === 'ReadIndex' ? '' as never : a)) }) : r;
      },
    };
    expect(runJudged(bugSimConfig(blank, 1), blank).violation?.property).toBe('OutputVocabulary');
  });
});
