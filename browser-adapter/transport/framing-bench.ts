// Micro benchmark of the frame codec: encode and decode rates for a heartbeat and for a batch of
// 64 AppendEntries carrying 16 entries each. Wall time, for humans; not a test.
//
//   node -r ts-node/register/transpile-only browser-adapter/transport/framing-bench.ts [seconds-per-case]

import type { Message } from '../../core';
import { decodeFrame, encodeFrame, encodeFrames } from './framing';

const env = { cluster: 'bench', from: 'n1', to: 'n2', term: 3 };
const heartbeat: Message = { type: 'AppendEntriesRequest', ...env, prevLogIndex: 1000, prevLogTerm: 3, entries: [], leaderCommit: 1000, round: 77 };
const withEntries: Message = {
  ...heartbeat,
  entries: Array.from({ length: 16 }, (_, i) => ({ term: 3, type: 'Normal' as const, data: `{"op":"put","key":"k${i}","value":"${'v'.repeat(32)}"}` })),
};
const batch = Array.from({ length: 64 }, () => withEntries);

function rate(seconds: number, body: () => number): number {
  let units = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) for (let i = 0; i < 20; i++) units += body();
  return Math.round(units / ((performance.now() - start) / 1000));
}

const seconds = Number(process.argv[2] ?? 1);
const heartbeatFrame = encodeFrame(heartbeat);
const batchFrames = encodeFrames(batch);
rate(0.3, () => decodeFrame(encodeFrame(heartbeat)).ok ? 1 : 0); // warm up
console.table([
  { case: 'heartbeat encode', bytes: heartbeatFrame.length, messagesPerSec: rate(seconds, () => (encodeFrame(heartbeat), 1)) },
  { case: 'heartbeat decode', bytes: heartbeatFrame.length, messagesPerSec: rate(seconds, () => (decodeFrame(heartbeatFrame).ok ? 1 : 0)) },
  { case: '64 x AE(16 entries) encodeFrames', bytes: batchFrames.reduce((n, f) => n + f.length, 0), messagesPerSec: rate(seconds, () => (encodeFrames(batch), 64)) },
  { case: '64 x AE(16 entries) decode', bytes: batchFrames.reduce((n, f) => n + f.length, 0), messagesPerSec: rate(seconds, () => batchFrames.reduce((n, f) => n + (decodeFrame(f).ok ? 64 / batchFrames.length : 0), 0)) },
]);
