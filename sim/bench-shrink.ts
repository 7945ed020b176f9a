// Benchmark and report: shrinks the first failing seed of EVERY planted bug and prints a table
// (bug, original events, shrunk events, ratio, faults and operations before/after, wall seconds),
// and checks that each shrunk run fails with the same property and replays byte for byte.
//
// The seed is hunted in RANDOM runs of the bug's own config, also for the membership bugs, whose
// `raftbed bugs` hunt runs a scripted trap instead: a trap is no fault plan, and the shrinker's
// job is the run a sweep finds. The hunt counts only a violation of a property the bug declares
// (caughtBy) that the unmodified core does not show on the same seed: a failure the control shows
// too is the simulator's or another bug's, not this one's.
//
//   node -r ts-node/register/transpile-only sim/bench-shrink.ts [--budget-s 60] [--max-attempts 2000] [--only NAME] [--idle-rounds 16] [--from-seed 1] [--max-seeds 300]
//
// Wall-clock reads are here, in a report script, only to bound and time each shrink.

import { performance } from 'node:perf_hooks';
import { PLANTED_BUGS } from './bugs/catalogue';
import { huntBug } from './bugs/hunt';
import { bugSimConfig } from './bugs/run';
import { runSeed } from './run-seed';
import { MemoryTrace } from '../trace/sink';
import { caseConfig, shrinkCase } from './shrink';

function flag(name: string, fallback: string): string {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : fallback;
}

const budgetMs = Number(flag('budget-s', '60')) * 1000;
const maxAttempts = Number(flag('max-attempts', '2000'));
const only = flag('only', '');
const idleRoundsFlag = flag('idle-rounds', '');
const idleSeedRounds = idleRoundsFlag === '' ? undefined : Number(idleRoundsFlag);
const fromSeed = Number(flag('from-seed', '1'));
const maxSeeds = Number(flag('max-seeds', '300'));
const now = () => performance.now();

const rows: string[] = [];
const header = '| bug | seed | property | events before | events after | ratio | faults before/after | ops before/after | attempts | replays | wall s |';
console.log(header);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const planted of PLANTED_BUGS) {
  if (only !== '' && planted.name !== only) continue;
  // Random runs only: without its trap, a membership bug is hunted like every other one.
  const bug = { ...planted, trap: undefined };
  const hunt = huntBug(bug, { fromSeed, maxSeeds, now, declaredOnly: true });
  const skipped = [
    ...(hunt.controlFlagged.length > 0 ? [`control fails too on ${hunt.controlFlagged.join(', ')}`] : []),
    ...(hunt.undeclared.length > 0 ? [`undeclared ${hunt.undeclared.map((u) => `${u.property}@${u.seed}`).join(', ')}`] : []),
  ].join('; ');
  if (skipped !== '') console.error(`${bug.name}: seeds passed over: ${skipped}`);
  if (!hunt.caught) {
    console.log(`| ${bug.name} | - | not caught in ${hunt.seedsTried} random seeds | | | | | | | | |`);
    continue;
  }
  const config = bugSimConfig(bug, hunt.seed as number);
  const base = { ...config, faultPlan: runSeed(config, { bug }).faultPlan };
  const t0 = now();
  const r = shrinkCase(base, { bug, maxAttempts, idleSeedRounds, shouldStop: () => now() - t0 > budgetMs });
  const wallS = (now() - t0) / 1000;
  const shrunkConfig = caseConfig(base, r.shrunk.case);
  const a = new MemoryTrace(false);
  const b = new MemoryTrace(false);
  const va = runSeed(shrunkConfig, { trace: a, bug }).violation;
  runSeed(shrunkConfig, { trace: b, bug });
  const replays = a.digest() === b.digest() && va?.property === r.original.violation.property && a.lines === r.shrunk.size.events;
  const o = r.original.size;
  const s = r.shrunk.size;
  const row = `| ${bug.name} | ${config.seed} | ${r.original.violation.property} | ${o.events} | ${s.events} | ${(s.events / o.events).toFixed(3)} | ${o.faults}/${s.faults} | ${o.operations}/${s.operations} | ${r.attempts}${r.truncated ? '+' : ''} | ${replays ? 'yes' : 'NO'} | ${wallS.toFixed(1)} |`;
  rows.push(row);
  console.log(row);
}
