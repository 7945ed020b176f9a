// The reads a node answered with an index in one step, per request id: what both ReadAccounting
// rules of a leader's step count (read-conservation.ts, read-confirmation.ts). The simulator
// computes it once per step for both (core-step.ts).

import type { RaftState, StepResult } from '../../core';

export type ReadAnswers = ReadonlyMap<string, number> | null;

/** Reads answered with an index in the step, per request id (null: none). */
export function answersInStep(node: string, before: RaftState, result: StepResult): ReadAnswers {
  let answers: Map<string, number> | null = null;
  // Indexed, not for-of: this runs on every leader step, over core's often frozen message lists.
  const messages = result.output.messages;
  for (let k = 0; k < messages.length; k++) {
    const m = messages[k];
    if (m.type === 'ReadIndexResponse' && m.from === node && m.readIndex >= 0) answers = counted(answers, m.requestId, 1);
  }
  // The leader's own client's reads: newly ready (queued until applied, or emitted at once).
  if (result.state.readyReads !== before.readyReads || result.output.reads.length > 0) {
    for (const r of result.state.readyReads) answers = counted(answers, r.requestId, 1);
    for (const r of result.output.reads) answers = counted(answers, r.requestId, 1);
    for (const r of before.readyReads) answers = counted(answers, r.requestId, -1);
  }
  return answers;
}

function counted(answers: Map<string, number> | null, id: string, n: number): Map<string, number> {
  const map = answers ?? new Map<string, number>();
  map.set(id, (map.get(id) ?? 0) + n);
  return map;
}
