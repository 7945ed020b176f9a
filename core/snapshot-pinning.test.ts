// §7 / dissertation §5.4: a leader that compacts again while it streams a snapshot to a follower
// finishes the transfer it started (the snapshot stays pinned for that follower) and only then
// sends the newer one. Restarting from byte 0 at every compaction starves a follower whose
// transfer takes longer than the interval between compactions: it never installs anything.

import { TestCluster, deepFreeze } from './testing/cluster';
import { SafetyMonitor } from './testing/monitors';
import { configFor, receive, stepSynced } from './testing/fixtures';
import { initialState, type RaftState } from './state';
import { step } from './step';
import type { InstallSnapshotRequest, InstallSnapshotResponse, Message, NodeId } from './types';

const CHUNK_BYTES = 8;
/** Five chunks per snapshot. */
const SNAPSHOT_BYTES = 40;
/** Each way, on the lagging follower's links: a round trip is 4 heartbeats. */
const LINK_DELAY_TICKS = 2;
/** The leader takes a new snapshot this often, well inside one transfer (5 round trips, 20 ticks). */
const COMPACT_EVERY_TICKS = 6;

const snapshotData = (index: number): string => `snap@${index}:`.padEnd(SNAPSHOT_BYTES, '.');

/**
 * A 3-node cluster whose third node was cut off while the leader committed and compacted, so it
 * needs a snapshot; the leader's links to it are slow, the other follower's instant.
 */
class SlowLinkCluster {
  readonly cluster = new TestCluster({ size: 3, config: { snapshotChunkBytes: CHUNK_BYTES, electionTimeoutTicks: 20 }, freeze: true });
  readonly safety = new SafetyMonitor(this.cluster);
  readonly leader: NodeId;
  readonly lagger: NodeId;
  private delayed: { atTick: number; message: Message }[] = [];
  private now = 0;
  private proposals = 0;
  /** The follower's snapshot installs, in order (index of each). */
  readonly installs: number[] = [];

  constructor() {
    const c = this.cluster;
    this.leader = c.electLeader();
    this.lagger = c.ids.find((id) => id !== this.leader) as NodeId;
    c.isolate(this.lagger);
    for (let k = 0; k < 6; k++) this.proposeAndCommit();
    this.compact();
    c.healAll();
    const inner = c.input.bind(c);
    c.input = (id, input) => {
      const out = inner(id, input);
      if (id === this.lagger && out.restore) this.installs.push(out.restore.index);
      return out;
    };
  }

  private proposeAndCommit(): void {
    this.cluster.propose(this.leader, `e${this.proposals++}`);
    this.deliver();
  }

  private compact(): void {
    const s = this.cluster.state(this.leader);
    if (s.appliedIndex <= s.log.snapshotIndex) return;
    const out = this.cluster.input(this.leader, { type: 'Snapshot', index: s.appliedIndex, data: snapshotData(s.appliedIndex) });
    expect(out.errors).toEqual([]);
  }

  /** Delivers everything that is due: at once between the fast nodes, after LINK_DELAY_TICKS to or from the lagger. */
  private deliver(): void {
    const c = this.cluster;
    for (let rounds = 0; rounds < 1000; rounds++) {
      const due = this.delayed.filter((d) => d.atTick <= this.now).map((d) => d.message);
      this.delayed = this.delayed.filter((d) => d.atTick > this.now);
      const fresh = c.queue;
      c.queue = [];
      const now: Message[] = [...due];
      for (const m of fresh) {
        if (m.to === this.lagger || m.from === this.lagger) this.delayed.push({ atTick: this.now + LINK_DELAY_TICKS, message: m });
        else now.push(m);
      }
      if (now.length === 0) return;
      for (const m of now) c.input(m.to, receive(m));
    }
    throw new Error('messages kept causing messages');
  }

  /** One tick of the cluster; the leader proposes every tick and compacts every COMPACT_EVERY_TICKS. */
  run(ticks: number, workload: boolean): void {
    for (let t = 0; t < ticks; t++) {
      this.now++;
      this.cluster.tickAll();
      this.deliver();
      if (workload) {
        this.proposeAndCommit();
        if (this.now % COMPACT_EVERY_TICKS === 0) this.compact();
      }
    }
  }

  commitLag(): number {
    return this.cluster.state(this.leader).commitIndex - this.cluster.state(this.lagger).commitIndex;
  }
}

describe('§7 a leader that compacts during a snapshot transfer finishes the one it started', () => {
  it('the lagging follower installs snapshot after snapshot under continuous compaction, and catches up once it stops', () => {
    const sim = new SlowLinkCluster();
    // 120 ticks: 20 compactions, each one inside the transfer of the one before (a transfer
    // is 5 chunks of one round trip, 4 ticks, each). A transfer pinned to its snapshot takes
    // about 20 ticks, then the next one starts at the newest snapshot: at least 4 installs.
    sim.run(120, true);
    expect(sim.cluster.leaders()).toEqual([sim.leader]);
    expect(sim.installs.length).toBeGreaterThanOrEqual(4);
    for (let k = 1; k < sim.installs.length; k++) expect(sim.installs[k]).toBeGreaterThan(sim.installs[k - 1]);
    // Never more than two transfers (about 40 ticks of proposals) behind.
    expect(sim.commitLag()).toBeLessThanOrEqual(2 * 4 * 5 + COMPACT_EVERY_TICKS);
    // Once the workload stops, it catches up within one more transfer plus a round trip.
    sim.run(30, false);
    expect(sim.commitLag()).toBe(0);
    expect(sim.cluster.state(sim.leader).leader?.progress[sim.lagger].mode).not.toBe('Snapshot');
    expect(sim.safety.violations).toEqual([]);
  });

  it('a pinned transfer is released once the follower installs it: the leader keeps no snapshot alive for a caught-up follower', () => {
    const sim = new SlowLinkCluster();
    sim.run(120, true);
    sim.run(30, false);
    const pr = sim.cluster.state(sim.leader).leader?.progress[sim.lagger];
    expect(pr).toMatchObject({ pinnedSnapshot: null, snapshotAckedBytes: 0, snapshotAckedRound: 0 });
    expect(pr?.mode).not.toBe('Snapshot');
  });
});

describe('§7 the leader side of a pinned transfer, message by message', () => {
  const chunksTo = (messages: readonly Message[], to: NodeId) => messages.filter((m): m is InstallSnapshotRequest => m.type === 'InstallSnapshotRequest' && m.to === to);
  const answer = (leader: RaftState, chunk: InstallSnapshotRequest, bytesReceived: number, installed = false): InstallSnapshotResponse => ({
    type: 'InstallSnapshotResponse', cluster: 'test', from: chunk.to, to: chunk.from, term: leader.term, lastIncludedIndex: chunk.lastIncludedIndex,
    bytesReceived, installed, round: chunk.round,
  });

  /** A leader that committed and compacted while one follower was cut off, and its first chunk to that follower. */
  function startedTransfer(): { state: RaftState; to: NodeId; first: InstallSnapshotRequest } {
    const cluster = new TestCluster({ size: 3, config: { snapshotChunkBytes: CHUNK_BYTES } });
    // Cut off from the start, so the leader's probe of it finds the log compacted.
    const to = 'n3';
    cluster.isolate(to);
    const leader = cluster.electLeader();
    for (let k = 0; k < 5; k++) cluster.propose(leader, `e${k}`);
    cluster.deliverAll();
    const compactTo = cluster.state(leader).appliedIndex - 1;
    expect(cluster.input(leader, { type: 'Snapshot', index: compactTo, data: snapshotData(compactTo) }).errors).toEqual([]);
    const r = stepSynced(deepFreeze(cluster.state(leader)), { type: 'Tick' });
    const first = chunksTo(r.messages, to)[0];
    expect(first).toMatchObject({ lastIncludedIndex: compactTo, offset: 0, data: snapshotData(compactTo).slice(0, CHUNK_BYTES) });
    return { state: r.state, to, first };
  }

  it('keeps streaming the pinned snapshot after compacting again, then sends the newer one', () => {
    const { state: s0, to, first } = startedTransfer();
    const pinned = first.lastIncludedIndex;
    // Chunk 0 acknowledged: chunk 1 goes out.
    let r = stepSynced(s0, receive(answer(s0, first, CHUNK_BYTES)));
    let next = chunksTo(r.messages, to)[0];
    expect(next).toMatchObject({ lastIncludedIndex: pinned, offset: CHUNK_BYTES });
    // The leader compacts to its applied index, past the pinned snapshot.
    r = stepSynced(r.state, { type: 'Snapshot', index: r.state.appliedIndex, data: snapshotData(r.state.appliedIndex) });
    const newer = r.state.log.snapshotIndex;
    expect(newer).toBeGreaterThan(pinned);
    // Heartbeats and answers continue the pinned one where it was, not the newer one from byte 0.
    r = stepSynced(r.state, { type: 'Tick' });
    expect(chunksTo(r.messages, to)).toEqual([expect.objectContaining({ lastIncludedIndex: pinned, offset: CHUNK_BYTES })]);
    let state = r.state;
    for (let offset = CHUNK_BYTES; offset < SNAPSHOT_BYTES; offset += CHUNK_BYTES) {
      const done = offset + CHUNK_BYTES >= SNAPSHOT_BYTES;
      r = stepSynced(state, receive(answer(state, { ...next, offset }, offset + CHUNK_BYTES, done)));
      state = r.state;
      if (!done) {
        next = chunksTo(r.messages, to)[0];
        expect(next).toMatchObject({ lastIncludedIndex: pinned, offset: offset + CHUNK_BYTES, data: snapshotData(pinned).slice(offset + CHUNK_BYTES, offset + 2 * CHUNK_BYTES) });
      }
    }
    // Installed: the follower still lacks what the newer snapshot compacted, so that one starts now.
    expect(chunksTo(r.messages, to)).toEqual([expect.objectContaining({ lastIncludedIndex: newer, offset: 0 })]);
    expect(state.leader?.progress[to]).toMatchObject({ mode: 'Snapshot', match: pinned, pinnedSnapshot: { index: newer } });
  });

  it('a follower that already holds the pinned snapshot says so at once; the leader moves on to the newest', () => {
    const { state: s0, to, first } = startedTransfer();
    let r = stepSynced(s0, { type: 'Snapshot', index: s0.appliedIndex, data: snapshotData(s0.appliedIndex) });
    const newer = r.state.log.snapshotIndex;
    expect(newer).toBeGreaterThan(first.lastIncludedIndex);
    // Its commit index had passed the pinned snapshot (the follower answers installed on any chunk).
    r = stepSynced(r.state, receive(answer(r.state, first, CHUNK_BYTES, true)));
    expect(r.state.leader?.progress[to]).toMatchObject({ match: first.lastIncludedIndex, mode: 'Snapshot', pinnedSnapshot: { index: newer }, snapshotAckedBytes: 0 });
    expect(chunksTo(r.messages, to)).toEqual([expect.objectContaining({ lastIncludedIndex: newer, offset: 0 })]);
  });

  it('a leader that steps down keeps no pinned snapshot', () => {
    const { state: s0, to } = startedTransfer();
    expect(s0.leader?.progress[to].pinnedSnapshot).not.toBeNull();
    const higher: InstallSnapshotResponse = {
      type: 'InstallSnapshotResponse', cluster: 'test', from: to, to: s0.config.id, term: s0.term + 1, lastIncludedIndex: 0, bytesReceived: 0, installed: false, round: 0,
    };
    const r = stepSynced(s0, receive(higher));
    expect(r.state).toMatchObject({ role: 'Follower', leader: null, term: s0.term + 1 });
  });

  it('a stale answer reporting fewer bytes does not rewind the transfer', () => {
    const { state: s0, to, first } = startedTransfer();
    let r = stepSynced(s0, receive(answer(s0, first, CHUNK_BYTES)));
    r = stepSynced(r.state, receive(answer(r.state, first, 2 * CHUNK_BYTES)));
    expect(r.state.leader?.progress[to].snapshotAckedBytes).toBe(2 * CHUNK_BYTES);
    // An answer to the very first chunk (an older round), overtaken on the way: no rewind.
    r = stepSynced(r.state, receive(answer(r.state, first, 0)));
    expect(r.state.leader?.progress[to]).toMatchObject({ snapshotAckedBytes: 2 * CHUNK_BYTES, pinnedSnapshot: { index: first.lastIncludedIndex } });
    expect(chunksTo(r.messages, to)).toEqual([]);
  });

  it('a follower that lost the chunks it held (it restarted) gets the newest snapshot from byte 0', () => {
    const { state: s0, to, first } = startedTransfer();
    let r = stepSynced(s0, receive(answer(s0, first, CHUNK_BYTES)));
    r = stepSynced(r.state, { type: 'Snapshot', index: r.state.appliedIndex, data: snapshotData(r.state.appliedIndex) });
    const newer = r.state.log.snapshotIndex;
    // A heartbeat in a later round resends chunk 1; the follower, restarted, holds nothing of it.
    r = stepSynced(r.state, { type: 'Tick' });
    const resent = chunksTo(r.messages, to)[0];
    expect(resent).toMatchObject({ lastIncludedIndex: first.lastIncludedIndex, offset: CHUNK_BYTES });
    r = stepSynced(r.state, receive(answer(r.state, resent, 0)));
    expect(chunksTo(r.messages, to)).toEqual([expect.objectContaining({ lastIncludedIndex: newer, offset: 0 })]);
    expect(r.state.leader?.progress[to]).toMatchObject({ mode: 'Snapshot', snapshotAckedBytes: 0, pinnedSnapshot: { index: newer } });
  });
});

describe('§7 the follower side: a transfer only moves forward', () => {
  const base = { type: 'InstallSnapshotRequest' as const, cluster: 'test', from: 'n1', to: 'n2', term: 3, lastIncludedConfig: { voters: ['n1', 'n2', 'n3'] }, round: 1 };
  const chunk = (index: number, offset: number, data: string, done: boolean): InstallSnapshotRequest => ({ ...base, lastIncludedIndex: index, lastIncludedTerm: 3, offset, data, done });
  function feed(state: RaftState, ...chunks: InstallSnapshotRequest[]): { state: RaftState; answers: InstallSnapshotResponse[] } {
    const answers: InstallSnapshotResponse[] = [];
    for (const c of chunks) {
      const r = stepSynced(state, receive(c));
      state = r.state;
      answers.push(...r.messages.filter((m): m is InstallSnapshotResponse => m.type === 'InstallSnapshotResponse'));
    }
    return { state, answers };
  }

  it('a late duplicate of chunk 0 does not throw away the chunks received after it', () => {
    const r = feed(initialState(configFor('n2', 3)), chunk(20, 0, 'abc', false), chunk(20, 3, 'def', false), chunk(20, 0, 'abc', false));
    expect(r.answers.map((a) => a.bytesReceived)).toEqual([3, 6, 6]);
    expect(r.state.incomingSnapshot?.data).toBe('abcdef');
  });

  it('a late chunk 0 of an older snapshot from the same leader and term does not replace the newer transfer', () => {
    const r = feed(initialState(configFor('n2', 3)), chunk(20, 0, 'abc', false), chunk(15, 0, 'xyz', false), chunk(20, 3, 'd', true));
    expect(r.answers[1]).toMatchObject({ lastIncludedIndex: 15, bytesReceived: 0, installed: false });
    expect(r.state.snapshot).toMatchObject({ index: 20, data: 'abcd' });
  });

  it('a chunk overlapping what is held adds only its new bytes', () => {
    const r = feed(initialState(configFor('n2', 3)), chunk(20, 0, 'abc', false), chunk(20, 2, 'cde', true));
    expect(r.state.snapshot).toMatchObject({ index: 20, data: 'abcde' });
    expect(r.answers[1]).toMatchObject({ bytesReceived: 5, installed: true });
  });

  it('a newer leader term replaces the transfer, even for the same index', () => {
    const r = feed(initialState(configFor('n2', 3)), chunk(20, 0, 'abc', false), { ...chunk(20, 0, 'XY', false), term: 4 }, { ...chunk(20, 2, 'Z', true), term: 4 });
    expect(r.state.snapshot).toMatchObject({ index: 20, data: 'XYZ' });
  });

  it('step never edits the state it is given', () => {
    const s = feed(initialState(configFor('n2', 3)), chunk(20, 0, 'abc', false)).state;
    const before = JSON.stringify(s);
    step(s, receive(chunk(20, 0, 'abc', false)));
    step(s, receive(chunk(20, 3, 'def', true)));
    expect(JSON.stringify(s)).toBe(before);
  });
});
