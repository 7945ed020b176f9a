// A hang means a missing frame: fail fast instead of waiting for the global two-minute timeout.
jest.setTimeout(30_000); // one case starts a ts-node child process

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SECRET_ENV_VAR } from './introducer';
import { main } from './main';
import type { CliDeps, CliIo, StopSignal } from './io';
import { EXIT_TOOL_FAILED } from './exit-codes';
import type { IntroducerHandle } from '../introducer/server';
import { cleanup, startTestIntroducer } from '../introducer/test-support';

afterEach(cleanup);

describe('raftbed introducer flags', () => {
  it.each([
    [['--port', 'abc'], "option '--port <N>' argument 'abc' is invalid. It must be an integer."],
    [['--port', '65536'], "option '--port <N>' argument '65536' is invalid. It must be at most 65535."],
    [['--port', '-1'], "option '--port <N>' argument '-1' is invalid. It must be at least 0."],
    [['--port=1.5'], "option '--port <N>' argument '1.5' is invalid. It must be an integer."],
    [['--port'], "option '--port <N>' argument missing"],
    [['--port', '--json'], "option '--port <N>' argument '--json' is invalid. It must be an integer."],
    [['--port', '1', '--port', '2'], "option '--port <N>' given twice"],
    [['--host', ''], "option '--host <HOST>' argument '' is invalid. It must be a host name or address."],
    [['--secret', 'short'], "option '--secret <S>' argument 'short' is invalid. It must be at least 16 bytes."],
    [['--allow-origin', 'nope'], "option '--allow-origin <O>' argument 'nope' is invalid. It is not a valid origin"],
    [['--json=yes'], "unknown option '--json=yes'"],
    [['--verbose'], "unknown option '--verbose'"],
    [['serve'], "too many arguments for 'introducer'"],
  ])('refuses %j with exit 2, naming the flag on stderr: %s', async (argv, message) => {
    const { io, out, err } = fakeIo();
    expect(await main(['introducer', ...argv], io.io, io.deps)).toBe(2);
    expect(out).toEqual([]);
    expect(err[0].startsWith(`raftbed introducer: ${message}`)).toBe(true);
  });
});

/** In-process IO: captures output and lets the test deliver signals. */
function fakeIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const handlers = new Map<string, () => void>();
  let resolveListening!: (handle: IntroducerHandle) => void;
  const listening = new Promise<IntroducerHandle>((resolve) => (resolveListening = resolve));
  const cliIo: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line), isTTY: false };
  const deps: CliDeps = {
    env,
    onSignal: (signal: StopSignal, handler: () => void) => {
      handlers.set(signal, handler);
      return () => handlers.delete(signal);
    },
    onListening: (handle) => resolveListening(handle),
  };
  return { io: { io: cliIo, deps }, out, err, listening, signal: (name: string) => handlers.get(name)?.() };
}

const runIntroducerCli = (argv: string[], io: { io: CliIo; deps: CliDeps }) => main(['introducer', ...argv], io.io, io.deps);

describe('runIntroducerCli', () => {
  it('prints help and exits 0', async () => {
    const { io, out } = fakeIo();
    expect(await runIntroducerCli(['--help'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/--port <N>/);
  });

  it('exits 2 with a clear message for usage errors, as JSON when asked', async () => {
    const text = fakeIo();
    expect(await runIntroducerCli(['--port', 'x'], text.io)).toBe(2);
    expect(text.err[0]).toMatch(/^raftbed introducer: option '--port <N>' argument 'x' is invalid/);
    const json = fakeIo();
    expect(await runIntroducerCli(['--json', '--static', '/definitely/not/here'], json.io)).toBe(2);
    expect(JSON.parse(json.err[0])).toMatchObject({ event: 'usage-error', flag: '--static', message: expect.stringMatching(/does not exist/) });
    const env = fakeIo({ [SECRET_ENV_VAR]: 'short' });
    expect(await runIntroducerCli(['--port', '0'], env.io)).toBe(2);
    expect(env.err[0]).toMatch(new RegExp(SECRET_ENV_VAR));
  });

  it('exits 5 (a tool failed) when the port is taken', async () => {
    const taken = await startTestIntroducer();
    const { io, err } = fakeIo();
    expect(await runIntroducerCli(['--port', String(taken.port), '--secret', 's'.repeat(16)], io)).toBe(EXIT_TOOL_FAILED);
    expect(err[0]).toMatch(/EADDRINUSE/);
  });

  it('serves until SIGTERM, then stops gracefully and exits 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'introducer-cli-'));
    writeFileSync(path.join(dir, 'index.html'), 'hello');
    try {
      const { io, out, listening, signal } = fakeIo({ [SECRET_ENV_VAR]: 'e'.repeat(20) });
      const exit = runIntroducerCli(['--port', '0', '--json', '--static', dir], io);
      const handle = await listening;
      const started = JSON.parse(out[0]);
      expect(started).toMatchObject({ event: 'listening', port: handle.port, host: '127.0.0.1', url: handle.url, secretSource: 'env' });
      expect(started.secret).toBeUndefined(); // a secret the operator supplied is never echoed
      expect(await (await fetch(handle.httpUrl)).text()).toBe('hello');
      signal('SIGTERM');
      expect(await exit).toBe(0);
      expect(out.slice(1).map((line) => JSON.parse(line).event)).toEqual(['stopping', 'stopped']);
      await expect(fetch(new URL('/healthz', handle.httpUrl))).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates and prints a secret when none is given', async () => {
    const { io, out, listening, signal } = fakeIo();
    const exit = runIntroducerCli(['--port', '0', '--json'], io);
    await listening;
    expect(JSON.parse(out[0])).toMatchObject({ secretSource: 'generated', secret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    signal('SIGINT');
    expect(await exit).toBe(0);
  });

  it('handles a real SIGTERM in a child process', async () => {
    const script = "require('./cli/main').main(['introducer','--port','0','--json','--secret','cccccccccccccccccccc']).then((code) => process.exit(code))";
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: path.resolve(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffered = '';
    const listeningLine = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        lines.push(...parts);
        if (lines.some((line) => line.includes('"listening"'))) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await Promise.race([listeningLine, exited]); // an early exit must fail the test, not hang it
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines.map((line) => JSON.parse(line).event)).toEqual(['listening', 'stopping', 'stopped']);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
