// Relay throughput and join latency of the introducer on loopback, for humans (wall clock).
// Run: node -r ts-node/register/transpile-only introducer/bench-relay.ts [signals]
import { WebSocket } from 'ws';
import { startIntroducer } from './server';
import { makeJoinToken } from './tokens';

const SECRET = 'bench-secret-0123456789';
const ROOM = '00112233445566778899aabbccddeeff';

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<any> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

async function join(url: string, node: string): Promise<{ socket: WebSocket; ms: number }> {
  const started = performance.now();
  const socket = await open(url);
  const expires = Date.now() + 60_000;
  socket.send(JSON.stringify({ type: 'join', room: ROOM, node, expires, token: makeJoinToken(SECRET, ROOM, node, expires) }));
  const joined = await nextMessage(socket);
  if (joined.type !== 'joined') throw new Error(JSON.stringify(joined));
  return { socket, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 20_000);
  const handle = await startIntroducer({ secret: SECRET, port: 0, rateLimit: { burst: count + 10, perSecond: 1 } });
  const joins: number[] = [];
  const a = await join(handle.url, 'a');
  joins.push(a.ms);
  const b = await join(handle.url, 'b');
  joins.push(b.ms);
  await nextMessage(a.socket); // peer-joined b
  for (let i = 0; i < 20; i += 1) {
    const extra = await join(handle.url, `j${i}`);
    joins.push(extra.ms);
    extra.socket.close();
  }
  const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 };
  let received = 0;
  const done = new Promise<void>((resolve) =>
    b.socket.on('message', (data) => {
      if (JSON.parse(data.toString()).type === 'signal' && ++received === count) resolve();
    }),
  );
  const started = performance.now();
  for (let i = 0; i < count; i += 1) a.socket.send(JSON.stringify({ type: 'signal', to: 'b', data: candidate }));
  await done;
  const seconds = (performance.now() - started) / 1000;
  joins.sort((x, y) => x - y);
  console.log(
    JSON.stringify({
      signals: count,
      relayedPerSecond: Math.round(count / seconds),
      joinMsMedian: Number(joins[Math.floor(joins.length / 2)].toFixed(2)),
      joinMsMax: Number(joins[joins.length - 1].toFixed(2)),
      counters: { framesRelayed: handle.counters().framesRelayed, strikes: handle.counters().strikes },
    }),
  );
  a.socket.close();
  b.socket.close();
  await handle.stop();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
