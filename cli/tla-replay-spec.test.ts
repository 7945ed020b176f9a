/** The replay-spec command end to end, with the real TLC (small runs). */
import { replaySpecOptions } from './tla-replay-spec';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';
import type { StepFunction } from '../tla/replay-spec/core-harness';
import { commitsAlone } from '../tla/replay-spec/planted-bugs';

function capture() {
  const io = new CapturingIo();
  return { io, out: io.outLines, err: io.errLines };
}

const runReplaySpecCommand = (args: string[], io: CapturingIo, options: { step?: StepFunction } = {}) =>
  main(['tla', 'replay-spec', ...args], io, { replaySpecStep: options.step });

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

describe('replaySpecOptions', () => {
  it('maps --pre-vote to the settings run and applies the documented defaults', () => {
    expect(replaySpecOptions({ count: 4 })).toEqual({ count: 4, depth: 50, seed: 1, preVote: [false, true], json: false });
    expect(replaySpecOptions({ count: 4, 'pre-vote': 'on' }).preVote).toEqual([true]);
    expect(replaySpecOptions({ count: 4, 'pre-vote': 'off', 'timeout-seconds': 9 })).toMatchObject({ preVote: [false], timeoutMs: 9000 });
  });
});
