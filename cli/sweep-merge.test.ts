// A sharded sweep, merged, is the unsharded sweep: the Kubernetes pod's exact command is run here
// for every index, and `raftbed merge` of the shards equals the one-machine sweep in every
// deterministic field. Shards that overlap, miss a share, or come from another build or
// configuration are refused with a typed error.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SweepReport } from './cmd-sweep';
import { main } from './main';
import { mergeShards, parseShardReport, ShardFormat, ShardMismatch, ShardMissing, ShardOverlap, type MergedSweep, type ShardReport } from './sweep-merge';
import { sweepJob, DEFAULT_SWEEP } from '../deploy/k8s/job';
import { CapturingIo } from './test-support/capturing-io';

const REPO = join(__dirname, '..');
const PLANT = join(__dirname, '..', 'sim', 'test-support', 'sweep-plants', 'refused-disk-write.ts');
const clock = () => 0;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-merge-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The fields that do not depend on wall time. */
function deterministic(r: SweepReport | MergedSweep) {
  return {
    runs: r.runs, violations: r.violations, events: r.events, simulatedMs: r.simulatedMs, linearizability: r.linearizability,
    coverage: r.coverage, missingCoverage: r.missingCoverage, validation: r.validation, availability: r.availability,
  };
}

const mergeCommand = (argv: string[], io: CapturingIo) => main(['merge', ...argv], io);

async function sweep(argv: string[], hooks: { bugModule?: string } = {}): Promise<ShardReport> {
  const io = new CapturingIo();
  await main(['sweep', ...argv, '--json'], io, { now: clock, sweepBugModule: hooks.bugModule });
  return JSON.parse(io.stdout) as ShardReport;
}

describe('raftbed merge of a sharded sweep', () => {
  it('runs the Job pod\'s exact command for every index; the merge equals the unsharded sweep', async () => {
    const params = { ...DEFAULT_SWEEP, shards: 3, seeds: 6, faults: 'all', durationMs: 1500, workersPerPod: 1 };
    const [container] = sweepJob(params).toJSON().spec!.template.spec!.containers;
    const [sh, dashC, script] = container.command!;
    expect([sh, dashC]).toEqual(['sh', '-c']);
    // The pod's environment: raftbed on PATH (the image links it into /usr/local/bin), the volume at RESULTS_DIR.
    const bin = join(dir, 'bin');
    const results = join(dir, 'results');
    mkdirSync(bin);
    mkdirSync(results);
    symlinkSync(join(REPO, 'bin', 'raftbed'), join(bin, 'raftbed'));
    for (let index = 0; index < params.shards; index++) {
      await promisify(execFile)(sh, [dashC, script], {
        cwd: dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, RESULTS_DIR: results, JOB_COMPLETION_INDEX: String(index) },
      });
    }
    const io = new CapturingIo();
    expect(await mergeCommand([results, '--json'], io)).toBe(0);
    const merged = JSON.parse(io.stdout) as MergedSweep;

    const whole = await sweep(['--seeds', '6', '--faults', 'all', '--duration', '1500', '--workers', '1', '--out', join(results, 'traces')]);
    expect(deterministic(merged)).toEqual(deterministic(whole));
    expect(merged).toMatchObject({ shards: 3, passes: 6, seedRange: { from: 1, count: 6 }, raftbed: whole.raftbed, config: whole.config, configDigest: whole.configDigest });
    expect(merged.events).toBeGreaterThan(0);
    expect(merged.coverage.crashes).toBeGreaterThan(0);
  });

  it('violations keep their replay commands and come out in seed order, as in the unsharded sweep', async () => {
    const flags = ['--seeds', '5', '--faults', 'none', '--nodes', '3', '--duration', '1500', '--workers', '1', '--out', join(dir, 'plant')];
    const shards = await Promise.all([0, 1].map((i) => sweep([...flags, '--shard', `${i}/2`], { bugModule: PLANT })));
    const whole = await sweep(flags, { bugModule: PLANT });
    const merged = mergeShards(shards.reverse().map((report, i) => ({ file: `shard-${i}.json`, report })));
    expect(whole.violations.map((v) => v.seed)).toEqual([2, 4]);
    expect(deterministic(merged)).toEqual(deterministic(whole));
    expect(merged.passes).toBe(3);
    expect(merged.violations[0].replay).toMatch(/^raftbed replay .*seed-2\.ndjson {3}# or: raftbed run --seed 2 --faults none --nodes 3 --duration 1500$/);
  });
});

describe('raftbed merge refuses shards that are not exactly one sweep', () => {
  const flags = ['--seeds', '4', '--faults', 'none', '--nodes', '3', '--duration', '1000', '--workers', '1'];
  let s0: ShardReport;
  let s1: ShardReport;
  const as = (report: ShardReport, file: string) => ({ file, report });
  const tampered = (r: ShardReport, change: Partial<ShardReport>): ShardReport => ({ ...structuredClone(r), ...change });

  beforeAll(async () => {
    [s0, s1] = await Promise.all([0, 1].map((i) => sweep([...flags, '--shard', `${i}/2`])));
  });

  it('the two shards merge (the baseline for the refusals below)', () => {
    expect(s0.seeds).toEqual([1, 3]);
    expect(s1.seeds).toEqual([2, 4]);
    expect(mergeShards([as(s0, 'a'), as(s1, 'b')]).runs).toBe(4);
  });

  it('ShardOverlap: the same index twice, or a seed in two shards', () => {
    expect(() => mergeShards([as(s0, 'a'), as(s0, 'b'), as(s1, 'c')])).toThrow(ShardOverlap);
    expect(() => mergeShards([as(s0, 'a'), as(s0, 'b'), as(s1, 'c')])).toThrow('shard 0/2 is given twice: a and b');
    expect(() => mergeShards([as(s0, 'a'), as(tampered(s1, { seeds: [3, 4] }), 'b')])).toThrow(new ShardOverlap('seed 3 was run by both a and b'));
  });

  it('ShardMissing: an index or a seed of the range that no shard ran', () => {
    expect(() => mergeShards([as(s0, 'a')])).toThrow(new ShardMissing('shard 1/2 missing (have 1 of 2)'));
    expect(() => mergeShards([])).toThrow(ShardMissing);
    const short = tampered(s1, { seeds: [2], runs: 1 });
    expect(() => mergeShards([as(s0, 'a'), as(short, 'b')])).toThrow(new ShardMissing('1 seed(s) of 1..4 were run by no shard (first: 4)'));
  });

  it('ShardMismatch names the field: build, configuration, seed range, shard count', async () => {
    const mismatch = (other: ShardReport) => {
      try {
        mergeShards([as(s0, 'a'), as(other, 'b')]);
      } catch (e) {
        expect(e).toBeInstanceOf(ShardMismatch);
        return (e as ShardMismatch).field;
      }
      throw new Error('merged');
    };
    expect(mismatch(tampered(s1, { raftbed: { ...s1.raftbed, version: '9.9.9' } }))).toBe('raftbed.version');
    expect(mismatch(tampered(s1, { raftbed: { ...s1.raftbed, commit: 'f00' } }))).toBe('raftbed.commit');
    expect(mismatch(tampered(s1, { seedRange: { from: 1, count: 6 } }))).toBe('seedRange');
    const longer = await sweep(['--seeds', '4', '--faults', 'none', '--nodes', '3', '--duration', '1100', '--workers', '1', '--shard', '1/2']);
    expect(mismatch(longer)).toBe('config.durationMs');
    const thirds = await sweep([...flags, '--shard', '1/3']);
    expect(mismatch(thirds)).toBe('shard.count');
  });

  it('ShardFormat names the file: not JSON, a report without provenance, a digest that does not match its config', () => {
    expect(() => parseShardReport('x.json', 'raftbed sweep: 4 runs')).toThrow(ShardFormat);
    expect(() => parseShardReport('x.json', 'raftbed sweep: 4 runs')).toThrow(/^x\.json: not JSON/);
    const { raftbed: _r, ...old } = s0;
    expect(() => parseShardReport('old.json', JSON.stringify(old))).toThrow(/^old\.json: "raftbed" must be/);
    const edited = tampered(s0, { config: { ...s0.config, durationMs: 5 } });
    expect(() => parseShardReport('e.json', JSON.stringify(edited))).toThrow(/^e\.json: "configDigest" does not match/);
    expect(() => parseShardReport('r.json', JSON.stringify(tampered(s0, { runs: 3 })))).toThrow(/^r\.json: "runs" is 3 but "seeds" lists 2/);
    expect(parseShardReport('ok.json', JSON.stringify(s0))).toEqual(s0);
  });

  it('the command prints the typed error and exits 2', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(s0));
    writeFileSync(b, JSON.stringify(tampered(s1, { raftbed: { ...s1.raftbed, version: '9.9.9' } })));
    const io = new CapturingIo();
    expect(await mergeCommand([a, b, '--json'], io)).toBe(2);
    expect(JSON.parse(io.stdout)).toMatchObject({ error: 'ShardMismatch', field: 'raftbed.version' });
    expect(io.errLines[0]).toMatch(/^raftbed merge: ShardMismatch: raftbed\.version differs: .*a\.json has "0\.1\.0", .*b\.json has "9\.9\.9"$/);
    writeFileSync(b, JSON.stringify(s1));
    const text = new CapturingIo();
    expect(await mergeCommand([a, b], text)).toBe(0);
    expect(text.stdout).toMatch(/^raftbed merge: 2 shards, seeds 1\.\.4, raftbed 0\.1\.0 .*\n {2}runs: 4 \(4 passed, 0 failed\)/);
    expect(readFileSync(a, 'utf8')).toBe(JSON.stringify(s0));
  });
});
