// browser-adapter's public surface: run any application state machine as a Raft node in a tab.
//
//   const node = await createBrowserNode({ stateMachine, codec, introducerUrl, token, expires, nodeId, cluster });
//   await node.submit(command);   // replicated; resolves with what stateMachine.apply returned here
//   node.onChange(render);        // after each apply, role change, restart
//
// State survives reloads and the close of every tab: the log and snapshots live in localStorage,
// and a node that opens again restores the last snapshot and re-applies the log once it hears
// the commit index from a quorum. One tab per node (a Web Lock): a second tab of the same node
// gets NodeAlreadyOpen.

import type { NodeStatus } from './node/browser-raft-node';
import type { ClusterMember } from './node/cluster-member';
import type { SimplePeerConstructor } from './transport/peer-transport';
import { openMember } from './app/open-member';
import { sessioned, type CommandCodec, type StateMachine } from './app/replicated-machine';

export type { StateMachine, CommandCodec } from './app/replicated-machine';
export { kvMachine, sessioned } from './app/replicated-machine';
export type { NodeStatus } from './node/browser-raft-node';
export { ClientError } from './node/pending-writes';
export type { ClientErrorCode } from './node/pending-writes';
export { NodeAlreadyOpen } from './node/node-lock';

export interface BrowserNodeOptions {
  /** Milliseconds per Raft tick. Default 30. */
  readonly tickMs?: number;
  /** Snapshot the state machine every this many applied entries. Default 2000. */
  readonly snapshotEvery?: number;
  /** Record an NDJSON trace (exportTrace). Default true. */
  readonly trace?: boolean;
  /** Open a fake microphone first (loopback-only test machines). Default false. */
  readonly getUserMedia?: boolean;
  /** simple-peer's constructor. Default: window.SimplePeer (simplepeer.min.js loaded by a script tag). */
  readonly SimplePeer?: SimplePeerConstructor;
}

export interface CreateBrowserNodeParams<Command, Result> {
  /**
   * The application. Results must survive JSON (a retried write's result is kept in snapshots).
   * All replicas of this tab share this one instance: read it only after `onChange`.
   */
  readonly stateMachine: StateMachine<Command, Result>;
  readonly codec: CommandCodec<Command>;
  /** ws(s)://host:port/ws of the introducer. */
  readonly introducerUrl: string;
  /** The introducer's join token for (cluster.id, nodeId, expires). */
  readonly token: string;
  /** When the token expires, ms since the epoch. */
  readonly expires: number;
  readonly nodeId: string;
  /** `voters`: the initial configuration; `nodes`: every node that may ever join (default the voters). */
  readonly cluster: { readonly id: string; readonly voters: readonly string[]; readonly nodes?: readonly string[] };
  readonly options?: BrowserNodeOptions;
}

export interface BrowserNode<Command, Result> {
  readonly nodeId: string;
  /** Replicates `command`; resolves once this tab applied it, with stateMachine.apply's result. Rejects with ClientError. */
  submit(command: Command): Promise<Result>;
  /** Resolves once this tab has applied everything committed when called (ReadIndex): then read the state machine. */
  sync(): Promise<void>;
  status(): NodeStatus;
  /** Called after applies, role and term changes and restarts. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** The stack underneath (transport, crash/restart) for tools and tests. */
  readonly member: ClusterMember;
  /** Set when this tab runs without the one-tab-per-node lock. */
  readonly warning: string | null;
}

export async function createBrowserNode<Command, Result>(p: CreateBrowserNodeParams<Command, Result>): Promise<BrowserNode<Command, Result>> {
  const SimplePeer = p.options?.SimplePeer ?? (globalThis as { SimplePeer?: SimplePeerConstructor }).SimplePeer;
  if (!SimplePeer) throw new Error('simple-peer is not loaded: load simplepeer.min.js first or pass options.SimplePeer');
  const { member, warning } = await openMember({
    nodeId: p.nodeId, voters: p.cluster.voters, nodes: p.cluster.nodes, clusterId: p.cluster.id, introducerUrl: p.introducerUrl,
    token: p.token, expires: p.expires, SimplePeer, getUserMedia: p.options?.getUserMedia,
    node: {
      machine: sessioned(p.stateMachine, p.codec),
      ...(p.options?.tickMs !== undefined && { tickMs: p.options.tickMs }),
      ...(p.options?.snapshotEvery !== undefined && { snapshotEvery: p.options.snapshotEvery }),
      ...(p.options?.trace !== undefined && { trace: p.options.trace }),
    },
  });
  const listeners = new Set<() => void>();
  const fire = (): void => {
    for (const l of listeners) l();
  };
  // Each restart builds a new node: follow it so that callers subscribe once.
  let unsubscribe = member.node.onChange(fire);
  member.onStart((node) => {
    unsubscribe();
    unsubscribe = node.onChange(fire);
    fire();
  });
  return {
    nodeId: p.nodeId, member, warning,
    submit: (command) => member.node.submit(command) as Promise<Result>,
    sync: () => member.node.sync(),
    status: () => member.node.status(),
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
