// A membership change completes when its own entry commits: not when another entry at its index
// does (a new leader replaced it), not on a refusal, and not after its timeout.

import { makeConfig, restartState, type Entry, type RaftState } from '../../core';
import { PendingConfChanges } from './pending-conf-changes';
import { ClientError } from './pending-writes';

const config = makeConfig({ clusterId: 'c', id: 'n1', cluster: { voters: ['n1', 'n2', 'n3'] }, seed: 1 });
const noop = (term: number): Entry => ({ term, type: 'Normal', data: '' });
const conf = (term: number): Entry => ({ term, type: 'Config', data: JSON.stringify({ voters: ['n1', 'n2', 'n3'], learners: ['n4'] }) });

/** A node whose log holds `entries` and whose commit index is `commit`. */
function stateWith(entries: Entry[], commit: number): RaftState {
  const s = restartState(config, { term: 3, votedFor: null, snapshot: null, entries }, 0);
  return { ...s, commitIndex: commit };
}

const settled = async (p: Promise<unknown>): Promise<unknown> => p.then((v) => v, (e: ClientError) => e.message);

test('resolves once its entry is committed with the term it was appended in, with the configuration then in effect', async () => {
  const pending = new PendingConfChanges();
  const done = pending.create('r1', [{ kind: 'AddLearner', node: 'n4' }], 0, 1000);
  pending.onOutput([{ requestId: 'r1', firstIndex: 2, count: 1, term: 3 }], []);
  pending.onState(stateWith([noop(3), conf(3)], 1));
  expect(pending.size).toBe(1);
  pending.onState(stateWith([noop(3), conf(3)], 2));
  expect(await done).toEqual({ index: 2, config: { voters: ['n1', 'n2', 'n3'], learners: ['n4'] } });
  expect(pending.size).toBe(0);
});

test('an entry of another term at its index (a new leader overwrote it) fails it as OutcomeUnknown, even when committed', async () => {
  const pending = new PendingConfChanges();
  const done = pending.create('r1', [{ kind: 'AddLearner', node: 'n4' }], 0, 1000);
  pending.onOutput([{ requestId: 'r1', firstIndex: 2, count: 1, term: 2 }], []);
  pending.onState(stateWith([noop(2), noop(3)], 2));
  expect(await settled(done)).toBe('OutcomeUnknown: the configuration entry at 2 was replaced by a new leader\'s log');
});

test('core\'s refusals reject with their typed reason; other requests are untouched', async () => {
  const pending = new PendingConfChanges();
  const refused = pending.create('r1', [{ kind: 'RemoveNode', node: 'n9' }], 0, 1000);
  const notLeader = pending.create('r2', [], 0, 1000);
  const other = pending.create('r3', [{ kind: 'AddLearner', node: 'n4' }], 0, 1000);
  pending.onOutput([], [
    { type: 'ConfChangeRejected', requestId: 'r1', reason: 'UnknownNode', node: 'n9' },
    { type: 'NotLeader', requestId: 'r2', leaderHint: 'n2' },
  ]);
  expect(await settled(refused)).toBe('ConfChangeRejected: UnknownNode (n9)');
  expect(await settled(notLeader)).toBe('NotLeader: this tab does not lead; the leader is n2');
  expect(pending.size).toBe(1);
  pending.expire(1000);
  expect(await settled(other)).toBe('Timeout: the configuration entry did not commit in time; it may still take effect');
});
