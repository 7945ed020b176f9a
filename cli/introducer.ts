// `raftbed introducer`: starts the introducer from the command line and stops it on SIGTERM/SIGINT.
// The flags are declared in cli/commands-browser.ts.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MIN_SECRET_BYTES, IntroducerOptionError } from '../introducer/options';
import { startIntroducer, type IntroducerHandle } from '../introducer/server';
import { processSignals } from './io';
import type { Invocation } from './program';
import { EXIT_OK, EXIT_TOOL_FAILED, EXIT_USAGE } from './exit-codes';

export const SECRET_ENV_VAR = 'RAFTBED_INTRODUCER_SECRET';

/** A bad setting found after parsing (a --static that is no directory, a short secret in the environment). */
class SettingError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`${flag}: ${message}`);
  }
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
    throw new SettingError('--static', `${absolute} does not exist`);
  }
  if (!stat.isDirectory()) throw new SettingError('--static', `${absolute} is not a directory`);
  return absolute;
}

/**
 * Runs the introducer until SIGTERM or SIGINT. Resolves with the exit status: 0 after a clean
 * stop, 2 for a bad setting, 5 if the server could not start (e.g. the port is taken).
 */
export async function runIntroducerCli({ flags, io, deps }: Invocation): Promise<number> {
  const json = flags.json === true;
  const report = (event: string, fields: Record<string, unknown>, text: string, toErr = false): void => {
    (toErr ? io.err : io.out)(json ? JSON.stringify({ event, ...fields }) : text);
  };
  const port = flags.port === undefined ? 9000 : Number(flags.port);
  const host = flags.host === undefined ? '127.0.0.1' : String(flags.host);
  const allowedOrigins = (flags['allow-origin'] as string[] | undefined) ?? [];

  let staticDir: string | undefined;
  let secret: SecretChoice;
  try {
    staticDir = flags.static === undefined ? undefined : await checkStaticDir(String(flags.static));
    secret = resolveSecret(flags.secret as string | undefined, deps.env ?? process.env);
  } catch (err) {
    if (!(err instanceof SettingError)) throw err;
    report('usage-error', { flag: err.flag, message: err.message }, `raftbed introducer: ${err.message}`, true);
    return EXIT_USAGE;
  }

  let handle: IntroducerHandle;
  try {
    handle = await startIntroducer({ secret: secret.value, port, host, staticDir, allowedOrigins: allowedOrigins.length > 0 ? allowedOrigins : undefined });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    report('start-failed', { message }, `raftbed introducer: could not start: ${message}`, true);
    return err instanceof IntroducerOptionError ? EXIT_USAGE : EXIT_TOOL_FAILED;
  }

  // Subscribe before announcing, so a supervisor that signals right after "listening" is heard.
  const onSignal = deps.onSignal ?? processSignals;
  let offSignals: Array<() => void> = [];
  const stopSignal = new Promise<string>((resolve) => {
    offSignals = (['SIGTERM', 'SIGINT'] as const).map((name) => onSignal(name, () => resolve(name)));
  });

  if (!isLoopback(host)) {
    report('warning', { message: `bound to non-loopback host ${host}` }, `warning: listening on ${host}, reachable beyond this machine`, true);
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
  deps.onListening?.(handle);

  const signal = await stopSignal;
  for (const off of offSignals) off();
  report('stopping', { signal }, `${signal}: stopping`);
  await handle.stop();
  report('stopped', { counters: handle.counters() }, 'stopped');
  return EXIT_OK;
}

type SecretChoice = { value: string; source: 'flag' | 'env' | 'generated' };

/** --secret wins, then the environment; otherwise a fresh random secret (printed, so clients can use it). */
function resolveSecret(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): SecretChoice {
  if (flag !== undefined) return { value: flag, source: 'flag' };
  const fromEnv = env[SECRET_ENV_VAR];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (Buffer.byteLength(fromEnv) < MIN_SECRET_BYTES) throw new SettingError(SECRET_ENV_VAR, `must be at least ${MIN_SECRET_BYTES} bytes`);
    return { value: fromEnv, source: 'env' };
  }
  return { value: randomBytes(32).toString('hex'), source: 'generated' };
}
