// ReadAccounting's conservation rule must be able to fail: a leader's genuine steps pass (a
// client's retry held twice under one request id included), and the same steps with an answered
// read left held, or a taken read dropped, fail; a planted step wrapper that keeps answered reads
// held (so a later round answers them again) is reported by the simulator under the rule's name.

import { step, type Input, type Message, type RaftState, type StepResult } from '../../core';
import { settledCluster } from './test-support/settled-cluster';
import { thrownViolation } from '../../checkers/test-support/thrown-violation';
import { bugSimConfig, runJudged } from '../bugs/run';
import type { PlantedBug } from '../bugs/types';
import { checkReadConservation } from './read-conservation';

type Leader = NonNullable<RaftState['leader']>;

const detailOf = (node: string, before: RaftState, input: Input, r: StepResult): string =>
  thrownViolation(() => checkReadConservation(node, before, input, r), 'ReadAccounting').detail;

/** A leader holding client read r1 twice (the client retried it), and the heartbeat answers that confirm its round. */
function retriedRead(): { leader: string; held: RaftState; answers: Message[] } {
  const { c, leader } = settledCluster('a');
  c.input(leader, { type: 'Read', requestId: 'r1' });
  c.input(leader, { type: 'Read', requestId: 'r1' });
  const held = c.state(leader);
  expect((held.leader as Leader).pendingReads.map((r) => r.requestId)).toEqual(['r1', 'r1']);
  const heartbeats = c.queue.splice(0);
  for (const m of heartbeats) c.input(m.to, { type: 'Receive', message: m });
  const answers = c.queue.filter((m) => m.to === leader);
  expect(answers.length).toBeGreaterThan(0);
  return { leader, held, answers };
}

describe('ReadAccounting: a leader answers each read it took exactly once', () => {
  it('passes genuine steps, a retried read held twice and answered twice included', () => {
    const { leader, held, answers } = retriedRead();
    let s = held;
    const answered: string[] = [];
    for (const message of answers) {
      const input: Input = { type: 'Receive', message };
      const r = step(s, input);
      expect(() => checkReadConservation(leader, s, input, r)).not.toThrow();
      answered.push(...r.output.reads.map((x) => x.requestId), ...r.state.readyReads.map((x) => x.requestId));
      s = r.state;
    }
    expect(answered).toEqual(['r1', 'r1']);
  });

  it('fails a step that answers a read and still holds it', () => {
    const { leader, held, answers } = retriedRead();
    const input: Input = { type: 'Receive', message: answers[0] };
    const confirmed = step(held, input);
    const l = confirmed.state.leader as Leader;
    expect(l.pendingReads.length).toBe(1);
    const stillHeld: StepResult = { ...confirmed, state: { ...confirmed.state, leader: { ...l, pendingReads: (held.leader as Leader).pendingReads } } };
    expect(detailOf(leader, held, input, stillHeld)).toMatch(/answered read r1 and still holds it \(1 more/);
  });

  it('fails a step that takes a read and neither holds nor answers it', () => {
    const { c, leader } = settledCluster('a');
    const before = c.state(leader);
    const input: Input = { type: 'Read', requestId: 'r2' };
    const taken = step(before, input);
    expect(() => checkReadConservation(leader, before, input, taken)).not.toThrow();
    const dropped: StepResult = { ...taken, state: { ...taken.state, leader: before.leader, readyReads: before.readyReads }, output: { ...taken.output, reads: [] } };
    expect(detailOf(leader, before, input, dropped)).toMatch(/stopped holding read r2 without answering it/);
  });

  it('is reported by the simulator when core keeps answered reads held, answering them again later', () => {
    const keepAnswered: PlantedBug = {
      name: 'answered-reads-stay-held', description: 'a leader answers confirmed reads but keeps them pending', caughtBy: ['ReadAccounting'],
      config: { faults: 'all', nodes: 3, durationMs: 5_000 },
      step: (core) => (state, input) => {
        const r = core(state, input);
        const was = state.leader;
        const is = r.state.leader;
        if (state.role !== 'Leader' || r.state.role !== 'Leader' || !was || !is || is.pendingReads.length >= was.pendingReads.length) return r;
        const answered = was.pendingReads.filter((p) => !is.pendingReads.includes(p));
        return { ...r, state: { ...r.state, leader: { ...is, pendingReads: [...answered, ...is.pendingReads] } } };
      },
    };
    expect(runJudged(bugSimConfig(keepAnswered, 1), keepAnswered).violation?.property).toBe('ReadAccounting');
    expect(runJudged(bugSimConfig(keepAnswered, 1), null).violation).toBeNull();
  });
});
