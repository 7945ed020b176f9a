/** The replay-spec command end to end, with the real TLC (small runs). */
import { parseReplaySpecFlags, runReplaySpecCommand } from './tla-replay-spec';
import { CliUsageError } from './args';
import { commitsAlone } from '../tla/replay-spec/planted-bugs';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('runReplaySpecCommand', () => {
  it('--json: exit 0 and one parseable report when core agrees', async () => {
    const { io, out, err } = capture();
    const code = await runReplaySpecCommand(['--count', '2', '--depth', '30', '--seed', '5', '--pre-vote', 'off', '--json'], io);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n'));
    expect(report.passed).toBe(true);
    expect(report.runs).toHaveLength(1);
    expect(report.runs[0]).toMatchObject({ behaviours: 2, depth: 30, seed: 5, preVote: false, disagreements: [] });
  }, 60_000);

  it('exit 1 and every disagreement printed with its behaviour, step and field when core is wrong', async () => {
    const { io, out } = capture();
    const code = await runReplaySpecCommand(['--count', '5', '--depth', '50', '--seed', '4', '--pre-vote', 'off'], io, { step: commitsAlone });
    expect(code).toBe(1);
    expect(out[0]).toMatch(/^FAIL pre-vote off: 5 behaviours, .* [1-9]\d* disagreements/);
    expect(out.slice(1).length).toBeGreaterThanOrEqual(1);
    for (const line of out.slice(1)) expect(line).toMatch(/^ {2}seed 4 behaviour \d: step \d+ \(ClientRequest n\d x\d\): commitIndex at n\d: spec \d+, core \d+$/);
  }, 60_000);
});

describe('parseReplaySpecFlags', () => {
  it('maps --pre-vote to the settings run and applies the documented defaults', () => {
    expect(parseReplaySpecFlags(['--count', '4'])).toEqual({ count: 4, depth: 50, seed: 1, preVote: [false, true], json: false, help: false });
    expect(parseReplaySpecFlags(['--count', '4', '--pre-vote', 'on']).preVote).toEqual([true]);
    expect(parseReplaySpecFlags(['--count', '4', '--pre-vote=off', '--timeout-seconds', '9']))
      .toMatchObject({ preVote: [false], timeoutMs: 9000 });
    expect(parseReplaySpecFlags(['-h']).help).toBe(true);
  });

  it('throws CliUsageError naming the flag', () => {
    expect(() => parseReplaySpecFlags(['--count', '2', '--pre-vote', 'sometimes'])).toThrow(CliUsageError);
    expect(() => parseReplaySpecFlags(['--count', '2', '--pre-vote', 'sometimes'])).toThrow('--pre-vote must be one of on, off, both, got "sometimes"');
  });
});
