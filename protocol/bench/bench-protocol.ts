// What the node protocol costs. Two measurements, each interleaved (A B A B ...) and reported as
// medians with their ratio, beside the machine's load:
//
// 1. Cluster: the mini-cluster workload (elect, then one proposal per round) with core in process,
//    core over stdio (one process per node) and go-raft over stdio. Events are node inputs.
// 2. Transport: round trips to a trivial process that answers every input with a fixed line, so
//    the figure is the driver's own cost per exchange (worker hop, pipes, validation).
// 3. Replay: one node's recorded inputs replayed through core's step directly, through the
//    in-process protocol adapter (CoreProtocolNode), and through it with the conformance rules
//    (CheckedNode): the in-process cost of speaking the protocol.
//
//   npm run bench:protocol -- [--reps 5] [--rounds 400] [--no-go]

import { execSync } from 'child_process';
import { performance } from 'perf_hooks';
import { join } from 'path';
import { initialState, step as coreStep, type Input as CoreInput, type RaftState } from '../../core';
import { CheckedNode } from '../conformance';
import { CoreProtocolNode, coreConfigFor, toCoreMessage } from '../core-node';
import { ProcessDriver } from '../process-node';
import { buildGoRaft } from '../testing/go-raft';
import { MiniCluster } from '../testing/mini-cluster';
import type { InitInput, ProtocolNodeFactory, StepInput } from '../types';

function flag(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
}

const REPS = flag('reps', 5);
const ROUNDS = flag('rounds', 400);
const WITH_GO = !process.argv.includes('--no-go');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function load(): string {
  return execSync('uptime').toString().trim().replace(/^.*load average/, 'load average');
}

/** Elects a leader, then one proposal per round; returns node inputs per second. */
function clusterRun(factory: ProtocolNodeFactory, seed: number): { eventsPerS: number; events: number } {
  const cluster = new MiniCluster({ factory, size: 3, seed }).start();
  try {
    const t0 = performance.now();
    let leader = cluster.electLeader();
    for (let r = 0; r < ROUNDS; r++) {
      const current = cluster.leader();
      if (current !== null) leader = current;
      cluster.propose(leader, JSON.stringify({ put: `k${r % 8}`, value: r }));
      cluster.round();
    }
    const ms = performance.now() - t0;
    return { eventsPerS: (cluster.inputs / ms) * 1000, events: cluster.inputs };
  } finally {
    cluster.stop();
  }
}

function benchCluster(): void {
  const core = join(__dirname, '..', 'bin', 'core-node.js');
  const variants: [string, () => { factory: ProtocolNodeFactory; close: () => void }][] = [
    ['core in process', () => ({ factory: (id) => new CoreProtocolNode(id), close: () => undefined })],
    ['core over stdio', () => {
      const d = new ProcessDriver(`node ${core}`);
      return { factory: d.factory, close: () => d.close() };
    }],
  ];
  if (WITH_GO) {
    const go = buildGoRaft();
    variants.push(['go-raft over stdio', () => {
      const d = new ProcessDriver(go);
      return { factory: d.factory, close: () => d.close() };
    }]);
  }
  // Warm-up: builds the core bundle, the Go binary and the JIT.
  for (const [, make] of variants) {
    const v = make();
    clusterRun(v.factory, 1);
    v.close();
  }
  const results = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  let events = 0;
  for (let rep = 0; rep < REPS; rep++) {
    for (const [name, make] of variants) {
      const v = make();
      const r = clusterRun(v.factory, 1);
      v.close();
      events = r.events;
      results.get(name)!.push(r.eventsPerS);
    }
  }
  const base = median(results.get('core in process')!);
  console.log(`cluster: 3 nodes, ${ROUNDS} rounds with one proposal each, ~${events} node inputs per run, ${REPS} interleaved reps (${load()})`);
  for (const [name, xs] of results) {
    const m = median(xs);
    console.log(`  ${name.padEnd(20)} ${Math.round(m).toString().padStart(8)} events/s (median; runs ${xs.map((x) => Math.round(x)).join(', ')})  ${(base / m).toFixed(1)}x slower than core in process`);
  }
}

function benchReplay(): void {
  // Record n1's inputs in a cluster run, then replay them three ways.
  const inputs: StepInput[] = [];
  const recorder: ProtocolNodeFactory = (id) => {
    const node = new CoreProtocolNode(id);
    if (id !== 'n1') return node;
    const handle = node.handle.bind(node);
    node.handle = (input) => {
      inputs.push(input);
      return handle(input);
    };
    return node;
  };
  clusterRun(recorder, 2);
  const init: InitInput = { type: 'Init', protocol: 1, id: 'n1', voters: ['n1', 'n2', 'n3'], seed: 2000, options: { electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, preVote: true, checkQuorum: true } };
  const config = coreConfigFor(init);
  const coreInputs: CoreInput[] = inputs.map((i) => (i.type === 'Receive' ? { type: 'Receive', message: toCoreMessage(i.message, config.clusterId) as never } : (i as CoreInput)));
  const ways: [string, () => void][] = [
    ['core step directly', () => {
      let s: RaftState = initialState(config);
      for (const input of coreInputs) s = coreStep(s, input).state;
    }],
    ['CoreProtocolNode', () => {
      const node = new CoreProtocolNode('n1');
      node.start(init);
      for (const input of inputs) node.handle(input);
    }],
    ['CheckedNode(Core...)', () => {
      const node = new CheckedNode(new CoreProtocolNode('n1'));
      node.start(init);
      for (const input of inputs) node.handle(input);
    }],
  ];
  for (const [, run] of ways) for (let k = 0; k < 5; k++) run();
  const results = new Map<string, number[]>(ways.map(([name]) => [name, []]));
  const reps = REPS * 4;
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, run] of ways) {
      const t0 = performance.now();
      run();
      results.get(name)!.push((inputs.length / (performance.now() - t0)) * 1000);
    }
  }
  const base = median(results.get('core step directly')!);
  console.log(`replay: ${inputs.length} inputs of one node, ${reps} interleaved reps (${load()})`);
  for (const [name, xs] of results) {
    const m = median(xs);
    console.log(`  ${name.padEnd(20)} ${Math.round(m).toString().padStart(8)} inputs/s (median)  ${(base / m).toFixed(2)}x the time of core's step`);
  }
}

function benchTransport(): void {
  const trivial = `node ${join(__dirname, '..', 'testing', 'misbehaving-node.js')} none`;
  const init: InitInput = { type: 'Init', protocol: 1, id: 'n1', voters: ['n1'], seed: 1, options: { electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, preVote: true, checkQuorum: true } };
  const exchanges = 2000;
  const perExchangeUs: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const driver = new ProcessDriver(trivial);
    const node = driver.factory('n1');
    node.start(init);
    for (let k = 0; k < 200; k++) node.handle({ type: 'Tick' });
    const t0 = performance.now();
    for (let k = 0; k < exchanges; k++) node.handle({ type: 'Tick' });
    perExchangeUs.push(((performance.now() - t0) * 1000) / exchanges);
    node.kill();
    driver.close();
  }
  console.log(`transport: ${exchanges} lock-step exchanges with a trivial process, ${REPS} reps (${load()})`);
  console.log(`  ${median(perExchangeUs).toFixed(0)} us per exchange (median; runs ${perExchangeUs.map((x) => x.toFixed(0)).join(', ')})`);
}

benchReplay();
benchTransport();
benchCluster();
