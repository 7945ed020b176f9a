// Three BrowserRaftNodes over real WebRTC data channels (@roamhq/wrtc) on loopback, introduced by
// an in-process introducer: election, replication from every node, a restart from storage, and
// hostile frames that must be counted and dropped.

import { encodeFrame } from '../transport/framing';
import { encodeAppFrame } from '../transport/app-frames';
import { startNodeCluster, waitFor, leaderOf, type NodeCluster } from '../test-support/node-cluster';

jest.setTimeout(60_000);

let cluster: NodeCluster;

beforeAll(async () => {
  cluster = await startNodeCluster({ snapshotEvery: 50 });
  for (const m of cluster.members) expect(m.start()).toBe(true);
  await waitFor('every data channel open', () => cluster.members.every((m) => m.transport.allConnected()));
});

afterAll(async () => {
  await cluster?.close();
});

const contentsOf = (k: number) => cluster.members[k].node.contents();

test('three nodes elect exactly one leader per term', async () => {
  await waitFor('a leader', () => leaderOf(cluster.members) !== null);
  const leader = leaderOf(cluster.members)!;
  const term = leader.node.status().term;
  await waitFor('followers know the leader', () => cluster.members.every((m) => m.node.status().leader === leader.node.id));
  const leadersInTerm = cluster.members.filter((m) => m.node.status().role === 'Leader' && m.node.status().term === term);
  expect(leadersInTerm).toHaveLength(1);
});

test('writes from every node replicate to all three, linearizable reads see them', async () => {
  const writes = cluster.members.flatMap((m, k) => Array.from({ length: 40 }, (_, i) => m.node.put(`k${k}-${i}`, `v${k}-${i}`)));
  const results = await Promise.all(writes);
  expect(results.every((r) => r.kind === 'ok')).toBe(true);
  await waitFor('all writes applied everywhere', () => [0, 1, 2].every((k) => contentsOf(k).size >= 120));
  for (let k = 0; k < 3; k++) {
    for (let j = 0; j < 3; j++) for (let i = 0; i < 40; i++) expect(contentsOf(k).get(`k${j}-${i}`)).toBe(`v${j}-${i}`);
  }
  expect(await cluster.members[2].node.get('k0-7')).toBe('v0-7');
  const appended = await Promise.all([cluster.members[1].node.append('log', 'a'), cluster.members[1].node.append('log', 'b')]);
  expect(appended.map((r) => r.kind)).toEqual(['ok', 'ok']);
  expect(await cluster.members[0].node.get('log')).toBe('ab');
  expect(await cluster.members[2].node.cas('log', 'ab', 'c')).toEqual({ kind: 'cas', ok: true });
  expect(await cluster.members[0].node.cas('log', 'ab', 'd')).toEqual({ kind: 'cas', ok: false });
  // 120+ entries with snapshotEvery 50: every node compacted at least once.
  await waitFor('compaction on every node', () => cluster.members.every((m) => m.node.status().counters.snapshotsTaken > 0));
});

test('a follower restarted from its storage rejoins and catches up', async () => {
  const leader = leaderOf(cluster.members)!;
  const follower = cluster.members.find((m) => m !== leader)!;
  const k = cluster.members.indexOf(follower);
  const before = follower.node.status().applied;
  follower.crash();
  expect(follower.running).toBe(false);
  await Promise.all(Array.from({ length: 30 }, (_, i) => leader.node.put(`during-${i}`, `${i}`)));
  expect(follower.restart()).toBe(true);
  // Restored from its snapshot and log, not from scratch.
  expect(follower.node.raftState!.log.snapshotIndex + follower.node.raftState!.log.entries.size).toBeGreaterThanOrEqual(before);
  await waitFor('restarted follower applied the writes made while it was down', () => contentsOf(k).get('during-29') === '29');
  expect(contentsOf(k).get('k0-0')).toBe('v0-0');
  const fromRestarted = await follower.node.put('after-restart', 'yes');
  expect(fromRestarted.kind).toBe('ok');
  await waitFor('its write reached everyone', () => [0, 1, 2].every((j) => contentsOf(j).get('after-restart') === 'yes'));
});

test('bad frames are dropped and counted, and the cluster keeps working', async () => {
  await waitFor('reconnected', () => cluster.members.every((m) => m.transport.allConnected()));
  const [n1, n2] = cluster.members;
  const badBefore = n2.transport.counters.badFrames;
  const garbage = [
    new Uint8Array([9, 9, 9]),
    new Uint8Array([1, 1, 0x7b, 0x7d]),
    new Uint8Array([1, 2, 0x5b, 0x5d]),
    new Uint8Array([0xa1, 0x7b]),
    encodeAppFrame({ kind: 'forward', id: 1, data: ['not a command'] }),
    // Claims to come from n3 on the channel with n1.
    encodeFrame({ type: 'RequestVoteResponse', cluster: n2.node.raftState!.config.clusterId, from: 'n3', to: 'n2', term: 999, granted: true }),
  ];
  for (const bytes of garbage) expect(n1.transport.sendRaw('n2', bytes)).toBe(true);
  // Five frames fail validation; the forward is well-formed but its command is not (counted by the node if n2 leads).
  await waitFor('bad frames counted', () => n2.transport.counters.badFrames >= badBefore + 5);
  expect(n2.transport.counters.badFramesByType.Spoofed).toBeGreaterThanOrEqual(1);
  expect(n2.node.status().run).toBe('running');
  expect(n2.node.status().term).toBeLessThan(999);
  const r = await n2.node.put('still', 'working');
  expect(r.kind).toBe('ok');
  await waitFor('replicated after the garbage', () => [0, 1, 2].every((j) => contentsOf(j).get('still') === 'working'));
});
