import { extendActions, MAX_INTERNED_ACTIONS, NO_ACTIONS } from './action-lists';
import { TestCluster } from './testing/cluster';

describe('interned action lists', () => {
  it('gives one frozen list per sequence, whatever was looked up in between', () => {
    const ab = extendActions(extendActions(NO_ACTIONS, 'PersistAck'), 'HandleAppendEntriesResponse');
    const ac = extendActions(extendActions(NO_ACTIONS, 'PersistAck'), 'AdvanceCommitIndex');
    expect(ab.names).toEqual(['PersistAck', 'HandleAppendEntriesResponse']);
    expect(ac.names).toEqual(['PersistAck', 'AdvanceCommitIndex']);
    expect(extendActions(extendActions(NO_ACTIONS, 'PersistAck'), 'HandleAppendEntriesResponse')).toBe(ab);
    expect(Object.isFrozen(ab.names)).toBe(true);
  });

  it('reports every action of a step, in order, beyond the interned length too', () => {
    // A new leader of five: it wins, then sends an AppendEntries to each of four followers.
    const cluster = new TestCluster({ size: 5 });
    const outputs = [];
    for (let t = 0; t < 200 && cluster.leaders().length === 0; t++) {
      for (const id of cluster.ids) outputs.push(cluster.input(id, { type: 'Tick' }));
      while (cluster.queue.length > 0) {
        const m = cluster.queue.shift()!;
        outputs.push(cluster.input(m.to, { type: 'Receive', message: m }));
      }
    }
    const long = outputs.find((o) => o.actions.includes('BecomeLeader'));
    expect(long).toBeDefined();
    expect(long!.actions.length).toBeGreaterThan(MAX_INTERNED_ACTIONS);
    expect(long!.actions.slice(-4)).toEqual(['AppendEntries', 'AppendEntries', 'AppendEntries', 'AppendEntries']);
  });
});
