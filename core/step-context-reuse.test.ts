// step() reuses one StepContext from step to step (context.ts, takeStepContext). Reuse must be
// invisible: nothing of one step may show in the next, and a step begun inside another (an input
// whose getter steps another node) must get a context of its own.

import { step } from './step';
import { TestCluster } from './testing/cluster';
import { stateJson } from './testing/fixtures';
import type { Input, Output } from './types';

function isEmpty(output: Output): boolean {
  return output.messages.length === 0 && output.persist === null && output.apply.length === 0 && output.restore === null
    && output.reads.length === 0 && output.proposed.length === 0 && output.errors.length === 0 && output.actions.length === 0;
}

function outputJson(output: Output): string {
  return JSON.stringify(output);
}

describe('the reused step context', () => {
  const cluster = new TestCluster({ size: 3 });
  const leaderId = cluster.electLeader();
  const leader = cluster.state(leaderId);
  const follower = cluster.state(cluster.ids.find((id) => id !== leaderId) as string);

  it('carries nothing from a busy step into the next one', () => {
    const busy = step(leader, { type: 'Propose', requestId: 'r1', data: ['a', 'b'] });
    expect(busy.output.messages.length).toBeGreaterThan(0);
    expect(busy.output.persist).not.toBeNull();
    expect(busy.output.actions.length).toBeGreaterThan(0);
    // An acknowledgement of nothing new: a step that does nothing at all.
    const idle = step(follower, { type: 'PersistAck', seq: follower.durableSeq });
    expect(isEmpty(idle.output)).toBe(true);
    expect(stateJson(idle.state)).toBe(stateJson(follower));
    // And the busy step's output is untouched by the step after it.
    expect(busy.output.messages.length).toBeGreaterThan(0);
    expect(busy.output.persist).not.toBeNull();
  });

  it('gives a step begun inside another a context of its own', () => {
    const plainInput: Input = { type: 'Propose', requestId: 'r2', data: ['c'] };
    const expected = step(leader, plainInput);
    const expectedInner = step(follower, { type: 'Tick' });
    let inner: ReturnType<typeof step> | null = null;
    const nestingInput = {
      get type(): 'Propose' {
        inner ??= step(follower, { type: 'Tick' });
        return 'Propose';
      },
      requestId: 'r2',
      data: ['c'],
    } as Input;
    const outer = step(leader, nestingInput);
    expect(inner).not.toBeNull();
    expect(stateJson(outer.state)).toBe(stateJson(expected.state));
    expect(outputJson(outer.output)).toBe(outputJson(expected.output));
    const nested = inner as unknown as ReturnType<typeof step>;
    expect(stateJson(nested.state)).toBe(stateJson(expectedInner.state));
    expect(outputJson(nested.output)).toBe(outputJson(expectedInner.output));
  });
});
