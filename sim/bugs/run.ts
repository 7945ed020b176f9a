// One run of the simulator with (or, as the control, without) a planted bug, judged by the
// simulator's own safety checks and then by linearizability of the client history.

import type { RunResult, Violation } from '../cluster/simulation';
import { runSeed } from '../run-seed';
import { DEFAULT_SIM_CONFIG, makeSimConfig, type SimConfig } from '../config';
import type { PlantedBug } from './types';
import { CountingTrace } from './counting-trace';

export interface BugRunOptions {
  /** Overrides the bug's own duration (and the default). */
  readonly durationMs?: number;
}

/**
 * The configuration a bug is hunted and replayed with: the defaults, then the bug's settings, then
 * the seed. `raftbed run --seed S --bug NAME` must build the same one to reproduce a hunt.
 */
export function bugSimConfig(bug: PlantedBug | null, seed: number, options: BugRunOptions = {}): SimConfig {
  const own = bug?.config ?? {};
  return makeSimConfig({
    ...own,
    seed,
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(bug !== null ? { bug: bug.name } : {}),
  });
}

export interface JudgedRun {
  readonly result: RunResult;
  /** The simulator's violation, else the history's linearizability violation, else null. */
  readonly violation: Violation | null;
}

/**
 * Runs `config` with `bug` (null: the unmodified core). A configuration made for a bug with
 * bugSimConfig is the natural control: the same settings and seed, without the bug.
 */
export function runJudged(config: SimConfig, bug: PlantedBug | null): JudgedRun {
  const result = runSeed(config, { trace: new CountingTrace(), ...(bug !== null ? { bug } : {}) });
  return { result, violation: result.violation };
}

/**
 * The command that replays one hunted seed: `raftbed run --seed S --bug NAME`, which applies the
 * bug's config itself (raft options and disk timings included), plus the run flags for the settings
 * that differ from the defaults (faults, nodes, duration, clients), so a reader sees them.
 */
export function replayCommand(bug: PlantedBug, seed: number, options: BugRunOptions = {}): string {
  // A scripted trap is not a fault plan that `raftbed run` could replay: hunt that one seed again.
  if (bug.trap !== undefined) return `raftbed bugs --only ${bug.name} --from-seed ${seed} --max-seeds 1`;
  const c = bugSimConfig(bug, seed, options);
  const flags = [`--seed ${seed}`, `--bug ${bug.name}`];
  if (c.faults !== DEFAULT_SIM_CONFIG.faults) flags.push(`--faults ${c.faults}`);
  if (c.nodes !== DEFAULT_SIM_CONFIG.nodes) flags.push(`--nodes ${c.nodes}`);
  if (c.durationMs !== DEFAULT_SIM_CONFIG.durationMs) flags.push(`--duration ${c.durationMs}`);
  if (c.workload.clients !== DEFAULT_SIM_CONFIG.workload.clients) flags.push(`--clients ${c.workload.clients}`);
  return `raftbed run ${flags.join(' ')}`;
}
