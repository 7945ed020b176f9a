// A scripted split vote on three nodes: n1 and n2 time out into the same term before hearing
// anything (only they are ticked), and both ask n3. A correct n3 grants the first and refuses the
// second; a voter that votes twice grants both, both reach a quorum, and the mini-cluster's
// ElectionSafety check stops the run.

import { MiniCluster, type MiniClusterOptions } from './mini-cluster';

export interface SplitVoteResult {
  /** Whether n3 granted n1, then n2. */
  readonly grants: readonly boolean[];
  /** What stopped the run when the grants reached the candidates (null: nothing did). */
  readonly error: unknown;
}

export function splitVote(options: MiniClusterOptions): SplitVoteResult {
  const cluster = new MiniCluster({ size: 3, ...options, options: { preVote: false, checkQuorum: false, ...options.options } }).start();
  const take = (from: string, to: string, type: string) => {
    const k = cluster.queue.findIndex((m) => m.from === from && m.to === to && m.type === type);
    if (k < 0) throw new Error(`no ${type} from ${from} to ${to} queued`);
    return cluster.queue.splice(k, 1)[0];
  };
  try {
    for (const id of ['n1', 'n2']) {
      for (let t = 0; cluster.node(id).output?.view.role !== 'Candidate'; t++) {
        if (t > 100) throw new Error(`${id} never campaigned`);
        cluster.input(id, { type: 'Tick' });
      }
    }
    const terms = ['n1', 'n2'].map((id) => cluster.node(id).output?.view.term);
    if (terms[0] !== terms[1]) throw new Error(`the candidates are in terms ${terms.join(' and ')}, not one`);
    for (const id of ['n1', 'n2']) cluster.input('n3', { type: 'Receive', message: take(id, 'n3', 'RequestVoteRequest') });
    const responses = ['n1', 'n2'].map((id) => take('n3', id, 'RequestVoteResponse'));
    const grants = responses.map((m) => m.type === 'RequestVoteResponse' && m.granted);
    try {
      for (const m of responses) cluster.input(m.to, { type: 'Receive', message: m });
    } catch (e) {
      return { grants, error: e };
    }
    return { grants, error: null };
  } finally {
    cluster.stop();
  }
}
