// `raftbed demo`: builds the demo page, starts the introducer serving it, and prints one URL per
// node, each on its own origin (http://nK.localhost:PORT) so each tab has its own localStorage.
// The join tokens in the URLs are minted here; the secret never reaches the pages.

import { randomBytes } from 'node:crypto';
import { startIntroducer } from '../introducer';
import { buildBrowserAssets } from '../browser-adapter/build';
import { clusterUrls, nodeOrigin } from '../browser-adapter/harness/cluster-urls';
import { processSignals } from './io';
import type { Invocation } from './program';
import { EXIT_OK } from './exit-codes';
import { CliUsageError } from './errors';

/** Runs until SIGINT or SIGTERM (flags in cli/commands-browser.ts). */
export async function runDemoCli({ flags, io, deps }: Invocation): Promise<number> {
  const port = (flags.port as number | undefined) ?? 8080;
  const count = Number(flags.nodes ?? '3');
  const ids = Array.from({ length: count }, (_, k) => `n${k + 1}`);
  const voterCount = (flags.voters as number | undefined) ?? count;
  if (voterCount > count) throw new CliUsageError(`--voters ${voterCount} is more than --nodes ${count}`);
  // The first voterCount nodes form the first configuration; the rest join later as learners.
  const voters = voterCount === count ? undefined : ids.slice(0, voterCount);
  const staticDir = await buildBrowserAssets();
  const secret = randomBytes(24).toString('hex');
  // Only the node origins may open the signalling socket; with --port 0 they are not known before binding.
  const allowedOrigins = port === 0 ? undefined : ids.map((id) => nodeOrigin(id, port));
  const introducer = await startIntroducer({ secret, port, host: (flags.host as string | undefined) ?? '127.0.0.1', staticDir, allowedOrigins });
  const { room, urls } = clusterUrls({ port: introducer.port, secret, ids, voters, page: '' });
  // Its own cluster: the two apps' logs must not share a node's storage (or its one-tab lock).
  // The to-do page has no membership buttons: all its nodes are voters.
  const todo = clusterUrls({ port: introducer.port, secret, ids, page: 'todo.html' });
  if (flags.json) {
    io.out(JSON.stringify({
      event: 'listening', url: introducer.url, httpUrl: introducer.httpUrl, port: introducer.port, host: introducer.host,
      demo: { room, urls: ids.map((id) => urls.get(id)) }, todo: { room: todo.room, urls: ids.map((id) => todo.urls.get(id)) },
    }));
  } else {
    io.out(`raftbed demo: introducer on ${introducer.httpUrl} (cluster ${room})`);
    io.out(`Open each URL in its own tab (${ids.map((id) => nodeOrigin(id, introducer.port)).join(', ')}):`);
    for (const id of ids) io.out(`  ${urls.get(id)}`);
    if (voters !== undefined) io.out(`${ids.slice(voterCount).join(' and ')} start outside the configuration: add them from the leader's tab (Cluster configuration).`);
    io.out(`The to-do list demo (cluster ${todo.room}), again one tab per URL:`);
    for (const id of ids) io.out(`  ${todo.urls.get(id)}`);
    io.out('Ctrl-C stops the introducer; the tabs keep their logs in localStorage.');
  }
  deps.onListening?.(introducer);
  const onSignal = deps.onSignal ?? processSignals;
  await new Promise<void>((resolve) => {
    const offs = (['SIGINT', 'SIGTERM'] as const).map((name) => onSignal(name, () => {
      for (const off of offs) off();
      resolve();
    }));
  });
  await introducer.stop();
  return EXIT_OK;
}
