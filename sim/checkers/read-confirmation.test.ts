// ReadAccounting's confirmation rule must be able to fail: a leader's genuine steps pass, including
// a one-voter leader that answers in the step that takes a read; answering a read whose heartbeat
// round no majority has answered fails; a planted step wrapper that answers every pending read as
// soon as any round is confirmed is reported by the simulator under the rule's name.

import { step, type Input, type Message, type RaftState, type StepResult } from '../../core';
import { TestCluster } from '../../core/testing/cluster';
import { settledCluster } from './test-support/settled-cluster';
import { thrownViolation } from '../../checkers/test-support/thrown-violation';
import { bugSimConfig, runJudged } from '../bugs/run';
import type { PlantedBug } from '../bugs/types';
import { checkReadConfirmation } from './read-confirmation';

type Leader = NonNullable<RaftState['leader']>;

const detailOf = (node: string, before: RaftState, input: Input, r: StepResult): string =>
  thrownViolation(() => checkReadConfirmation(node, before, input, r), 'ReadAccounting').detail;

/** A leader holding reads r1 and r2 in two heartbeat rounds, and its followers' answers to both rounds. */
function twoRounds(): { leader: string; held: RaftState; answers: Message[] } {
  const { c, leader } = settledCluster('a');
  c.input(leader, { type: 'Read', requestId: 'r1' });
  c.input(leader, { type: 'Read', requestId: 'r2' });
  const held = c.state(leader);
  expect((held.leader as Leader).pendingReads.map((r) => [r.requestId, r.round])).toEqual([['r1', 1], ['r2', 2]].map(([id, k]) => [id, (held.leader as Leader).round - 2 + (k as number)]));
  for (const m of c.queue.splice(0)) c.input(m.to, { type: 'Receive', message: m });
  return { leader, held, answers: c.queue.filter((m) => m.to === leader) };
}

describe('ReadAccounting: a read is answered only after a majority confirms its round', () => {
  it('passes genuine steps: each read answered when its own round is confirmed', () => {
    const { leader, held, answers } = twoRounds();
    let s = held;
    const answered: string[] = [];
    for (const message of answers) {
      const input: Input = { type: 'Receive', message };
      const r = step(s, input);
      expect(() => checkReadConfirmation(leader, s, input, r)).not.toThrow();
      answered.push(...r.state.readyReads.map((x) => x.requestId), ...r.output.reads.map((x) => x.requestId));
      s = r.state;
    }
    expect(new Set(answered)).toEqual(new Set(['r1', 'r2']));
  });

  it('passes a one-voter leader answering in the step that takes the read', () => {
    const c = new TestCluster({ size: 1, seed: 4 });
    const leader = c.electLeader();
    const before = c.state(leader);
    const input: Input = { type: 'Read', requestId: 'solo' };
    const r = step(before, input);
    expect([...r.state.readyReads, ...r.output.reads].map((x) => x.requestId)).toEqual(['solo']);
    expect(() => checkReadConfirmation(leader, before, input, r)).not.toThrow();
  });

  it('fails a step that answers a read whose round no majority has answered', () => {
    const { leader, held, answers } = twoRounds();
    const first = answers.find((m) => m.type === 'AppendEntriesResponse' && m.round === (held.leader as Leader).round - 1) as Message;
    const input: Input = { type: 'Receive', message: first };
    const r = step(held, input);
    expect(r.state.readyReads.map((x) => x.requestId).concat(r.output.reads.map((x) => x.requestId))).toEqual(['r1']);
    const early: StepResult = {
      state: { ...r.state, leader: { ...(r.state.leader as Leader), pendingReads: [] }, readyReads: [...r.state.readyReads, { requestId: 'r2', index: r.state.commitIndex }] },
      output: r.output,
    };
    expect(detailOf(leader, held, input, early)).toMatch(/answered read r2 1 time\(s\) with 0 confirmed/);
  });

  it('is reported by the simulator when core answers every pending read once any round is confirmed', () => {
    const answerAll: PlantedBug = {
      name: 'reads-answered-before-their-round', description: 'a leader answers all pending reads when the oldest one is confirmed', caughtBy: ['ReadAccounting'],
      config: { faults: 'all', nodes: 3, durationMs: 5_000 },
      step: (core) => (state, input) => {
        const r = core(state, input);
        const was = state.leader;
        const is = r.state.leader;
        if (state.role !== 'Leader' || r.state.role !== 'Leader' || !was || !is || is.pendingReads.length === 0 || is.pendingReads.length >= was.pendingReads.length) return r;
        const s = r.state;
        const local = is.pendingReads.filter((p) => p.requester === null).map((p) => ({ requestId: p.requestId, index: p.index }));
        const forwarded: Message[] = is.pendingReads.filter((p) => p.requester !== null).map((p) => ({
          type: 'ReadIndexResponse', cluster: s.config.clusterId, from: s.config.id, to: p.requester as string, term: s.term, requestId: p.requestId, readIndex: p.index,
        }));
        return {
          state: { ...s, leader: { ...is, pendingReads: [] }, readyReads: [...s.readyReads, ...local] },
          output: { ...r.output, messages: [...r.output.messages, ...forwarded] },
        };
      },
    };
    expect(runJudged(bugSimConfig(answerAll, 1), answerAll).violation?.property).toBe('ReadAccounting');
    expect(runJudged(bugSimConfig(answerAll, 1), null).violation).toBeNull();
  });
});
