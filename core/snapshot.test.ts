// §7 log compaction and InstallSnapshot.

import { TestCluster } from './testing/cluster';
import { SafetyMonitor } from './testing/monitors';
import { configFor, logEntries, receive, stepSynced } from './testing/fixtures';
import { initialState, RaftState } from './state';
import { step } from './step';
import { lastIndex } from './log';
import type { InstallSnapshotRequest, InstallSnapshotResponse, Message } from './types';

const SNAPSHOT_DATA = 'S'.repeat(37) + '|end';

function laggingCluster(): { cluster: TestCluster; leader: string; lagger: string; safety: SafetyMonitor } {
  const cluster = new TestCluster({ size: 3, config: { snapshotChunkBytes: 8 } });
  const safety = new SafetyMonitor(cluster);
  const leader = cluster.electLeader();
  const lagger = cluster.ids.find((id) => id !== leader) as string;
  cluster.isolate(lagger);
  for (let k = 0; k < 10; k++) cluster.propose(leader, `e${k}`);
  for (let t = 0; t < 3; t++) {
    cluster.tickAll();
    cluster.deliverAll();
  }
  const applied = cluster.state(leader).appliedIndex;
  expect(applied).toBe(11);
  const out = cluster.input(leader, { type: 'Snapshot', index: 8, data: SNAPSHOT_DATA });
  expect(out.errors).toEqual([]);
  return { cluster, leader, lagger, safety };
}

describe('§7 log compaction', () => {
  it('a Snapshot input drops the log prefix and persists the snapshot', () => {
    const { cluster, leader } = laggingCluster();
    const s = cluster.state(leader);
    expect(s.log.snapshotIndex).toBe(8);
    expect(lastIndex(s.log)).toBe(11);
    expect(logEntries(s).map((e) => e.data)).toEqual(['e7', 'e8', 'e9']);
    expect(cluster.node(leader).durable.snapshot).toMatchObject({ index: 8, data: SNAPSHOT_DATA, term: s.term });
    expect(cluster.node(leader).durable.entries).toHaveLength(3);
  });

  it('refuses a snapshot beyond the applied index or not past the current one (InvalidInput, no change)', () => {
    const { cluster, leader } = laggingCluster();
    const before = JSON.stringify(cluster.state(leader));
    expect(cluster.input(leader, { type: 'Snapshot', index: 50, data: 'x' }).errors).toEqual([expect.objectContaining({ type: 'InvalidInput' })]);
    expect(cluster.input(leader, { type: 'Snapshot', index: 8, data: 'x' }).errors).toEqual([expect.objectContaining({ type: 'InvalidInput' })]);
    expect(cluster.input(leader, { type: 'Snapshot', index: 1.5, data: 'x' }).errors).toEqual([expect.objectContaining({ type: 'InvalidInput' })]);
    expect(JSON.stringify(cluster.state(leader))).toBe(before);
  });
});

describe('§7 InstallSnapshot to a follower behind the compacted prefix', () => {
  it('is sent in chunks of snapshotChunkBytes, restores the follower, and normal replication resumes', () => {
    const { cluster, leader, lagger, safety } = laggingCluster();
    cluster.healAll();
    cluster.recordSent = true;
    const restores: unknown[] = [];
    const inner = cluster.input.bind(cluster);
    cluster.input = (id, input) => {
      const out = inner(id, input);
      if (id === lagger && out.restore) restores.push(out.restore);
      return out;
    };
    for (let t = 0; t < 20; t++) {
      cluster.tickAll();
      cluster.deliverAll();
    }
    const chunks = cluster.sentLog.filter((m): m is InstallSnapshotRequest => m.type === 'InstallSnapshotRequest' && m.to === lagger);
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(SNAPSHOT_DATA.length / 8));
    for (const c of chunks) expect(c.data.length).toBeLessThanOrEqual(8);
    expect(restores).toEqual([expect.objectContaining({ index: 8, data: SNAPSHOT_DATA })]);
    // After the snapshot, entries 9..11 arrive as ordinary AppendEntries.
    expect(logEntries(cluster.state(lagger)).map((e) => e.data)).toEqual(['e7', 'e8', 'e9']);
    expect(cluster.state(lagger).log.snapshotIndex).toBe(8);
    // It had applied the no-op before it was cut off; the restore replaced 2..8.
    expect(cluster.node(lagger).applied.map((a) => a.index)).toEqual([1, 9, 10, 11]);
    cluster.propose(leader, 'after');
    for (let t = 0; t < 3; t++) {
      cluster.tickAll();
      cluster.deliverAll();
    }
    expect(cluster.state(lagger).commitIndex).toBe(12);
    expect(cluster.state(leader).leader?.progress[lagger].mode).toBe('Replicate');
    expect(safety.violations).toEqual([]);
  });

  it('duplicated and reordered chunks still assemble the exact snapshot', () => {
    const { cluster, lagger } = laggingCluster();
    cluster.healAll();
    const restores: string[] = [];
    const inner = cluster.input.bind(cluster);
    cluster.input = (id, input) => {
      const out = inner(id, input);
      if (id === lagger && out.restore) restores.push(out.restore.data);
      return out;
    };
    // A hostile network: every snapshot message is delivered twice, and each batch backwards.
    for (let t = 0; t < 60 && cluster.state(lagger).commitIndex < 11; t++) {
      cluster.tickAll();
      for (let rounds = 0; rounds < 30 && cluster.queue.length > 0; rounds++) {
        const batch: Message[] = [];
        for (const m of cluster.queue) {
          batch.push(m);
          if (m.type === 'InstallSnapshotRequest' || m.type === 'InstallSnapshotResponse') batch.push(m);
        }
        cluster.queue = [];
        for (const m of batch.reverse()) cluster.input(m.to, { type: 'Receive', message: m });
      }
    }
    expect(restores.length).toBeGreaterThanOrEqual(1);
    for (const r of restores) expect(r).toBe(SNAPSHOT_DATA);
    expect(cluster.state(lagger).commitIndex).toBe(11);
  });
});

describe('§7 InstallSnapshot on the follower, chunk by chunk', () => {
  const base = { type: 'InstallSnapshotRequest' as const, cluster: 'test', from: 'n1', to: 'n2', term: 3, lastIncludedIndex: 20, lastIncludedTerm: 3, lastIncludedConfig: { voters: ['n1', 'n2', 'n3'] }, round: 1 };
  const chunk = (offset: number, data: string, done: boolean): InstallSnapshotRequest => ({ ...base, offset, data, done });
  const responseOf = (messages: readonly Message[]) => messages.find((m): m is InstallSnapshotResponse => m.type === 'InstallSnapshotResponse');

  function feed(state: RaftState, ...chunks: InstallSnapshotRequest[]): { state: RaftState; last: InstallSnapshotResponse | undefined; restored: string | null } {
    let last: InstallSnapshotResponse | undefined;
    let restored: string | null = null;
    for (const c of chunks) {
      const r = stepSynced(state, receive(c));
      state = r.state;
      last = responseOf(r.messages);
      if (r.output.restore) restored = r.output.restore.data;
    }
    return { state, last, restored };
  }

  it('in-order chunks install on the last one', () => {
    const r = feed(initialState(configFor('n2', 3)), chunk(0, 'abc', false), chunk(3, 'def', false), chunk(6, 'g', true));
    expect(r.restored).toBe('abcdefg');
    expect(r.last).toMatchObject({ installed: true, bytesReceived: 7 });
    expect(r.state).toMatchObject({ commitIndex: 20, appliedIndex: 20, snapshot: { index: 20, term: 3, data: 'abcdefg' } });
  });

  it('a chunk that skips ahead is refused with the byte count held so far', () => {
    const r = feed(initialState(configFor('n2', 3)), chunk(0, 'abc', false), chunk(6, 'g', true));
    expect(r.restored).toBeNull();
    expect(r.last).toMatchObject({ installed: false, bytesReceived: 3 });
  });

  it('a duplicated middle chunk does not corrupt the data', () => {
    const r = feed(initialState(configFor('n2', 3)), chunk(0, 'abc', false), chunk(3, 'def', false), chunk(3, 'def', false), chunk(6, 'g', true));
    expect(r.restored).toBe('abcdefg');
  });

  it('a snapshot already covered by the commit index is acknowledged without a restore', () => {
    const installed = feed(initialState(configFor('n2', 3)), chunk(0, 'abcdefg', true)).state;
    const again = step(installed, receive(chunk(0, 'abcdefg', true)));
    expect(again.output.restore).toBeNull();
    expect(again.state.snapshot?.data).toBe('abcdefg');
  });
});
