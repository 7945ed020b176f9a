// `raftbed demo --json`: one JSON line with the introducer's URL and port and a URL per tab, the
// page served, and a clean stop on SIGTERM (exit 0). Signals are delivered in-process.

import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';
import type { StopSignal } from './io';
import type { IntroducerHandle } from '../introducer/server';

jest.setTimeout(60_000); // builds the demo's bundle with esbuild

it('--json prints one JSON line with the URLs and port, serves the page, and stops on SIGTERM', async () => {
  const io = new CapturingIo();
  const handlers = new Map<StopSignal, () => void>();
  let listening!: (handle: IntroducerHandle) => void;
  const started = new Promise<IntroducerHandle>((resolve) => (listening = resolve));
  const exit = main(['demo', '--port', '0', '--nodes', '5', '--voters', '3', '--json'], io, {
    onSignal: (signal, handler) => {
      handlers.set(signal, handler);
      return () => handlers.delete(signal);
    },
    onListening: (handle) => listening(handle),
  });
  const handle = await Promise.race([started, exit.then((code) => { throw new Error(`demo exited ${code}: ${io.stderr}`); })]);
  expect(io.outLines).toHaveLength(1);
  const line = JSON.parse(io.outLines[0]);
  expect(line).toMatchObject({ event: 'listening', port: handle.port, httpUrl: handle.httpUrl, url: handle.url });
  for (const app of [line.demo, line.todo]) {
    expect(app.room).toMatch(/^[0-9a-f]{32}$/);
    expect(app.urls).toHaveLength(5);
    app.urls.forEach((url: string, k: number) => expect(url).toMatch(new RegExp(`^http://n${k + 1}\\.localhost:${handle.port}/`)));
  }
  expect(line.todo.urls[0]).toContain('/todo.html?');
  // Three voters; n4 and n5 open outside the configuration, knowing every node that may join.
  const params = (url: string) => Object.fromEntries(['node', 'voters', 'nodes'].map((k) => [k, new URL(url).searchParams.get(k)]));
  expect(params(line.demo.urls[3])).toEqual({ node: 'n4', voters: 'n1,n2,n3', nodes: 'n1,n2,n3,n4,n5' });
  expect(params(line.todo.urls[3])).toEqual({ node: 'n4', voters: 'n1,n2,n3,n4,n5', nodes: null });
  expect((await fetch(handle.httpUrl)).status).toBe(200);
  handlers.get('SIGTERM')?.();
  expect(await exit).toBe(0);
  expect(handlers.size).toBe(0);
});

it('--voters above --nodes is a usage error (exit 2), before anything starts', async () => {
  const io = new CapturingIo();
  expect(await main(['demo', '--port', '0', '--nodes', '3', '--voters', '4'], io, {})).toBe(2);
  expect(io.stderr).toContain('--voters 4 is more than --nodes 3');
});
