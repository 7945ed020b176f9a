// --skip-idle-ticks must not change behaviour: against a run that steps every tick, the same
// non-tick events (messages, persistence, client results, faults, violations) at the same times,
// the same number of ticks seen by each node before each of its inputs, the same firing ticks,
// and the same final core states. Checked on every regression trace's run and a sweep of seeds.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Simulation } from './simulation';
import { coreImplementation, type Implementation } from './implementation';
import { makeSimConfig, type SimConfig } from '../config';
import { parseFaultPlan } from '../faults';
import { parseTrace } from '../../trace/read';
import { MemoryTrace } from '../../trace/sink';
import { CoreProtocolNode } from '../../protocol/core-node';
import type { ProtocolNode, StepInput } from '../../protocol/types';
import { findBug } from '../bugs/catalogue';
import type { PlantedBug } from '../bugs/types';

const TRACES_DIR = join(__dirname, '..', '..', 'traces');

interface Observed {
  /** Every trace line but idle tick steps, without its line number; steps carry the node's ticks so far. */
  readonly lines: readonly string[];
  readonly finalStates: readonly unknown[];
  readonly events: number;
  readonly coverage: unknown;
  readonly violation: unknown;
  readonly ticksStepped: number;
}

type Plant = (life: ProtocolNode) => ProtocolNode;

/** Core, recording each node's state after its every step (a killed life forgets its state). */
function recordingCore(finalStates: Map<string, unknown>, plant: Plant = (life) => life, bug?: PlantedBug): Implementation {
  const core = coreImplementation(bug);
  return {
    ...core,
    newLife: (id) => {
      const life = core.newLife(id) as CoreProtocolNode;
      const recording: ProtocolNode = {
        id, kill: () => life.kill(), ticksUntilNextTimer: () => life.ticksUntilNextTimer(),
        start: (input) => {
          const out = life.start(input);
          finalStates.set(id, life.state);
          return out;
        },
        handle: (input) => {
          const out = life.handle(input);
          finalStates.set(id, life.state);
          return out;
        },
      };
      return plant(recording);
    },
  };
}

function observe(config: SimConfig, plant?: Plant, bug?: PlantedBug): Observed {
  const trace = new MemoryTrace(true);
  const states = new Map<string, unknown>();
  const sim = new Simulation(config, { trace, bug, implementation: recordingCore(states, plant, bug) });
  const result = sim.run();
  const ticksSeen = new Map<string, number>();
  const lines: string[] = [];
  let ticksStepped = 0;
  for (const line of trace.text.slice(1)) {
    const { i: _i, ...ev } = JSON.parse(line) as Record<string, unknown>;
    void _i;
    if (ev.ev === 'Crash' || ev.ev === 'Restart') ticksSeen.set(ev.node as string, 0);
    if (ev.ev === 'Step') {
      const node = ev.node as string;
      if (ev.idleTicks !== undefined) {
        ticksSeen.set(node, (ticksSeen.get(node) ?? 0) + (ev.idleTicks as number));
        delete ev.idleTicks;
      }
      if (ev.input === 'Tick') {
        ticksStepped++;
        ticksSeen.set(node, (ticksSeen.get(node) ?? 0) + ((ev.count as number | undefined) ?? 1));
        // A tick that acted is compared whole (its time included); an idle one only through the count.
        if ((ev.actions as unknown[]).length === 0) continue;
        delete ev.count;
      }
      ev.ticksSeen = ticksSeen.get(node) ?? 0;
    }
    lines.push(JSON.stringify(ev));
  }
  const finalStates = sim.nodes.map((n) => (n.up ? states.get(n.id) : null));
  return { lines, finalStates, events: result.events, coverage: result.coverage.counts, violation: result.violation, ticksStepped };
}

function expectSameBehaviour(config: SimConfig, plantWhenSkipping?: Plant, bug?: PlantedBug): { off: Observed; on: Observed } {
  const off = observe(config, undefined, bug);
  const on = observe({ ...config, skipIdleTicks: true }, plantWhenSkipping, bug);
  const firstDiff = off.lines.findIndex((line, k) => line !== on.lines[k]);
  if (firstDiff >= 0) throw new Error(`seed ${config.seed} (${config.faults}): event ${firstDiff} differs\n  every tick: ${off.lines[firstDiff]}\n  skipping:   ${on.lines[firstDiff] ?? '<end>'}`);
  expect(on.lines.length).toBe(off.lines.length);
  expect(on.finalStates).toEqual(off.finalStates);
  // The violation's eventIndex is its line in its own trace, which has fewer lines when skipping.
  const verdict = (v: unknown) => (v === null ? null : { ...(v as object), eventIndex: undefined });
  expect(verdict(on.violation)).toEqual(verdict(off.violation));
  expect(on.events).toBe(off.events);
  expect(on.coverage).toEqual(off.coverage);
  return { off, on };
}

const regressionConfigs = readdirSync(TRACES_DIR).filter((f) => f.endsWith('.ndjson')).sort().map((file): [string, SimConfig] => {
  const recorded = parseTrace(readFileSync(join(TRACES_DIR, file), 'utf8'));
  return [file, makeSimConfig({ ...(recorded.header.config as SimConfig), faultPlan: parseFaultPlan(recorded.header.faultPlan, { nodes: recorded.header.nodes }) })];
});

describe('--skip-idle-ticks behaves exactly like stepping every tick', () => {
  it('has regression traces to compare', () => {
    expect(regressionConfigs.length).toBeGreaterThanOrEqual(3);
  });

  it.each(regressionConfigs)('the run of regression trace %s', (_file, config) => {
    const { off, on } = expectSameBehaviour(config);
    expect(on.ticksStepped).toBeLessThan(off.ticksStepped); // it skipped something
  });

  const SWEEP: readonly (readonly [SimConfig['faults'], number, number])[] = [
    ['all', 3, 5], ['all', 5, 3], ['swarm', 3, 4], ['swarm', 5, 3], ['membership', 5, 3], ['crashes', 3, 3], ['clocks', 5, 3], ['partitions', 5, 2],
  ];
  it.each(SWEEP)('a sweep of %s, %i nodes, %i seeds', (faults, nodes, seeds) => {
    for (let seed = 1; seed <= seeds; seed++) {
      expectSameBehaviour(makeSimConfig({ seed, faults, nodes, durationMs: 2_500, workload: { ...makeSimConfig().workload, clients: 3 } }));
    }
  });

  it.each(['double-count-vote', 'quorum-half', 'forget-vote-on-restart', 'accept-stale-term-responses'])('with planted bug %s, the same run and the same violation', (name) => {
    const bug = findBug(name);
    // Whether a seed trips the bug varies; the comparison holds either way.
    for (let seed = 1; seed <= 3; seed++) {
      expectSameBehaviour(makeSimConfig({ ...bug.config, seed, bug: name, durationMs: Math.min(bug.config?.durationMs ?? 3_000, 3_000) }), undefined, bug);
    }
  });

  it('with a heartbeat of several ticks, leaders skip too', () => {
    const config = makeSimConfig({ seed: 7, faults: 'all', nodes: 5, durationMs: 2_500, raft: { electionTimeoutTicks: 12, heartbeatIntervalTicks: 4, snapshotChunkBytes: 512 } });
    const { off, on } = expectSameBehaviour(config);
    expect(on.ticksStepped).toBeLessThan(off.ticksStepped * 0.75);
  });

  it('notices batching that is one tick off (the comparison can fail)', () => {
    // A planted off-by-one at the node boundary: each batch of n ticks reaches core as n - 1.
    const shortBatches: Plant = (life) => ({
      id: life.id, start: (input) => life.start(input), kill: () => life.kill(), ticksUntilNextTimer: () => (life.ticksUntilNextTimer as () => number)(),
      handle: (input: StepInput) => life.handle(input.type === 'Tick' && (input.count ?? 1) > 1 ? { type: 'Tick', count: (input.count as number) - 1 } : input),
    });
    const config = regressionConfigs[0][1];
    expect(() => expectSameBehaviour(config, shortBatches)).toThrow();
  });

  it('stops the run when owed ticks did more than count (a node whose ticksUntilNextTimer lies)', () => {
    const lies: Plant = (life) => ({
      id: life.id, start: (input) => life.start(input), kill: () => life.kill(), handle: (input) => life.handle(input), ticksUntilNextTimer: () => 1_000_000,
    });
    const observed = observe(makeSimConfig({ seed: 1, faults: 'none', nodes: 3, durationMs: 2_000, skipIdleTicks: true }), lies);
    expect(observed.violation).toEqual(expect.objectContaining({ property: 'CoreInternalError', detail: expect.stringMatching(/owed idle ticks did more than count/) }));
  });

    it('is recorded in the trace header, and a run without it records nothing new', () => {
    const on = new MemoryTrace(true);
    new Simulation(makeSimConfig({ seed: 2, durationMs: 500, skipIdleTicks: true }), { trace: on }).run();
    expect(JSON.parse(on.text[0]).config.skipIdleTicks).toBe(true);
    expect(on.text.some((l) => /"input":"Tick","count":\d+/.test(l))).toBe(true);
    const off = new MemoryTrace(true);
    new Simulation(makeSimConfig({ seed: 2, durationMs: 500 }), { trace: off }).run();
    expect(off.text[0]).not.toContain('skipIdleTicks');
    expect(off.text.some((l) => l.includes('"count"'))).toBe(false);
  });
});
