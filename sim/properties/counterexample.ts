// A failing case, written so that a human can replay it: the plan as JSON in a file (readable by
// parseFaultPlan and `raftbed replay --plan`), and the command line that replays it.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFaultPlan, type FaultPlan } from '../faults';
import { planRunSettings, type PlanConfig } from './run-plan';

export interface WrittenCounterexample {
  readonly file: string;
  readonly command: string;
}

/** `raftbed replay --plan FILE --seed S`, plus the flags that pin the rest of the config. */
export function replayCommand(file: string, seed: number, config: PlanConfig = {}): string {
  const c = planRunSettings(config);
  return `raftbed replay --plan ${file} --seed ${seed} --nodes ${c.nodes} --duration ${c.durationMs} --clients ${c.workload.clients}`;
}

/**
 * Writes `plan` under `dir` (the caller picks it, e.g. os.tmpdir(), so that nothing here reads the
 * environment). The name is derived from the content, so the same counterexample is written once.
 * Beside the plan's own fields, the file records the seed and config for readers; parseFaultPlan
 * ignores them.
 */
export function writeCounterexample(dir: string, seed: number, plan: FaultPlan, config: PlanConfig = {}): WrittenCounterexample {
  const body = JSON.stringify({ ...plan, replay: { seed, config } }, null, 2);
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const file = join(dir, `raftbed-counterexample-seed${seed}-${digest}.json`);
  writeFileSync(file, `${body}\n`);
  return { file, command: replayCommand(file, seed, config) };
}

export function describeCounterexample(seed: number, plan: FaultPlan): string {
  return `seed ${seed}\n${describeFaultPlan(plan)}`;
}
