// Wall-clock benchmark for humans (never asserted in tests):
//   node -r ts-node/register/transpile-only sim/network/bench-network.ts
// Cost of send() + delivered() on 5 nodes, for a calm and for a faulty network.
import { AleaRng } from '../random/rng';
import { CALM_NETWORK, SimNetwork, type NetworkParams } from './network';

type Msg = { from: string; to: string };
const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
const messages: Msg[] = [];
for (const from of nodes) for (const to of nodes) if (from !== to) messages.push({ from, to });

function run(params: NetworkParams, ops: number): number {
  const network = new SimNetwork<Msg>(nodes, new AleaRng('bench'), params);
  network.partitionOneWay('n1', 'n2');
  let copies = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const m = messages[i % messages.length]!;
    const outcome = network.send(m, i);
    for (let k = 0; k < outcome.deliveries.length; k++) network.delivered(m);
    copies += outcome.deliveries.length;
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (copies < 0) console.log('unreachable');
  return (ops / ns) * 1e9;
}

const faulty: NetworkParams = {
  dropProbability: 0.05,
  delay: { minMs: 1, meanMs: 5, tailProbability: 0.01, tailMeanMs: 100 },
  duplicateProbability: 0.05,
  reorderProbability: 0.05,
  linkCapacity: 1000,
};
for (const [name, params] of [['calm', CALM_NETWORK], ['faulty', faulty]] as const) {
  run(params, 200_000);
  console.log(`${name}: ${(run(params, 3_000_000) / 1e6).toFixed(2)} M send+delivered/s`);
}
