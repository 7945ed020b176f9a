// Median wall time to first detection, per planted bug: each bug is hunted from several
// independent starting seeds (1, 1001, 2001, ...) so that one lucky seed does not set the figure.
// Detection counts only by a property the bug declares (declaredOnly): other violations, such as
// the simulator and core false positives listed in the README, are passed over.
// For humans; nothing asserts on these times.
//
//   node -r ts-node/register/transpile-only sim/bugs/bench-bugs.ts [--hunts N] [--max-seeds N] [--only NAME]

import { performance } from 'node:perf_hooks';
import { PLANTED_BUGS, findBug } from './catalogue';
import { huntBug } from './hunt';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const hunts = Number(flag('hunts', '5'));
const maxSeeds = Number(flag('max-seeds', '300'));
const only = flag('only', '');
const bugs = only === '' ? PLANTED_BUGS : [findBug(only)];
const now = () => performance.now();

console.log(`${hunts} hunts per bug, from seeds 1, 1001, ...; at most ${maxSeeds} seeds each`);
console.log(['bug'.padEnd(30), 'caught'.padEnd(7), 'median ms'.padStart(10), 'median seeds'.padStart(13), 'ms/seed'.padStart(8), '  seeds found'].join(' '));
for (const bug of bugs) {
  const results = Array.from({ length: hunts }, (_, k) => huntBug(bug, { fromSeed: 1 + k * 1000, maxSeeds, now, declaredOnly: true }));
  const caught = results.filter((r) => r.caught);
  const seeds = results.reduce((n, r) => n + r.seedsTried, 0);
  const ms = results.reduce((n, r) => n + r.wallMs, 0);
  console.log([
    bug.name.padEnd(30),
    `${caught.length}/${hunts}`.padEnd(7),
    median(caught.map((r) => r.wallMs)).toFixed(0).padStart(10),
    median(caught.map((r) => r.seedsTried)).toFixed(0).padStart(13),
    (ms / seeds).toFixed(0).padStart(8),
    '  ' + results.map((r) => (r.caught ? `${r.seed}:${r.property}` : 'missed')).join(' '),
  ].join(' '));
}
