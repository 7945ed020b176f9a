// Join tokens: proof that a node was admitted to a room by someone holding the cluster secret.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TOKEN_PATTERN } from './schema';

/** The exact bytes that are signed; client.ts builds the same string for WebCrypto. */
export function joinTokenMessage(room: string, node: string, expiresAtMs: number): string {
  return `${room}|${node}|${expiresAtMs}`;
}

/** HMAC-SHA256(secret, "room|node|expiresAtMs") as lowercase hex. */
export function makeJoinToken(secret: string | Buffer, room: string, node: string, expiresAtMs: number): string {
  return createHmac('sha256', secret).update(joinTokenMessage(room, node, expiresAtMs)).digest('hex');
}

export type TokenVerdict = 'ok' | 'bad-token' | 'token-expired';

/**
 * Checks the signature before the expiry, so an attacker cannot learn anything about a forged
 * token from which error comes back. The comparison is constant-time over equal-length buffers.
 */
export function verifyJoinToken(
  secret: string | Buffer,
  room: string,
  node: string,
  expiresAtMs: number,
  token: string,
  nowMs: number,
): TokenVerdict {
  if (!TOKEN_PATTERN.test(token)) return 'bad-token';
  const expected = Buffer.from(makeJoinToken(secret, room, node, expiresAtMs), 'hex');
  const given = Buffer.from(token, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-token';
  if (expiresAtMs <= nowMs) return 'token-expired';
  return 'ok';
}
