// A complete caller of raftbed's core: three nodes in one process, wired by an in-memory queue.
// It imports only core's public surface (core/index.ts) and shows the loop every caller writes,
// in the order core's contract requires (core/README.md explains each step):
//
//   step  →  send output.messages  →  persist output.persist  →  step(PersistAck)  →  apply output.apply
//
// Run it: node -r ts-node/register/transpile-only examples/core-loop/core-loop.ts
// (examples/core-loop/core-loop.test.ts runs it under `npm test`)

import {
  applyPersistRecord,
  EMPTY_DURABLE_STATE,
  initialState,
  makeConfig,
  restartState,
  step,
  type DurableState,
  type Input,
  type Message,
  type NodeId,
  type Output,
  type RaftConfig,
  type RaftState,
} from '../../core';

/** What one node keeps: its Raft state (volatile), its "disk" and its application state. */
export interface Node {
  readonly config: RaftConfig;
  state: RaftState;
  /** Stands in for a disk: survives crash() below; nothing else does. */
  disk: DurableState;
  /** Sequence number of the last persist record written to disk (restartState needs it). */
  diskSeq: number;
  /** The application: here, the list of committed commands in log order. */
  applied: string[];
  appliedIndex: number;
}

export interface LoopReport {
  readonly leader: NodeId;
  /** Each node's applied commands, by node id. */
  readonly applied: Record<NodeId, readonly string[]>;
  readonly ticks: number;
}

export class InMemoryCluster {
  readonly nodes = new Map<NodeId, Node>();
  /** Messages on the wire, delivered in FIFO order: deterministic, no timers, no randomness. */
  private wire: Message[] = [];

  constructor(readonly ids: readonly NodeId[]) {
    ids.forEach((id, i) => {
      const config = makeConfig({ clusterId: 'example', id, cluster: { voters: ids }, seed: 1000 + i });
      this.nodes.set(id, { config, state: initialState(config), disk: EMPTY_DURABLE_STATE, diskSeq: 0, applied: [], appliedIndex: 0 });
    });
  }

  /** The caller's loop for one input: step, then handle the output; a PersistAck loops once more. */
  drive(id: NodeId, input: Input): void {
    const node = this.nodes.get(id) as Node;
    const { state, output } = step(node.state, input);
    node.state = state;
    this.handle(node, output);
  }

  protected handle(node: Node, output: Output): void {
    // 0. A snapshot from the leader replaces the application state before anything is applied.
    if (output.restore) {
      node.applied = JSON.parse(output.restore.data) as string[];
      node.appliedIndex = output.restore.index;
    }
    // 1. Send. core already held back every message that promises state not yet durable
    //    (persist-before-send), so everything in output.messages may go out now.
    this.wire.push(...output.messages);
    // 2. Persist. Write the record durably (here: fold it into the in-memory "disk")...
    if (output.persist) {
      node.disk = applyPersistRecord(node.disk, output.persist);
      node.diskSeq = output.persist.seq;
      // 3. ...and only then acknowledge it. The ack releases the held-back messages (votes,
      //    append acknowledgements) in its own output, which goes through this same loop.
      const acked = step(node.state, { type: 'PersistAck', seq: output.persist.seq });
      node.state = acked.state;
      this.handle(node, acked.output);
    }
    // 4. Apply committed entries, in index order, exactly once each. Noop and Config entries are
    //    Raft's own; only Normal entries carry application commands.
    for (const { index, entry } of output.apply) {
      if (index <= node.appliedIndex) continue;
      if (entry.type === 'Normal') node.applied.push(entry.data);
      node.appliedIndex = index;
    }
  }

  /** Delivers every queued message (and any they cause) until the wire is quiet. */
  deliverAll(): void {
    while (this.wire.length > 0) {
      const message = this.wire.shift() as Message;
      // A message to a crashed node is lost, as on a real network.
      if (this.nodes.get(message.to)?.state) this.drive(message.to, { type: 'Receive', message });
    }
  }

  /** One logical clock tick on every node, then delivery. */
  tick(): void {
    for (const id of this.ids) this.drive(id, { type: 'Tick' });
    this.deliverAll();
  }

  leader(): NodeId | null {
    const leaders = this.ids.filter((id) => this.nodes.get(id)?.state.role === 'Leader');
    return leaders.length === 1 ? leaders[0] : null;
  }

  /** A crash keeps only the disk; restartState rebuilds Raft state from it. */
  crashAndRestart(id: NodeId): void {
    const node = this.nodes.get(id) as Node;
    node.state = restartState(node.config, node.disk, node.diskSeq);
    node.applied = [];
    node.appliedIndex = 0;
  }
}

/** Elects a leader, commits three commands, restarts a follower from its disk, commits one more. */
export function runExample(maxTicks = 500, Cluster: typeof InMemoryCluster = InMemoryCluster): LoopReport {
  const cluster = new Cluster(['a', 'b', 'c']);
  let ticks = 0;
  const tickUntil = (done: () => boolean, what: string): void => {
    while (!done()) {
      if (ticks++ >= maxTicks) throw new Error(`no ${what} within ${maxTicks} ticks`);
      cluster.tick();
    }
  };
  const allApplied = (n: number): boolean => cluster.ids.every((id) => (cluster.nodes.get(id) as Node).applied.length >= n);

  tickUntil(() => cluster.leader() !== null, 'leader');
  const leader = cluster.leader() as NodeId;
  // Propose on the leader; a follower would answer with a NotLeader error carrying a hint.
  cluster.drive(leader, { type: 'Propose', requestId: 'r1', data: ['x=1', 'y=2', 'z=3'] });
  cluster.deliverAll();
  tickUntil(() => allApplied(3), 'commit of the first three commands');

  const follower = cluster.ids.find((id) => id !== leader) as NodeId;
  cluster.crashAndRestart(follower);
  cluster.drive(cluster.leader() as NodeId, { type: 'Propose', requestId: 'r2', data: ['w=4'] });
  cluster.deliverAll();
  tickUntil(() => allApplied(4), 'commit after the restart');

  const applied: Record<NodeId, readonly string[]> = {};
  for (const id of cluster.ids) applied[id] = (cluster.nodes.get(id) as Node).applied;
  return { leader: cluster.leader() ?? leader, applied, ticks };
}

if (require.main === module) {
  const report = runExample();
  console.log(`leader ${report.leader} after ${report.ticks} ticks`);
  for (const [id, commands] of Object.entries(report.applied)) console.log(`${id} applied: ${commands.join(', ')}`);
}
