// Wall-clock benchmark for humans (never asserted in tests):
//   node -r ts-node/register/transpile-only sim/engine/bench-runtime.ts
// The runtime's own cost per event, with no Raft: 5 nodes keep a fixed number of messages bouncing
// through SimNetwork and the EventQueue, each delivery answered by one send.
import { CALM_NETWORK, SimNetwork, type NetworkParams } from '../network/network';
import { RandomStreams } from '../random/streams';
import { EventQueue } from './event-queue';

type Msg = { from: string; to: string; hop: number };
const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];

function run(params: NetworkParams, events: number): number {
  const streams = new RandomStreams(1);
  const network = new SimNetwork<Msg>(nodes, streams.stream('network'), params);
  const pick = streams.stream('workload');
  const queue = new EventQueue<Msg>();
  const send = (m: Msg, now: number) => {
    const outcome = network.send(m, now);
    for (const d of outcome.deliveries) queue.push(d.atMs, m);
    return outcome.deliveries.length;
  };
  for (let i = 0; i < 50; i++) send({ from: nodes[i % 5]!, to: nodes[(i + 1) % 5]!, hop: 0 }, 0);
  let processed = 0;
  const start = process.hrtime.bigint();
  while (processed < events) {
    const now = queue.peekTime();
    if (now === undefined) break;
    const m = queue.pop()!;
    network.delivered(m);
    processed++;
    if (queue.size >= 50) continue; // duplicates would otherwise grow the population without bound
    let to = pick.pick(nodes);
    if (to === m.to) to = m.from;
    // Keep the population steady when the network drops: retry a dropped reply a few times.
    for (let attempt = 0; attempt < 5 && send({ from: m.to, to, hop: m.hop + 1 }, now) === 0; attempt++);
  }
  const ns = Number(process.hrtime.bigint() - start);
  return (processed / ns) * 1e9;
}

const faulty: NetworkParams = { ...CALM_NETWORK, dropProbability: 0.05, duplicateProbability: 0.02, reorderProbability: 0.05, delay: { minMs: 1, meanMs: 5, tailProbability: 0.01, tailMeanMs: 100 } };
for (const [name, params] of [['calm', CALM_NETWORK], ['faulty', faulty]] as const) {
  run(params, 500_000); // warm-up
  console.log(`${name}: ${(run(params, 3_000_000) / 1e6).toFixed(2)} M events/s (queue + network + rng, no Raft)`);
}
