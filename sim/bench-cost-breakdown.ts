// Where a simulated event's CPU goes, for humans (never asserted in tests): `raftbed bench`'s
// configuration (5 nodes, 10 ms heartbeat, profile all, every checker on), split into core's step,
// the per-step checks of core's private records (sim/checkers/core-step.ts) and everything else
// (the event loop, network, disk, workload, protocol adapter, view checkers, coverage).
//   npm run bench:sim-cost -- [seeds] [rounds]
// Defaults: 12 seeds from 1000 (as bench draws them), 5 rounds.
//
// Method: marginal cost. Each round runs the same seeds three ways, interleaved: as bench runs
// them; with core's step computed twice per step (the first result thrown away; core is pure, so
// the run is the same); and with the per-step checks run twice. The extra CPU of the second and
// third runs is what one step and one round of checks cost in place, with the simulation's own
// heap. The repeat finds the caches warmed by the first call, so these are lower bounds; a replay
// of recorded steps errs the other way (its states are old and cold: it gave core's step 1.9 µs
// per event where this gives 0.65). Medians are printed. The ceiling line answers "how fast could
// the simulator be if everything but core's step were free?".
import { step as coreStep, type Input, type StepResult } from '../core';
import { CoreProtocolNode, type CoreStepFn } from '../protocol/core-node';
import { checkCoreStep } from './checkers/core-step';
import type { Implementation } from './cluster/implementation';
import { Simulation } from './cluster/simulation';
import { makeSimConfig } from './config';

const seedCount = Number(process.argv[2] ?? 12);
const rounds = Number(process.argv[3] ?? 5);
const FIRST_SEED = 1000;

type Variant = 'plain' | 'step twice' | 'checks twice';
const VARIANTS: readonly Variant[] = ['plain', 'step twice', 'checks twice'];

const configFor = (seed: number) => makeSimConfig({ seed, faults: 'all', nodes: 5, tickMs: 10, checkLinearizability: false });

/** Core with its per-step checks, as coreImplementation() drives it, with one part done twice. */
function implementation(variant: Variant, counts: { steps: number }): Implementation {
  let sink = 0;
  const step: CoreStepFn = (before, input) => {
    if (variant === 'step twice') sink += coreStep(before, input as Input).state.commitIndex;
    const result = coreStep(before, input as Input);
    if (Array.isArray(result)) throw new Error('core returned several results for one step: this script expects one');
    checkCoreStep(before, input as Input, result as StepResult);
    if (variant === 'checks twice') checkCoreStep(before, input as Input, result as StepResult);
    counts.steps++;
    if (sink < 0) throw new Error('unreachable: commit indexes are never negative');
    return result;
  };
  return { label: 'raftbed-core', external: false, newLife: (id) => new CoreProtocolNode(id, { step }), close: () => undefined };
}

function simulate(variant: Variant): { cpuS: number; events: number; steps: number } {
  const counts = { steps: 0 };
  let events = 0;
  const started = process.cpuUsage();
  for (let i = 0; i < seedCount; i++) {
    const result = new Simulation(configFor(FIRST_SEED + i), { implementation: implementation(variant, counts) }).run();
    if (result.violation) throw new Error(`seed ${FIRST_SEED + i} found a violation: ${result.violation.property}`);
    events += result.events;
  }
  const used = process.cpuUsage(started);
  return { cpuS: (used.user + used.system) / 1e6, events, steps: counts.steps };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (const v of VARIANTS) simulate(v); // warm-up: every path the rounds measure
const cpuS: Record<Variant, number[]> = { plain: [], 'step twice': [], 'checks twice': [] };
let first: { events: number; steps: number } | undefined;
for (let r = 0; r < rounds; r++) {
  // Rotate the order each round, so that no variant always runs first.
  for (let k = 0; k < VARIANTS.length; k++) {
    const v = VARIANTS[(r + k) % VARIANTS.length];
    const run = simulate(v);
    first ??= run;
    if (run.events !== first.events || run.steps !== first.steps) throw new Error(`variant ${v} ran differently: ${run.events} events, ${run.steps} steps`);
    cpuS[v].push(run.cpuS);
  }
  console.log(`round ${r + 1}: ${VARIANTS.map((v) => `${v} ${cpuS[v][r].toFixed(3)} s`).join(', ')}`);
}

const events = first!.events;
const wholeS = median(cpuS.plain);
const stepS = median(cpuS['step twice']) - wholeS;
const checkS = median(cpuS['checks twice']) - wholeS;
const restS = wholeS - stepS - checkS;
if (stepS <= 0 || checkS <= 0) console.log('warning: a repeated part measured no extra CPU, so the noise exceeds it: run more seeds or rounds');
const perEventNs = (s: number) => ((s * 1e9) / events).toFixed(0);
const share = (s: number) => `${((100 * s) / wholeS).toFixed(0)}%`;
const perCpuS = (s: number) => Math.round(events / s).toLocaleString('en-US');
console.log(`${seedCount} seeds from ${FIRST_SEED}: ${events.toLocaleString('en-US')} events, ${first!.steps.toLocaleString('en-US')} core steps (${(first!.steps / events).toFixed(2)} per event); medians of ${rounds} rounds, CPU per event:`);
console.log(`  whole simulation      ${perEventNs(wholeS).padStart(5)} ns  100%  ${perCpuS(wholeS)} events per CPU second`);
console.log(`  core's step           ${perEventNs(stepS).padStart(5)} ns  ${share(stepS).padStart(4)}`);
console.log(`  per-step checks       ${perEventNs(checkS).padStart(5)} ns  ${share(checkS).padStart(4)}`);
console.log(`  everything else       ${perEventNs(restS).padStart(5)} ns  ${share(restS).padStart(4)}  (event loop, network, disk, workload, protocol adapter, view checkers, coverage)`);
console.log(`ceiling with everything but core's step free: ${perCpuS(stepS)} events per CPU second; with the per-step checks besides: ${perCpuS(stepS + checkS)}`);
