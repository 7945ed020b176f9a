// Runs one introducer in a process of its own, for tests that need limits the test process must not
// share (a lower descriptor limit: `ulimit -n` applies to the whole process). Options come as one
// JSON argument; the first stdout line is {"port": N}. It stops when its stdin closes or on SIGTERM.
//
//   node -r ts-node/register/transpile-only introducer/child-server.ts '{"secret":"..."}'

import { startIntroducer, type IntroducerOptions } from './server';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as IntroducerOptions;
  const handle = await startIntroducer({ port: 0, host: '127.0.0.1', ...options });
  process.stdout.write(`${JSON.stringify({ port: handle.port })}\n`);
  const stop = (): void => {
    void handle.stop().then(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
  process.exit(1);
});
