import { makeJoinTokenAsync } from './client';
import { joinTokenMessage, makeJoinToken, verifyJoinToken } from './tokens';

const SECRET = 'cluster-secret-0123456789';
const ROOM = '0123456789abcdef0123456789abcdef';
const EXPIRES = 1_700_000_060_000;
const NOW = 1_700_000_000_000;

describe('join tokens', () => {
  const token = makeJoinToken(SECRET, ROOM, 'n1', EXPIRES);

  it('is the HMAC-SHA256 of room|node|expiry in lowercase hex', () => {
    expect(joinTokenMessage(ROOM, 'n1', EXPIRES)).toBe(`${ROOM}|n1|${EXPIRES}`);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    // Fixed vector from `echo -n 'room|node|1' | openssl dgst -sha256 -hmac key`: guards the wire format.
    expect(makeJoinToken('key', 'room', 'node', 1)).toBe('c1ce23883f94b0f93f86e7b8296f900f575b1a0eeb30a79162e167fb186652c0');
  });

  it('verifies the genuine token', () => {
    expect(verifyJoinToken(SECRET, ROOM, 'n1', EXPIRES, token, NOW)).toBe('ok');
  });

  it.each([
    ['another secret', () => verifyJoinToken(SECRET + 'x', ROOM, 'n1', EXPIRES, token, NOW)],
    ['another room', () => verifyJoinToken(SECRET, ROOM.replace('0', '1'), 'n1', EXPIRES, token, NOW)],
    ['another node', () => verifyJoinToken(SECRET, ROOM, 'n2', EXPIRES, token, NOW)],
    ['a stretched expiry', () => verifyJoinToken(SECRET, ROOM, 'n1', EXPIRES + 1, token, NOW)],
    ['one flipped digit', () => verifyJoinToken(SECRET, ROOM, 'n1', EXPIRES, (token[0] === 'a' ? 'b' : 'a') + token.slice(1), NOW)],
    ['a truncated token', () => verifyJoinToken(SECRET, ROOM, 'n1', EXPIRES, token.slice(2), NOW)],
    ['non-hex garbage', () => verifyJoinToken(SECRET, ROOM, 'n1', EXPIRES, 'z'.repeat(64), NOW)],
  ])('refuses %s as bad-token', (_label, verify) => {
    expect(verify()).toBe('bad-token');
  });

  it('refuses a genuine token at or after its expiry', () => {
    expect(verifyJoinToken(SECRET, ROOM, 'n1', EXPIRES, token, EXPIRES - 1)).toBe('ok');
    expect(verifyJoinToken(SECRET, ROOM, 'n1', EXPIRES, token, EXPIRES)).toBe('token-expired');
  });

  it('reports a forged expired token as bad, not expired, so forgers learn nothing', () => {
    const forged = makeJoinToken('wrong-secret-000000', ROOM, 'n1', 1);
    expect(verifyJoinToken(SECRET, ROOM, 'n1', 1, forged, NOW)).toBe('bad-token');
  });

  it('matches the WebCrypto version the browser uses', async () => {
    expect(await makeJoinTokenAsync(SECRET, ROOM, 'n1', EXPIRES)).toBe(token);
  });
});
