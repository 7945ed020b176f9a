// raftbed bench: simulator throughput (events/s with every per-event checker on), speed over real
// time, and the linearizability checker on a 100,000-operation history. Wall time is read here,
// for humans; the simulator itself never reads a clock.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root';
import { Simulation } from '../sim/cluster/simulation';
import { runBareEventLoop } from '../sim/engine/event-loop-ceiling';
import { makeSimConfig } from '../sim/config';
import { checkLinearizability, generateLinearizableHistory } from '../linearizability';
import { performance } from 'node:perf_hooks';
import type { Invocation } from './program';
import { EXIT_OK } from './exit-codes';

export interface SimBenchFigures {
  readonly eventsPerSecond: number;
  readonly speedOverRealTime: number;
  /**
   * The same per CPU second of this process (user + system): on a machine shared with other jobs,
   * wall time counts their share too, CPU time does not.
   */
  readonly eventsPerCpuSecond: number;
  readonly speedOverRealTimePerCpuSecond: number;
  /** The bare event loop (EventQueue + PRNG, no Raft) in the same run, per CPU second. */
  readonly bareEventLoopPerCpuSecond: number;
  /** eventsPerCpuSecond / bareEventLoopPerCpuSecond. */
  readonly ratioToBareEventLoop: number;
  readonly runs: number;
  readonly events: number;
  readonly linearizability100kMs: number;
  /** Messages the nodes sent (requests and answers) per committed log entry, no-ops included. */
  readonly messagesPerCommittedEntry: number;
}

export async function benchCommand({ flags, io, deps }: Invocation): Promise<number> {
  const now = deps.now ?? (() => performance.now());
  const cpuS = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const budgetMs = Number(flags.seconds ?? 10) * 1000;
  // Warm the JIT on a short run so the measurement is of steady state.
  new Simulation(makeSimConfig({ seed: 0, durationMs: 2_000, checkLinearizability: false })).run();
  let events = 0;
  let simulatedMs = 0;
  let runs = 0;
  let messages = 0;
  let committed = 0;
  const t0 = now();
  const c0 = cpuS();
  while (now() - t0 < budgetMs) {
    const sim = new Simulation(makeSimConfig({ seed: 1000 + runs, faults: 'all', nodes: 5, tickMs: 10, checkLinearizability: false }));
    const result = sim.run();
    if (result.violation) throw new Error(`bench seed ${1000 + runs} found a violation: ${result.violation.property}`);
    events += result.events;
    simulatedMs += result.simulatedMs;
    messages += sim.network.stats().sent;
    committed += result.committed;
    runs++;
  }
  const wallMs = now() - t0;
  const simCpuS = cpuS() - c0;
  const ceiling = measureBareEventLoop(cpuS);
  const history = generateLinearizableHistory({ seed: 1, ops: 100_000, clients: 20, keys: 100, unknownRate: 0.02 });
  const l0 = now();
  const verdict = checkLinearizability(history).verdict;
  const linearizability100kMs = now() - l0;
  const figures: SimBenchFigures = {
    eventsPerSecond: events / (wallMs / 1000), speedOverRealTime: simulatedMs / wallMs,
    eventsPerCpuSecond: events / simCpuS, speedOverRealTimePerCpuSecond: simulatedMs / 1000 / simCpuS,
    bareEventLoopPerCpuSecond: ceiling, ratioToBareEventLoop: events / simCpuS / ceiling,
    runs, events, linearizability100kMs,
    messagesPerCommittedEntry: messages / Math.max(1, committed),
  };
  const lines = [
    `simulator, 5 nodes, 10 ms heartbeat, profile all, every per-event checker on, one core:`,
    `  ${Math.round(figures.eventsPerSecond).toLocaleString('en-US')} events/s (${events.toLocaleString('en-US')} events in ${runs} runs)`,
    `  ${Math.round(figures.speedOverRealTime).toLocaleString('en-US')}x real time`,
    `  per CPU second of this process (${simCpuS.toFixed(1)} s): ${Math.round(figures.eventsPerCpuSecond).toLocaleString('en-US')} events/s, ${Math.round(figures.speedOverRealTimePerCpuSecond).toLocaleString('en-US')}x real time`,
    `  bare event loop (event queue + PRNG, no Raft), same run: ${Math.round(ceiling).toLocaleString('en-US')} events per CPU second; the simulator reaches ${(figures.ratioToBareEventLoop * 100).toFixed(1)}% of it`,
    `  ${figures.messagesPerCommittedEntry.toFixed(1)} messages sent per committed entry (${messages.toLocaleString('en-US')} messages, ${committed.toLocaleString('en-US')} entries, no-ops included)`,
    `linearizability check of a 100,000-operation history (20 clients, 100 keys): ${linearizability100kMs.toFixed(0)} ms, verdict ${verdict}`,
  ];
  if (flags.json) io.out(JSON.stringify(figures, null, 2));
  else for (const l of lines) io.out(l);
  if (flags['write-readme']) writeReadme(lines);
  return EXIT_OK;
}

/** Events of the bare loop per CPU second: the best of three short rounds (the first warms the JIT). */
function measureBareEventLoop(cpuS: () => number): number {
  const events = 2_000_000;
  let best = 0;
  let sink = 0;
  for (let round = 0; round < 3; round++) {
    const c0 = cpuS();
    sink += runBareEventLoop(events);
    best = Math.max(best, events / Math.max(cpuS() - c0, 1e-6));
  }
  if (sink < 0) throw new Error('unreachable: the checksum is never negative');
  return best;
}

const BEGIN = '<!-- bench:sim:begin -->';
const END = '<!-- bench:sim:end -->';

function writeReadme(lines: readonly string[]): void {
  const path = join(PACKAGE_ROOT, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
  const block = `${BEGIN}\nMeasured by \`raftbed bench --write-readme\` on ${process.platform}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}:\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`;
  writeFileSync(path, readme.slice(0, start) + block + readme.slice(end));
}
