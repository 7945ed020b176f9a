import type { CliIo } from './io';
import { main } from './main';
import { bugNames } from '../sim/bugs/catalogue';
import { exitCode, type BugReport } from './cmd-bugs';

function capture(): CliIo & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, outText: () => out.join('\n'), errText: () => err.join('\n') };
}

const clock = () => 0;
const runBugsCli = (argv: string[], io: CliIo, now: () => number) => main(['bugs', ...argv], io, { now });

describe('raftbed bugs', () => {
  it('prints help listing every bug', async () => {
    const io = capture();
    expect(await runBugsCli(['--help'], io, clock)).toBe(0);
    expect(io.outText()).toContain('--max-seeds');
    for (const name of bugNames()) expect(io.outText()).toContain(name);
  });

  it('refuses an unknown bug, naming the valid ones, with exit code 2', async () => {
    const io = capture();
    expect(await runBugsCli(['--only', 'nope'], io, clock)).toBe(2);
    expect(io.outText()).toBe('');
    expect(io.errText()).toContain('raftbed bugs: unknown bug "nope"');
    expect(io.errText()).toContain('match-index-regresses');
  });

  it('refuses bad flags with exit code 2, naming the flag', async () => {
    for (const [argv, flag] of [[['--max-seeds', '0'], '--max-seeds'], [['--max-seeds', 'ten'], '--max-seeds'], [['--frobnicate'], '--frobnicate'], [['--only'], '--only']] as const) {
      const io = capture();
      expect(await runBugsCli([...argv], io, clock)).toBe(2);
      expect(io.errText()).toMatch(/^raftbed bugs: /);
      expect(io.errText()).toContain(`'${flag}`);
    }
  });

  it('prints a table row with the seed, the property and a replay command', async () => {
    const io = capture();
    expect(await runBugsCli(['--only', 'prevote-bumps-term', '--max-seeds', '3'], io, clock)).toBe(0);
    const text = io.outText();
    expect(text).toMatch(/prevote-bumps-term\s+yes\s+1\s+PreVoteKeepsTerm\s+1\s+0\s+raftbed run --seed 1 --bug prevote-bumps-term --faults partitions --duration 3000/);
  });

  it('reports JSON rows with the declared-property check and the replay command', async () => {
    const io = capture();
    expect(await runBugsCli(['--only', 'match-index-regresses', '--max-seeds', '1', '--json'], io, clock)).toBe(0);
    const rows = JSON.parse(io.outText()) as BugReport[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bug: 'match-index-regresses', caught: true, seed: 1, expected: true, controlFlagged: [], undeclared: [] });
    expect(rows[0].replay).toBe('raftbed run --seed 1 --bug match-index-regresses --faults lossy --duration 3000');
  });

  it('gives a replay command that reproduces the hunted violation, even for settings without a flag', async () => {
    // double-count-vote's config sets raft options (no PreVote, short election timeouts) that no run
    // flag expresses: the replay is exact only because `run --bug` applies the bug's config itself.
    const hunt = capture();
    expect(await runBugsCli(['--only', 'double-count-vote', '--max-seeds', '30', '--json'], hunt, clock)).toBe(0);
    const [row] = JSON.parse(hunt.outText()) as BugReport[];
    expect(row.replay).toMatch(/^raftbed run --seed \d+ --bug double-count-vote/);
    const replay = capture();
    expect(await main(row.replay!.replace(/^raftbed /, '').split(' '), replay)).toBe(1);
    expect(replay.outText()).toContain(`VIOLATION seed ${row.seed}: ${row.property} at `);
    expect(replay.outText()).toContain(`(trace event ${row.eventIndex})`);
  });

  it('marks no replay as inexact', async () => {
    const io = capture();
    expect(await runBugsCli(['--only', 'double-count-vote', '--max-seeds', '30'], io, clock)).toBe(0);
    expect(io.outText()).not.toMatch(/\*/);
  });

  it('exits 1 when any bug escaped', () => {
    expect(exitCode([{ caught: true }, { caught: true }])).toBe(0);
    expect(exitCode([{ caught: true }, { caught: false }])).toBe(1);
  });
});
