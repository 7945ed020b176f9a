// What a page needs to join its cluster, read from its URL:
//   ?node=n1&voters=n1,n2,n3&cluster=<32 hex>&expires=<ms>&token=<64 hex>
//   optional: &nodes=n1,...,n5 (every node that may ever join; default the voters): a node outside
//   the initial voters starts outside the configuration and waits to be added as a learner.
//   optional: &tick=<ms> &snapshotEvery=<n> &trace=0 &gum=1 (call getUserMedia first: needed for
//   ICE candidates when only loopback exists) &ws=<ws url> (default: this origin's /ws).
// The CLI (demo-cli.ts) mints the token with the introducer's secret; the page never sees the secret.

export interface PageConfig {
  readonly node: string;
  /** The initial configuration's voters. */
  readonly voters: readonly string[];
  /** Every node that may ever be a member (the voters first). */
  readonly nodes: readonly string[];
  readonly cluster: string;
  readonly expires: number;
  readonly token: string;
  readonly wsUrl: string;
  readonly tickMs: number;
  readonly snapshotEvery: number;
  readonly trace: boolean;
  readonly getUserMedia: boolean;
}

export class PageConfigError extends Error {
  override readonly name = 'PageConfigError';
}

const NODE_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function parsePageConfig(search: string, location: { protocol: string; host: string }): PageConfig {
  const q = new URLSearchParams(search);
  const need = (name: string): string => {
    const v = q.get(name);
    if (v === null || v === '') throw new PageConfigError(`missing URL parameter "${name}" (open the URLs printed by \`raftbed demo\`)`);
    return v;
  };
  const node = need('node');
  if (!NODE_ID.test(node)) throw new PageConfigError(`node must match ${NODE_ID}`);
  const voters = need('voters').split(',');
  const rawNodes = q.get('nodes');
  const nodes = rawNodes === null || rawNodes === '' ? voters : rawNodes.split(',');
  if (nodes === voters && !voters.includes(node)) throw new PageConfigError('voters must include this node (or list every node in nodes)');
  if (!nodes.every((v) => NODE_ID.test(v)) || new Set(nodes).size !== nodes.length || !nodes.includes(node)) {
    throw new PageConfigError('nodes must be a comma-separated list of distinct node ids including this node');
  }
  if (!voters.every((v) => NODE_ID.test(v)) || new Set(voters).size !== voters.length || !voters.every((v) => nodes.includes(v))) {
    throw new PageConfigError('voters must be a comma-separated list of distinct node ids, all of them in nodes');
  }
  const cluster = need('cluster');
  if (!/^[0-9a-f]{32}$/.test(cluster)) throw new PageConfigError('cluster must be 32 lowercase hex characters');
  const expires = Number(need('expires'));
  if (!Number.isSafeInteger(expires)) throw new PageConfigError('expires must be an integer (ms since the epoch)');
  const token = need('token');
  if (!/^[0-9a-f]{64}$/.test(token)) throw new PageConfigError('token must be 64 lowercase hex characters');
  const number = (name: string, fallback: number, min: number): number => {
    const raw = q.get(name);
    if (raw === null) return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min) throw new PageConfigError(`${name} must be a number >= ${min}`);
    return v;
  };
  const wsUrl = q.get('ws') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  return {
    node, voters, nodes, cluster, expires, token, wsUrl,
    tickMs: number('tick', 30, 1),
    snapshotEvery: Math.floor(number('snapshotEvery', 2000, 1)),
    trace: q.get('trace') !== '0',
    getUserMedia: q.get('gum') === '1',
  };
}
