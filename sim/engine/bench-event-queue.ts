// Wall-clock benchmark for humans (never asserted in tests):
//   node -r ts-node/register/transpile-only sim/engine/bench-event-queue.ts
// Models a steady simulation: a queue holding `live` events, each pop schedules one new event.
import { AleaRng } from '../random/rng';
import { EventQueue } from './event-queue';

function run(live: number, ops: number): number {
  const rng = new AleaRng('bench');
  const q = new EventQueue<number>();
  for (let i = 0; i < live; i++) q.push(rng.next() * 100, i);
  const start = process.hrtime.bigint();
  let now = 0;
  let checksum = 0;
  for (let i = 0; i < ops; i++) {
    now = q.peekTime()!;
    checksum += q.pop()!;
    q.push(now + rng.exponential(5), i);
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (checksum < 0) console.log('unreachable');
  return (ops / ns) * 1e9;
}

for (const live of [100, 1000, 10000]) {
  run(live, 200_000); // warm-up
  const rate = run(live, 2_000_000);
  console.log(`live=${live}: ${(rate / 1e6).toFixed(2)} M pop+push/s`);
}
