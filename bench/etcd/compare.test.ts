// Checks the side-by-side benchmark works end to end and that its arithmetic and its allocation
// meter are right. Nothing here is timed: the figures themselves come from `npm run bench:etcd`.

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { buildBaseline, formatBaselineTable, goAvailable, median, runOnce, summarize, withNodeFlags, type RunResult } from './compare';
import { measureHeapAllocation } from './raftbed-mirror';

const ROOT = path.join(__dirname, '..', '..');
const HAS_GO = goAvailable();
if (!HAS_GO) console.warn('bench/etcd: skipping the end-to-end run because `go` is not on PATH');
const withGo = HAS_GO ? test : test.skip;

withGo('one tiny round builds both Go harnesses and the mirror and reports all three modes', () => {
  const stdout = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'bench/etcd/compare.ts', '--rounds', '1', '--entries', '512', '--json'], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { summaries } = JSON.parse(stdout) as { summaries: ReturnType<typeof summarize>[] };
  expect(summaries.map((s) => s.mode)).toEqual(['unbatched', 'pipelined', 'batched']);
  for (const s of summaries) {
    const versions = s.runs[0].map((r) => `${r.impl}@${r.version}`).sort();
    expect(versions).toEqual(['etcd-latest@v3.7.0', 'etcd-v3.6.0@v3.6.0', 'raftbed@HEAD']);
    for (const r of s.runs[0]) {
      expect(r.entries).toBeGreaterThanOrEqual(512);
      expect(r.cpuMicrosPerEntry).toBeGreaterThan(0);
      expect(r.allocBytesPerEntry).toBeGreaterThan(0);
    }
    expect(s.cpuRatio['etcd-v3.6.0']).toBeCloseTo(s.cpuMicrosPerEntry.raftbed / s.cpuMicrosPerEntry['etcd-v3.6.0'], 6);
  }
}, 600_000);

test('--baseline bundles the mirror of another commit, which runs as its own contender', () => {
  const baseline = buildBaseline('HEAD');
  expect(baseline.label).toBe('raftbed@HEAD');
  const r = runOnce(baseline, 'unbatched', 256);
  expect(r.impl).toBe('raftbed@HEAD');
  expect(r.entries).toBeGreaterThanOrEqual(256);
  expect(() => buildBaseline('no-such-ref-anywhere')).toThrow();
  const run = (impl: string, cpu: number, bytes: number): RunResult => ({ impl, version: 'x', mode: 'm', entries: 1, cpuMicrosPerEntry: cpu, allocBytesPerEntry: bytes });
  const s = summarize('m', 1, [[run('raftbed@main', 2, 400), run('raftbed', 1, 100)]], ['raftbed', 'raftbed@main']);
  expect(formatBaselineTable([s], 'raftbed@main').split('\n')[2]).toBe('| m | 2.00 | 1.00 | 0.50× (0.50–0.50) | 400 | 100 | 0.25× |');
}, 120_000);

test('ratios are medians of per-round ratios, not ratios of medians', () => {
  const run = (impl: string, cpu: number, bytes: number): RunResult => ({ impl, version: 'x', mode: 'm', entries: 1, cpuMicrosPerEntry: cpu, allocBytesPerEntry: bytes });
  const rounds = [
    [run('etcd-v3.6.0', 1, 100), run('raftbed', 3, 100)],
    [run('etcd-v3.6.0', 4, 100), run('raftbed', 4, 300)],
    [run('etcd-v3.6.0', 2, 100), run('raftbed', 5, 200)],
  ];
  const s = summarize('m', 1, rounds, ['etcd-v3.6.0', 'raftbed']);
  expect(s.cpuMicrosPerEntry).toEqual({ 'etcd-v3.6.0': 2, raftbed: 4 });
  expect(s.cpuRatio).toEqual({ 'etcd-v3.6.0': 2.5 }); // ratios 3, 1, 2.5; the ratio of medians would be 2
  expect(s.cpuRatioRange).toEqual({ 'etcd-v3.6.0': [1, 3] });
  expect(s.allocRatio).toEqual({ 'etcd-v3.6.0': 2 });
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(() => summarize('m', 1, [[run('raftbed', 1, 1)]], ['etcd-v3.6.0', 'raftbed'])).toThrow(/no result for etcd-v3.6.0/);
});

test('the V8 allocation meter counts short-lived objects that GCs reclaim, and nothing when nothing is allocated', () => {
  let sink: unknown;
  const n = 2_000_000;
  // Each [i, i, i, i] is a JSArray plus a 4-slot backing store: 40 B with compressed pointers, 80 B without.
  const arrays = measureHeapAllocation(() => {
    for (let i = 0; i < n; i++) sink = [i, i, i, i];
    return 0;
  });
  expect(arrays.allocBytes / n).toBeGreaterThan(36);
  expect(arrays.allocBytes / n).toBeLessThan(90);
  const idle = measureHeapAllocation(() => {
    let x = 0;
    for (let i = 0; i < n; i++) x = (x + i) | 0; // stays a small integer, so nothing is boxed
    return x;
  });
  expect(idle.allocBytes / n).toBeLessThan(0.5);
  void sink;
});

test('--node-flags reach the raftbed contenders only, before the bundle', () => {
  const mirror = { label: 'raftbed', command: 'node', args: ['--expose-gc', 'mirror.js'] };
  const baseline = { label: 'raftbed@main', command: 'node', args: ['--expose-gc', 'mirror-abc.js'] };
  const etcd = { label: 'etcd-v3.6.0', command: 'etcd-bin', args: [] };
  const flags = ['--min-semi-space-size=16'];
  expect(withNodeFlags(mirror, flags).args).toEqual(['--expose-gc', '--min-semi-space-size=16', 'mirror.js']);
  expect(withNodeFlags(baseline, flags).args).toEqual(['--expose-gc', '--min-semi-space-size=16', 'mirror-abc.js']);
  expect(withNodeFlags(etcd, flags)).toBe(etcd);
  expect(withNodeFlags(mirror, [])).toBe(mirror);
});
