// Introducer configuration: defaults and validation, so a bad option fails at start, by name.
import type { RateLimitOptions } from './rate-limit';

export interface IntroducerOptions {
  /** Cluster secret that join tokens are signed with; at least 16 bytes. */
  secret: string | Buffer;
  /** TCP port; 0 picks a free one. Default 9000. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1: nothing is exposed beyond this machine unless asked. */
  host?: string;
  /** Most nodes one room may hold. Default 9. */
  maxRoomSize?: number;
  /** Largest WebSocket message accepted, in bytes. Default 64 KiB (ws would allow 100 MiB). */
  maxPayloadBytes?: number;
  /** Per-socket frame rate limit. Default burst 100, 50 frames/s. */
  rateLimit?: RateLimitOptions;
  /** Strikes (bad frames) before a socket is closed with 1008. Default 5. */
  maxStrikes?: number;
  /**
   * Concurrent TCP connections (HTTP or WebSocket, counted from accept) from one remote address.
   * Default 64: a browser opens up to six HTTP connections per origin besides each tab's WebSocket.
   */
  maxConnectionsPerAddress?: number;
  /**
   * Concurrent TCP connections in total, counted from accept. Once reached, an address below its
   * fair share (maxConnections / addresses) takes the slot of a socket that has not joined, from
   * the address holding the most. Default 1024.
   */
  maxConnections?: number;
  /** An HTTP request whose headers have not all arrived by then is answered 408 and closed. Default 5 s. */
  headersTimeoutMs?: number;
  /** Likewise for the whole request; at least headersTimeoutMs. Default 10 s. */
  requestTimeoutMs?: number;
  /** If set, an upgrade whose Origin header is not listed is refused with 403. No Origin header is allowed. */
  allowedOrigins?: string[];
  /** Ping period; a socket that has not answered the previous ping is terminated. 0 disables the timer. Default 30 s. */
  heartbeatIntervalMs?: number;
  /** A socket that has not joined a room by then is closed. 0 disables. Default 3 s (browsers join on open). */
  joinTimeoutMs?: number;
  /** A relay to a socket with more than this many bytes queued is dropped (slow reader). Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Grace period in stop() before sockets that have not closed are terminated. Default 2 s. */
  stopGraceMs?: number;
  /** Directory served over HTTP on the same port (GET/HEAD only, no traversal). */
  staticDir?: string;
  /** If set, served as JSON at /config.json (ahead of staticDir). Must not contain secrets. */
  publicConfig?: Record<string, unknown>;
  /** Wall clock in ms; injectable so tests can control token expiry and rate-limit refill. */
  now?: () => number;
}

export type ResolvedOptions = Required<Omit<IntroducerOptions, 'staticDir' | 'publicConfig' | 'allowedOrigins'>> &
  Pick<IntroducerOptions, 'staticDir' | 'publicConfig' | 'allowedOrigins'>;

/** A configuration value was rejected; `option` names it. */
export class IntroducerOptionError extends Error {
  override readonly name = 'IntroducerOptionError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}

export const DEFAULT_OPTIONS = {
  port: 9000,
  host: '127.0.0.1',
  maxRoomSize: 9,
  maxPayloadBytes: 64 * 1024,
  rateLimit: { burst: 100, perSecond: 50 },
  maxStrikes: 5,
  maxConnectionsPerAddress: 64,
  maxConnections: 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  heartbeatIntervalMs: 30_000,
  joinTimeoutMs: 3_000,
  maxBufferedBytes: 1024 * 1024,
  stopGraceMs: 2_000,
} as const;

export const MIN_SECRET_BYTES = 16;

function requireInteger(option: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new IntroducerOptionError(option, `expected an integer in [${min}, ${max}], got ${String(value)}`);
  }
}

/** Normalises an origin so "http://LocalHost:8080/" in the allowlist still matches what browsers send. */
export function normaliseOrigin(option: string, origin: string): string {
  if (origin === 'null') return origin;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new IntroducerOptionError(option, `not a valid origin: ${JSON.stringify(origin)}`);
  }
  if (parsed.origin === 'null') throw new IntroducerOptionError(option, `not a valid origin: ${JSON.stringify(origin)}`);
  return parsed.origin;
}

export function resolveOptions(options: IntroducerOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new IntroducerOptionError('options', 'expected an object');
  const secret = options.secret;
  if (typeof secret !== 'string' && !Buffer.isBuffer(secret)) {
    throw new IntroducerOptionError('secret', 'expected a string or Buffer');
  }
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new IntroducerOptionError('secret', `must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  // An explicit `undefined` (e.g. an absent CLI flag) means "use the default", not "unset".
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as IntroducerOptions;
  const resolved: ResolvedOptions = {
    ...DEFAULT_OPTIONS,
    now: Date.now,
    ...given,
    rateLimit: { ...DEFAULT_OPTIONS.rateLimit, ...given.rateLimit },
  };
  requireInteger('port', resolved.port, 0, 65535);
  if (typeof resolved.host !== 'string' || resolved.host.length === 0) {
    throw new IntroducerOptionError('host', 'expected a non-empty string');
  }
  requireInteger('maxRoomSize', resolved.maxRoomSize, 1, 1000);
  requireInteger('maxPayloadBytes', resolved.maxPayloadBytes, 256, 16 * 1024 * 1024);
  if (!(resolved.rateLimit.burst >= 1) || !Number.isFinite(resolved.rateLimit.burst)) {
    throw new IntroducerOptionError('rateLimit.burst', 'expected a finite number >= 1');
  }
  if (!(resolved.rateLimit.perSecond > 0) || !Number.isFinite(resolved.rateLimit.perSecond)) {
    throw new IntroducerOptionError('rateLimit.perSecond', 'expected a finite number > 0');
  }
  requireInteger('maxStrikes', resolved.maxStrikes, 1);
  requireInteger('maxConnectionsPerAddress', resolved.maxConnectionsPerAddress, 1);
  requireInteger('maxConnections', resolved.maxConnections, 1);
  requireInteger('headersTimeoutMs', resolved.headersTimeoutMs, 1);
  requireInteger('requestTimeoutMs', resolved.requestTimeoutMs, resolved.headersTimeoutMs);
  requireInteger('heartbeatIntervalMs', resolved.heartbeatIntervalMs, 0);
  requireInteger('joinTimeoutMs', resolved.joinTimeoutMs, 0);
  requireInteger('maxBufferedBytes', resolved.maxBufferedBytes, 0);
  requireInteger('stopGraceMs', resolved.stopGraceMs, 0);
  if (typeof resolved.now !== 'function') throw new IntroducerOptionError('now', 'expected a function');
  if (resolved.staticDir !== undefined && (typeof resolved.staticDir !== 'string' || resolved.staticDir === '')) {
    throw new IntroducerOptionError('staticDir', 'expected a non-empty path');
  }
  if (resolved.allowedOrigins !== undefined) {
    if (!Array.isArray(resolved.allowedOrigins)) throw new IntroducerOptionError('allowedOrigins', 'expected an array');
    resolved.allowedOrigins = resolved.allowedOrigins.map((o, i) => normaliseOrigin(`allowedOrigins[${i}]`, o));
  }
  if (resolved.publicConfig !== undefined) {
    if (resolved.publicConfig === null || typeof resolved.publicConfig !== 'object') {
      throw new IntroducerOptionError('publicConfig', 'expected an object');
    }
    JSON.stringify(resolved.publicConfig); // fails now, at start, rather than on the first request
  }
  return resolved;
}
