// `raftbed introducer`: starts the introducer from the command line and stops it on SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MIN_SECRET_BYTES, normaliseOrigin, IntroducerOptionError } from '../introducer/options';
import { startIntroducer, type IntroducerHandle } from '../introducer/server';

export const SECRET_ENV_VAR = 'RAFTBED_INTRODUCER_SECRET';

export const USAGE = `Usage: raftbed introducer [options]

Starts the WebRTC signalling server (WebSocket endpoint /ws, health at /healthz).

Options:
  --port N             TCP port (default 9000; 0 picks a free port)
  --host HOST          interface to bind (default 127.0.0.1)
  --secret S           cluster secret for join tokens, >= ${MIN_SECRET_BYTES} bytes
                       (default: $${SECRET_ENV_VAR}, else a random one is generated and printed)
  --static DIR         also serve the files in DIR over HTTP
  --allow-origin O     only accept WebSocket upgrades from this Origin (repeatable)
  --json               print machine-readable JSON lines instead of text
  --help, -h           show this help
`;

/** A command-line mistake; `flag` names the offending flag. Exit status 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`${flag}: ${message}`);
  }
}

export interface IntroducerCliArgs {
  port: number;
  host: string;
  secret?: string;
  staticDir?: string;
  allowedOrigins: string[];
  json: boolean;
  help: boolean;
}

const VALUE_FLAGS = new Set(['--port', '--host', '--secret', '--static', '--allow-origin']);
const BOOLEAN_FLAGS = new Set(['--json', '--help', '-h']);

/** Parses argv (without the program and subcommand names). Throws CliUsageError. */
export function parseIntroducerArgs(argv: readonly string[]): IntroducerCliArgs {
  const args: IntroducerCliArgs = { port: 9000, host: '127.0.0.1', allowedOrigins: [], json: false, help: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    if (BOOLEAN_FLAGS.has(flag)) {
      if (eq >= 0) throw new CliUsageError(flag, 'takes no value');
      if (flag === '--json') args.json = true;
      else args.help = true;
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) {
      throw new CliUsageError(flag, arg.startsWith('-') ? 'unknown flag (see --help)' : 'unexpected argument (see --help)');
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || VALUE_FLAGS.has(value) || BOOLEAN_FLAGS.has(value)) throw new CliUsageError(flag, 'missing value');
      i += 1;
    }
    if (flag !== '--allow-origin') {
      if (seen.has(flag)) throw new CliUsageError(flag, 'given more than once');
      seen.add(flag);
    }
    switch (flag) {
      case '--port':
        if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new CliUsageError(flag, `expected an integer 0-65535, got ${JSON.stringify(value)}`);
        args.port = Number(value);
        break;
      case '--host':
        if (value === '' || /\s/.test(value)) throw new CliUsageError(flag, `expected a host name or address, got ${JSON.stringify(value)}`);
        args.host = value;
        break;
      case '--secret':
        if (Buffer.byteLength(value) < MIN_SECRET_BYTES) throw new CliUsageError(flag, `must be at least ${MIN_SECRET_BYTES} bytes`);
        args.secret = value;
        break;
      case '--static':
        if (value === '') throw new CliUsageError(flag, 'expected a directory');
        args.staticDir = value;
        break;
      case '--allow-origin':
        try {
          args.allowedOrigins.push(normaliseOrigin(flag, value));
        } catch {
          throw new CliUsageError(flag, `not a valid origin: ${JSON.stringify(value)}`);
        }
        break;
    }
  }
  return args;
}

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  env: Record<string, string | undefined>;
  /** Subscribes to a termination signal; returns an unsubscribe function. */
  onSignal(signal: 'SIGTERM' | 'SIGINT', handler: () => void): () => void;
  /** Called once the server is listening (tests use it to find the port). */
  onListening?(handle: IntroducerHandle): void;
}

export function processIo(): CliIo {
  return {
    stdout: (line) => process.stdout.write(line + '\n'),
    stderr: (line) => process.stderr.write(line + '\n'),
    env: process.env,
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function checkStaticDir(dir: string): Promise<string> {
  const absolute = path.resolve(dir);
  let stat;
  try {
    stat = await fs.stat(absolute);
  } catch {
    throw new CliUsageError('--static', `${absolute} does not exist`);
  }
  if (!stat.isDirectory()) throw new CliUsageError('--static', `${absolute} is not a directory`);
  return absolute;
}

/**
 * Runs the introducer until SIGTERM or SIGINT. Resolves with the exit status:
 * 0 after a clean stop or --help, 2 for usage errors, 1 if the server could not start.
 */
export async function runIntroducerCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  // Before parsing succeeds we still honour --json for the usage error itself.
  let json = argv.includes('--json');
  const report = (event: string, fields: Record<string, unknown>, text: string, toErr = false): void => {
    (toErr ? io.stderr : io.stdout)(json ? JSON.stringify({ event, ...fields }) : text);
  };

  let args: IntroducerCliArgs;
  let staticDir: string | undefined;
  try {
    args = parseIntroducerArgs(argv);
    if (args.help) {
      io.stdout(USAGE);
      return 0;
    }
    staticDir = args.staticDir === undefined ? undefined : await checkStaticDir(args.staticDir);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    report('usage-error', { flag: err.flag, message: err.message }, `raftbed introducer: ${err.message}\n(see --help)`, true);
    return 2;
  }
  json = args.json;

  const secret = resolveSecret(args, io.env);
  if (secret instanceof CliUsageError) {
    report('usage-error', { flag: secret.flag, message: secret.message }, `raftbed introducer: ${secret.message}`, true);
    return 2;
  }

  let handle: IntroducerHandle;
  try {
    handle = await startIntroducer({
      secret: secret.value,
      port: args.port,
      host: args.host,
      staticDir,
      allowedOrigins: args.allowedOrigins.length > 0 ? args.allowedOrigins : undefined,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    report('start-failed', { message }, `raftbed introducer: could not start: ${message}`, true);
    return err instanceof IntroducerOptionError ? 2 : 1;
  }

  // Subscribe before announcing, so a supervisor that signals right after "listening" is heard.
  let offSignals: Array<() => void> = [];
  const stopSignal = new Promise<string>((resolve) => {
    offSignals = (['SIGTERM', 'SIGINT'] as const).map((name) => io.onSignal(name, () => resolve(name)));
  });

  if (!isLoopback(args.host)) {
    report('warning', { message: `bound to non-loopback host ${args.host}` }, `warning: listening on ${args.host}, reachable beyond this machine`, true);
  }
  const generated = secret.source === 'generated';
  report(
    'listening',
    { url: handle.url, httpUrl: handle.httpUrl, port: handle.port, host: handle.host, staticDir: staticDir ?? null, secretSource: secret.source, ...(generated ? { secret: secret.value } : {}) },
    [
      `raftbed introducer listening on ${handle.url}`,
      `  health: ${handle.httpUrl}healthz`,
      ...(staticDir ? [`  static: ${staticDir} at ${handle.httpUrl}`] : []),
      generated ? `  generated cluster secret: ${secret.value}` : `  cluster secret from ${secret.source === 'env' ? SECRET_ENV_VAR : '--secret'}`,
    ].join('\n'),
  );
  io.onListening?.(handle);

  const signal = await stopSignal;
  for (const off of offSignals) off();
  report('stopping', { signal }, `${signal}: stopping`);
  await handle.stop();
  report('stopped', { counters: handle.counters() }, 'stopped');
  return 0;
}

type SecretChoice = { value: string; source: 'flag' | 'env' | 'generated' };

/** --secret wins, then the environment; otherwise a fresh random secret (printed, so clients can use it). */
function resolveSecret(args: IntroducerCliArgs, env: Record<string, string | undefined>): SecretChoice | CliUsageError {
  if (args.secret !== undefined) return { value: args.secret, source: 'flag' };
  const fromEnv = env[SECRET_ENV_VAR];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (Buffer.byteLength(fromEnv) < MIN_SECRET_BYTES) return new CliUsageError(SECRET_ENV_VAR, `must be at least ${MIN_SECRET_BYTES} bytes`);
    return { value: fromEnv, source: 'env' };
  }
  return { value: randomBytes(32).toString('hex'), source: 'generated' };
}
