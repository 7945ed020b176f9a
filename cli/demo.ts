// `raftbed demo`: builds the demo page, starts the introducer serving it, and prints one URL per
// node, each on its own origin (http://nK.localhost:PORT) so each tab has its own localStorage.
// The join tokens in the URLs are minted here; the secret never reaches the pages.

import { randomBytes } from 'node:crypto';
import { startIntroducer } from '../introducer';
import { buildBrowserAssets } from '../browser-adapter/build';
import { clusterUrls, nodeOrigin } from '../browser-adapter/harness/cluster-urls';
import { flagHelp, parseOrExit, type FlagSpec } from './args';

const DEMO_FLAGS: Record<string, FlagSpec> = {
  port: { kind: 'int', min: 0, max: 65535, help: 'HTTP/WebSocket port (default 8080; 0 picks a free one)' },
  nodes: { kind: 'choice', choices: ['3', '5'], help: 'cluster size (default 3)' },
  host: { kind: 'string', value: 'HOST', help: 'interface to bind (default 127.0.0.1)' },
  help: { kind: 'bool', alias: '-h', help: 'this text' },
};

export const DEMO_USAGE = `Usage: raftbed demo [--port N] [--nodes 3|5] [--host HOST]

Starts the introducer (WebRTC signalling + the demo's static files) and prints one URL per node.
Open each URL in its own tab of Chromium or Chrome: each runs a Raft node that keeps its log in
that origin's localStorage and talks to the others over WebRTC data channels.

${flagHelp(DEMO_FLAGS)}
`;

export async function runDemoCli(argv: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const parsed = parseOrExit(argv, DEMO_FLAGS, DEMO_USAGE, out);
  if (typeof parsed === 'number') return parsed;
  const flags = parsed.flags;
  const port = (flags.port as number | undefined) ?? 8080;
  const count = Number(flags.nodes ?? '3');
  const ids = Array.from({ length: count }, (_, k) => `n${k + 1}`);
  const staticDir = await buildBrowserAssets();
  const secret = randomBytes(24).toString('hex');
  // Only the node origins may open the signalling socket; with --port 0 they are not known before binding.
  const allowedOrigins = port === 0 ? undefined : ids.map((id) => nodeOrigin(id, port));
  const introducer = await startIntroducer({ secret, port, host: (flags.host as string | undefined) ?? '127.0.0.1', staticDir, allowedOrigins });
  const { room, urls } = clusterUrls({ port: introducer.port, secret, ids, page: '' });
  out(`raftbed demo: introducer on ${introducer.httpUrl} (cluster ${room})`);
  out(`Open each URL in its own tab (${ids.map((id) => nodeOrigin(id, introducer.port)).join(', ')}):`);
  for (const id of ids) out(`  ${urls.get(id)}`);
  // Its own cluster: the two apps' logs must not share a node's storage (or its one-tab lock).
  const todo = clusterUrls({ port: introducer.port, secret, ids, page: 'todo.html' });
  out(`The to-do list demo (cluster ${todo.room}), again one tab per URL:`);
  for (const id of ids) out(`  ${todo.urls.get(id)}`);
  out('Ctrl-C stops the introducer; the tabs keep their logs in localStorage.');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await introducer.stop();
  return 0;
}
