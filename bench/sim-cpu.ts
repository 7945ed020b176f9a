// The simulator's CPU cost on a fixed amount of work, for comparing two builds on a shared machine.
// `raftbed bench` runs for a wall-clock budget, so on a busy machine both its work and its rate
// move with the other jobs; this runs a fixed list of seeds (bench's configuration: 5 nodes, 10 ms
// heartbeat, profile all, every per-event checker on) and prints the process's CPU seconds for
// them, as one JSON line. Interleave two builds (A B A B, at least 3 rounds) and compare medians:
//
//   npm run build    # in each tree
//   node -r ts-node/register/transpile-only bench/sim-cpu.ts --root DIST_OF_A --seeds 20
//   node -r ts-node/register/transpile-only bench/sim-cpu.ts --root DIST_OF_B --seeds 20
//
// --root is a compiled tree (a dist/ directory, default this tree's): timing code that ts-node
// compiles on demand would add compile time to whichever build loads a module first.

import { join, resolve } from 'node:path';
import type { Simulation as SimulationClass } from '../sim/cluster/simulation';
import type { makeSimConfig as MakeSimConfig } from '../sim/config';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const root = resolve(flag('root', join(__dirname, '..', 'dist')));
const seeds = Number(flag('seeds', '20'));
if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a positive integer, got ${flag('seeds', '')}`);

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Simulation } = require(join(root, 'sim/cluster/simulation.js')) as { Simulation: typeof SimulationClass };
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { makeSimConfig } = require(join(root, 'sim/config.js')) as { makeSimConfig: typeof MakeSimConfig };

// Warm the JIT (and load every module) before the clock starts.
new Simulation(makeSimConfig({ seed: 0, durationMs: 2_000, checkLinearizability: false })).run();
const start = process.cpuUsage();
let events = 0;
let simulatedMs = 0;
for (let k = 0; k < seeds; k++) {
  const result = new Simulation(makeSimConfig({ seed: 1000 + k, faults: 'all', nodes: 5, tickMs: 10, checkLinearizability: false })).run();
  if (result.violation) throw new Error(`seed ${1000 + k} found a violation: ${result.violation.property}`);
  events += result.events;
  simulatedMs += result.simulatedMs;
}
const used = process.cpuUsage(start);
const cpuS = (used.user + used.system) / 1e6;
console.log(JSON.stringify({
  root, seeds, events, simulatedMs, cpuS: Number(cpuS.toFixed(3)),
  eventsPerCpuSecond: Math.round(events / cpuS), speedOverRealTimePerCpuSecond: Number((simulatedMs / 1000 / cpuS).toFixed(1)),
}));
