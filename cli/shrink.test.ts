// The whole-run shrinker on real planted bugs (two fast ones; sim/bench-shrink.ts runs every bug):
// the shrunk run fails with the same property, has at most a quarter of the original's trace
// events, and its written trace replays byte for byte through `raftbed replay`.

import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBug } from '../sim/bugs/catalogue';
import { bugSimConfig } from '../sim/bugs/run';
import { runSeed } from '../sim/run-seed';
import { MemoryTrace } from '../trace/sink';
import { makeSimConfig } from '../sim/config';
import { candidates, caseConfig, disruptive, NotFailingError, shrinkCase } from '../sim/shrink';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';
import { EXIT_INTERRUPTED } from './exit-codes';
import { buildGoRaft } from '../protocol/testing/go-raft';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-shrink-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A planted bug's failing seed (from `raftbed bugs`), with its generated plan made explicit. */
function failingRun(name: string, seed: number) {
  const bug = findBug(name);
  const config = bugSimConfig(bug, seed);
  return { bug, base: { ...config, faultPlan: runSeed(config, { bug }).faultPlan } };
}

describe.each([
  ['forget-vote-on-restart', 1],
  ['prevote-bumps-term', 1],
])('shrinking %s seed %d', (name, seed) => {
  it('keeps the property, cuts the events to a quarter or less, and the written trace replays byte for byte', async () => {
    const { bug, base } = failingRun(name, seed);
    const progress: number[] = [];
    const r = shrinkCase(base, { bug, maxAttempts: 400, onAttempt: (p) => progress.push(p.best.size.events) });
    expect(r.shrunk.violation.property).toBe(r.original.violation.property);
    expect(r.shrunk.size.events * 4).toBeLessThanOrEqual(r.original.size.events);
    expect(r.shrunk.size.faults).toBeLessThanOrEqual(r.original.size.faults);
    expect(r.attempts).toBe(progress.length);
    // The best size only ever goes down.
    expect(progress.every((e, k) => k === 0 || e <= progress[k - 1])).toBe(true);

    // Traced for real, the shrunk run ends at its own violation...
    const trace = new MemoryTrace(true);
    const v = runSeed(caseConfig(base, r.shrunk.case), { trace, bug }).violation!;
    expect(v).toMatchObject({ property: r.original.violation.property, eventIndex: r.shrunk.size.events - 1 });
    expect(trace.lines).toBe(r.shrunk.size.events);
    // ...and `raftbed replay` re-runs its trace file identically.
    const file = join(dir, `${name}.ndjson`);
    writeFileSync(file, trace.ndjson());
    const io = new CapturingIo();
    expect(await main(['replay', file], io)).toBe(1);
    // (The header may name another build; every event line must match.)
    expect(io.outLines[0]).toMatch(new RegExp(`^identical: ${trace.lines + 1} lines, sha256 [0-9a-f]{64}$`));
    expect(io.outLines[1]).toMatch(new RegExp(`^violation: ${v.property} at .* \\(trace event ${v.eventIndex}\\)`));
  });
});

describe('the shrinker refuses what it must', () => {
  it('a run that does not fail is not shrunk', () => {
    const base = makeSimConfig({ seed: 1, nodes: 3, durationMs: 300, faults: 'none' });
    const plan = runSeed(base).faultPlan;
    expect(() => shrinkCase({ ...base, faultPlan: plan })).toThrow(NotFailingError);
  });

  it('a run that breaks another property than the one asked for is not shrunk', () => {
    const { bug, base } = failingRun('forget-vote-on-restart', 1);
    expect(() => shrinkCase(base, { bug, property: 'ElectionSafety', maxAttempts: 5 })).toThrow(/breaks DurableStateRegressed, not ElectionSafety/);
    expect(shrinkCase(base, { bug, property: 'DurableStateRegressed', maxAttempts: 5 }).shrunk.violation.property).toBe('DurableStateRegressed');
  });

  it('a smaller cluster keeps only faults on its own nodes, and partitions lose the removed members', () => {
    const base = makeSimConfig({ seed: 3, nodes: 5, durationMs: 4000, faults: 'all' });
    const plan = runSeed(base).faultPlan;
    const fake = { case: { seed: 3, nodes: 5, durationMs: 4000, clients: 5, plan }, violation: { property: 'ElectionSafety' as const, detail: '', node: null, atMs: 1000, eventIndex: 0 }, size: { events: 0, faults: 0, operations: 0 } };
    const three = [...candidates(fake, 1000)].find((c) => c.dimension === 'nodes' && c.case.nodes === 3)!;
    const named = JSON.stringify(disruptive(three.case.plan));
    expect(named).not.toMatch(/n4|n5/);
    expect(disruptive(plan).length).toBeGreaterThan(disruptive(three.case.plan).length);
  });
});

/** A failing run's trace file, as `raftbed shrink` takes it. */
function failingTraceFile(name: string, seed: number): string {
  const { bug } = failingRun(name, seed);
  const trace = new MemoryTrace(true);
  runSeed(bugSimConfig(bug, seed), { trace, bug });
  const file = join(dir, `${name}-${seed}-cli.ndjson`);
  writeFileSync(file, trace.ndjson());
  return file;
}

describe('raftbed shrink through main()', () => {
  it('the printed `raftbed run` command reproduces the shrunk run, its slower pace included: the same events, the same violation', async () => {
    const file = failingTraceFile('forget-vote-on-restart', 1);
    const io = new CapturingIo();
    expect(await main(['shrink', file, '--max-attempts', '400', '--out', join(dir, 'fv')], io)).toBe(0);
    // This shrink slows the pace (a longer tick, a shorter election timeout): the case the command must carry.
    expect(io.stdout).toMatch(/^ {2}pace {8}tick 10 -> \d+ ms/m);
    const command = io.outLines.find((l) => l.startsWith('   or: raftbed run '))!.slice('   or: raftbed '.length);
    const shrunkTrace = readFileSync(join(dir, 'fv.ndjson'), 'utf8').split('\n');
    const plan = JSON.parse(readFileSync(join(dir, 'fv.plan.json'), 'utf8')) as { replay: { command: string; config: { tickMs: number } } };
    expect(plan.replay.command).toBe(`raftbed ${command}`);
    expect(plan.replay.config.tickMs).not.toBe(10);

    const again = join(dir, 'fv-again.ndjson');
    const run = new CapturingIo();
    expect(await main([...command.split(' '), '--trace', again, '--json'], run)).toBe(1);
    const rerun = JSON.parse(run.stdout) as { violation: { property: string; eventIndex: number } };
    const rerunTrace = readFileSync(again, 'utf8').split('\n');
    // Every event line, and the violation, the same as the shrunk trace's. (The header and the End
    // line's digest over it differ: the header records that --election-ticks was given by hand.)
    expect(rerunTrace.length).toBe(shrunkTrace.length);
    expect(rerunTrace.slice(1, -2)).toEqual(shrunkTrace.slice(1, -2));
    expect(rerunTrace.at(-2)).toMatch(new RegExp(`^\\{"type":"End","events":${shrunkTrace.length - 3},`));
    expect(rerun.violation.property).toBe('DurableStateRegressed');
    expect(io.stdout).toContain(`violation: DurableStateRegressed`);
    expect(io.stdout).toMatch(new RegExp(`\\(trace event ${rerun.violation.eventIndex}\\)`));
  }, 60_000);

  it('--progress draws attempts/s, an ETA and the best size so far on stderr, never into --json stdout', async () => {
    const file = failingTraceFile('prevote-bumps-term', 1);
    const io = new CapturingIo();
    let t = 0;
    const now = () => (t += 50);
    expect(await main(['shrink', file, '--max-attempts', '60', '--progress', '--json', '--out', join(dir, 'pb')], io, { now })).toBe(0);
    expect(io.progressText).toMatch(/\r\x1b\[2K\d+\/60 runs, [\d.]+ runs\/s, ETA \S+, elapsed \S+, best \d+ events \(\d+ kept, trying [a-z ]+\)/);
    expect(JSON.parse(io.stdout)).toMatchObject({ property: 'PreVoteKeepsTerm', interrupted: false });
    // Without --progress on a non-terminal: nothing drawn.
    const quiet = new CapturingIo();
    expect(await main(['shrink', file, '--max-attempts', '5', '--out', join(dir, 'pb2')], quiet, { now })).toBe(0);
    expect(quiet.progressText).toBe('');
  }, 60_000);

  it('Ctrl-C stops the search, still writes the best reproducer so far and prints its paths, exit 130', async () => {
    const file = failingTraceFile('forget-vote-on-restart', 1);
    const io = new CapturingIo();
    let unsubscribed = false;
    // A real timer: it fires only if the search lets the event loop run between attempts.
    const code = await main(['shrink', file, '--max-attempts', '1000000', '--budget-s', '600', '--out', join(dir, 'cc')], io, {
      onSignal: (signal, handler) => {
        if (signal === 'SIGINT') setTimeout(handler, 300);
        return () => {
          unsubscribed = true;
        };
      },
    });
    expect(code).toBe(EXIT_INTERRUPTED);
    expect(unsubscribed).toBe(true);
    expect(io.outLines[0]).toMatch(/^shrink: interrupted after \d+ runs: the best reproducer so far follows$/);
    expect(io.stdout).toMatch(/^DurableStateRegressed: shrunk in \d+ runs \(\d+ kept, stopped by the bound\)/m);
    expect(io.stdout).toContain(`plan: ${join(dir, 'cc.plan.json')}`);
    expect(io.stdout).toContain(`trace: ${join(dir, 'cc.ndjson')}`);
    // What was written is a real reproducer: it replays and fails the same way.
    const replay = new CapturingIo();
    expect(await main(['replay', join(dir, 'cc.ndjson')], replay)).toBe(1);
    expect(replay.stdout).toMatch(/^violation: DurableStateRegressed/m);
  }, 60_000);
});

describe('raftbed shrink --impl / --impl-cmd', () => {
  // go-raft's planted -bug=vote-twice, found on seed 3 within a second (sim/cluster/external-implementation.test.ts).
  const goConfig = (command: string) => makeSimConfig({
    seed: 3, nodes: 5, durationMs: 1_000, faults: 'all', raft: { preVote: false, checkQuorum: false }, implementation: { kind: 'command', command },
  });
  const CORE_MODULE = join(__dirname, '..', 'sim', 'test-support', 'core-as-module.ts');

  it('shrinks against the Raft the flag names instead of the header\'s (here a binary the header names that is gone), and the reproducer repeats it', async () => {
    const bin = buildGoRaft();
    const moved = join(dir, 'go-raft-moved');
    copyFileSync(bin, moved);
    chmodSync(moved, 0o755);
    const trace = new MemoryTrace(true);
    expect(runSeed(goConfig(`${moved} -bug=vote-twice`), { trace }).violation?.property).toBe('OneVotePerTerm');
    const file = join(dir, 'go-vote-twice.ndjson');
    writeFileSync(file, trace.ndjson());
    rmSync(moved);

    // The flag wins over the header: core in process, which has no such bug, does not fail there.
    const core = new CapturingIo();
    expect(await main(['shrink', file, '--impl', CORE_MODULE, '--max-attempts', '1', '--out', join(dir, 'go-core')], core)).toBe(1);
    expect(core.stdout).toMatch(/this run does not fail/);

    const io = new CapturingIo();
    const command = `${bin} -bug=vote-twice`;
    expect(await main(['shrink', file, '--impl-cmd', command, '--max-attempts', '2', '--json', '--out', join(dir, 'go')], io)).toBe(0);
    const out = JSON.parse(io.stdout) as { property: string; runReplay: string; trace: string; before: { events: number }; after: { events: number } };
    expect(out.property).toBe('OneVotePerTerm');
    expect(out.after.events).toBeLessThanOrEqual(out.before.events);
    expect(out.runReplay).toContain(`--impl-cmd '${command}'`);
    expect(JSON.parse(readFileSync(out.trace, 'utf8').split('\n')[0]).config.implementation).toEqual({ kind: 'command', command });
  }, 180_000);

  it('refuses both flags at once, and either on a trace of a planted bug (bugs wrap core\'s step), exit 2', async () => {
    const file = failingTraceFile('prevote-bumps-term', 1);
    const both = new CapturingIo();
    expect(await main(['shrink', file, '--impl', CORE_MODULE, '--impl-cmd', 'x'], both)).toBe(2);
    expect(both.stderr).toMatch(/--impl and --impl-cmd name two implementations/);
    const bugged = new CapturingIo();
    expect(await main(['shrink', file, '--impl', CORE_MODULE], bugged)).toBe(2);
    expect(bugged.stderr).toMatch(/this trace ran planted bug prevote-bumps-term, and planted bugs wrap core's step/);
  });
});
