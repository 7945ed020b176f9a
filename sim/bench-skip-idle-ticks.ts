// CPU benchmark for humans (never asserted in tests): one fixed run, stepping every tick (off)
// against --skip-idle-ticks (on), interleaved off on off on, in one process after a warm-up.
//   node -r ts-node/register/transpile-only sim/bench-skip-idle-ticks.ts [durationMs] [rounds] [trace|notrace]
// Defaults: 300000 ms of `--seed 3 --faults all --nodes 5`, 4 rounds, the trace hashed as
// `raftbed run` does (notrace: no trace, as a sweep). Prints CPU seconds of the simulation alone
// (no linearizability check), events and node steps per simulated second, and the median ratio.
import { Simulation } from './cluster/simulation';
import { makeSimConfig } from './config';
import { MemoryTrace } from '../trace/sink';

const durationMs = Number(process.argv[2] ?? 300_000);
const rounds = Number(process.argv[3] ?? 4);
const traced = (process.argv[4] ?? 'trace') === 'trace';

interface Measured { readonly cpuS: number; readonly events: number; readonly coreSteps: number; readonly tracedSteps: number; readonly simulatedS: number }

/** Counts the trace's Step lines (steps the simulator checked and traced) and keeps none. */
class StepCounter extends MemoryTrace {
  steps = 0;
  constructor() {
    super(false);
  }
  protected override emit(line: string): void {
    if (line.includes('"ev":"Step"')) this.steps++;
  }
}

function once(skip: boolean, countSteps = false): Measured {
  const config = makeSimConfig({ seed: 3, faults: 'all', nodes: 5, durationMs, ...(skip ? { skipIdleTicks: true } : {}) });
  let coreSteps = 0;
  const counter = new StepCounter();
  const started = process.cpuUsage();
  const sim = new Simulation(config, countSteps ? { trace: counter, observe: () => void coreSteps++ } : traced ? { trace: new MemoryTrace(false) } : {});
  const result = sim.run();
  const used = process.cpuUsage(started);
  return { cpuS: (used.user + used.system) / 1e6, events: result.events, coreSteps, tracedSteps: counter.steps, simulatedS: result.simulatedMs / 1000 };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const counted = { off: once(false, true), on: once(true, true) }; // also the warm-up
const cpu: { off: number[]; on: number[] } = { off: [], on: [] };
for (let r = 0; r < rounds; r++) {
  for (const mode of ['off', 'on'] as const) {
    const m = once(mode === 'on');
    cpu[mode].push(m.cpuS);
    console.log(`${mode.padEnd(3)} round ${r + 1}: ${m.cpuS.toFixed(3)} CPU s, ${Math.round(m.events / m.cpuS).toLocaleString('en-US')} events/CPU s, ${(m.simulatedS / m.cpuS).toFixed(1)}x real time`);
  }
}
for (const mode of ['off', 'on'] as const) {
  const c = counted[mode];
  const perS = (n: number) => Math.round(n / c.simulatedS).toLocaleString('en-US');
  console.log(`${mode}: median ${median(cpu[mode]).toFixed(3)} CPU s; per simulated second ${perS(c.events)} events, ${perS(c.tracedSteps)} checked and traced node steps, ${perS(c.coreSteps)} core steps`);
}
console.log(`on/off CPU ratio of medians: ${(median(cpu.on) / median(cpu.off)).toFixed(3)} (trace ${traced ? 'hashed' : 'off'})`);
