// `raftbed demo`: builds the demo page, starts the introducer serving it, and prints one URL per
// node, each on its own origin (http://nK.localhost:PORT) so each tab has its own localStorage.
// The join tokens in the URLs are minted here; the secret never reaches the pages.

import { randomBytes } from 'node:crypto';
import { startIntroducer } from '../introducer';
import { buildBrowserAssets } from './build';
import { clusterUrls, nodeOrigin } from './harness/cluster-urls';
import { CliArgsError, numberFlag, parseFlags } from './cli-args';

export const DEMO_USAGE = `Usage: raftbed demo [--port N] [--nodes N] [--host HOST]

Starts the introducer (WebRTC signalling + the demo's static files) and prints one URL per node.
Open each URL in its own tab of Chromium or Chrome: each runs a Raft node that keeps its log in
that origin's localStorage and talks to the others over WebRTC data channels.

  --port N    HTTP/WebSocket port (default 8080; 0 picks a free one)
  --nodes N   cluster size, 3 or 5 (default 3)
  --host H    interface to bind (default 127.0.0.1)
`;

export async function runDemoCli(argv: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  let flags: Map<string, string>;
  let port: number;
  let count: number;
  try {
    flags = parseFlags(argv, ['--port', '--nodes', '--host'], ['--help', '-h']);
    port = numberFlag(flags, '--port', 8080, 0, 65535);
    count = numberFlag(flags, '--nodes', 3, 3, 5);
    if (count !== 3 && count !== 5) throw new CliArgsError('--nodes must be 3 or 5');
  } catch (e) {
    out(`${(e as Error).message}\n\n${DEMO_USAGE}`);
    return 2;
  }
  if (flags.has('--help') || flags.has('-h')) {
    out(DEMO_USAGE);
    return 0;
  }
  const ids = Array.from({ length: count }, (_, k) => `n${k + 1}`);
  const staticDir = await buildBrowserAssets();
  const secret = randomBytes(24).toString('hex');
  // Only the node origins may open the signalling socket; with --port 0 they are not known before binding.
  const allowedOrigins = port === 0 ? undefined : ids.map((id) => nodeOrigin(id, port));
  const introducer = await startIntroducer({ secret, port, host: flags.get('--host') ?? '127.0.0.1', staticDir, allowedOrigins });
  const { room, urls } = clusterUrls({ port: introducer.port, secret, ids, page: '' });
  out(`raftbed demo: introducer on ${introducer.httpUrl} (cluster ${room})`);
  out(`Open each URL in its own tab (${ids.map((id) => nodeOrigin(id, introducer.port)).join(', ')}):`);
  for (const id of ids) out(`  ${urls.get(id)}`);
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
