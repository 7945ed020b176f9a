/**
 * Benchmark: wall time to check a large linearisable history.
 *
 *   node -r ts-node/register/transpile-only linearizability/bench-linearizability.ts [--seed N] [--ops N] [--stress]
 *
 * The main scenario is 100,000 ops from 20 concurrent clients over 100 keys,
 * 2% of them timed out (half of those took effect anyway), generated
 * deterministically from the seed. It reports the first (cold) check and the
 * median of a few more. `--stress` adds hot-key scenarios, where every op
 * overlaps many others on the same key, to show where the search struggles.
 * This file measures wall time for humans, which is why it may read the clock.
 */
import { checkLinearizability, type LinearizabilityResult } from './check';
import { generateLinearizableHistory, type SyntheticHistoryOptions } from './synthetic-history';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? Number(process.argv[i + 1]) : fallback;
}

interface Scenario {
  label: string;
  history: SyntheticHistoryOptions;
  maxSearchSteps?: number;
}

function timeCheck(scenario: Scenario, repeats: number): void {
  const t0 = performance.now();
  const history = generateLinearizableHistory(scenario.history);
  const generatedMs = performance.now() - t0;
  const unknown = history.filter((h) => h.completeMs === null).length;
  const timings: number[] = [];
  let result: LinearizabilityResult | undefined;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    result = checkLinearizability(history, { maxSearchSteps: scenario.maxSearchSteps });
    timings.push(performance.now() - start);
  }
  const r = result!;
  const rest = timings.slice(1).sort((a, b) => a - b);
  const median = rest.length > 0 ? rest[Math.floor(rest.length / 2)] : timings[0];
  const undecided = [...r.perKey.values()].filter((k) => k.verdict === 'unknown').length;
  console.log(`${scenario.label}`);
  console.log(
    `  ${history.length} ops (${unknown} unknown outcome), ${r.perKey.size} keys, generated in ${generatedMs.toFixed(0)} ms`,
  );
  console.log(
    `  verdict ${r.verdict}${undecided > 0 ? ` (${undecided} keys undecided)` : ''}, ${r.searchSteps} search steps; ` +
      `check: first ${timings[0].toFixed(0)} ms` +
      (rest.length > 0 ? `, median of next ${rest.length}: ${median.toFixed(0)} ms` : ''),
  );
}

const seed = argValue('--seed', 1);
const ops = argValue('--ops', 100_000);
console.log(`node ${process.version}, seed ${seed}`);
timeCheck({ label: 'main: 20 clients, 100 keys, 2% timeouts', history: { seed, ops, clients: 20, keys: 100, unknownRate: 0.02 } }, 5);
if (process.argv.includes('--stress')) {
  timeCheck({ label: 'no timeouts: 20 clients, 100 keys', history: { seed, ops, clients: 20, keys: 100, unknownRate: 0 } }, 3);
  timeCheck({ label: 'many timeouts: 20 clients, 100 keys, 10% timeouts', history: { seed, ops, clients: 20, keys: 100, unknownRate: 0.1 } }, 2);
  timeCheck({ label: 'warm keys: 20 clients, 10 keys, 1% timeouts', history: { seed, ops, clients: 20, keys: 10, unknownRate: 0.01 }, maxSearchSteps: 2_000_000 }, 1);
  timeCheck({ label: 'hot key: 20 clients, 1 key, no timeouts, 5,000 ops', history: { seed, ops: 5000, clients: 20, keys: 1, unknownRate: 0 }, maxSearchSteps: 2_000_000 }, 1);
}
