// Long work talks to the person: sweep shows a progress line with a rate and an ETA, and Ctrl-C
// (SIGINT) prints the partial summary with the failing seeds and their replay commands, exit 130.
// Run as a child process, since the point is a real signal.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateLine, formatSeconds } from './progress';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';
import { EXIT_INTERRUPTED } from './exit-codes';

const ROOT = join(__dirname, '..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-interrupt-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('progress line', () => {
  it('shows done/total, the rate and the ETA, the sooner of rate and budget', () => {
    let t = 0;
    const line = new RateLine(() => {}, true, () => t, 'runs', 60_000);
    t = 10_000;
    expect(line.render(50, 200, '3 failing')).toBe('50/200 runs, 5.0 runs/s, ETA 30s, elapsed 10s, 3 failing');
    t = 50_000; // 150 left at 1/s would take 150 s, but the budget ends in 10 s.
    expect(line.render(50, 200, '')).toBe('50/200 runs, 1.0 runs/s, ETA 10s, elapsed 50s');
    expect(formatSeconds(125)).toBe('2m05s');
  });

  it('draws nothing when disabled', () => {
    const written: string[] = [];
    const line = new RateLine((s) => written.push(s), false, () => 0, 'runs');
    line.update(1, 2);
    line.done();
    expect(written).toEqual([]);
  });
});

describe('sweep: Ctrl-C', () => {
  it('prints the partial summary with the failing seeds and their replay commands, and exits 130', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'raftbed'), 'sweep', '--seeds', '5000', '--bug', 'forget-vote-on-restart', '--faults', 'crashes', '--duration', '4000', '--workers', '1', '--progress', '--out', dir], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once the progress line shows a failing seed.
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/runs\/s, ETA .*, [1-9]\d* failing/.test(stderr)) resolve();
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/^raftbed sweep: interrupted after \d+\/5000 runs, [1-9]\d* failing$/m);
    expect(stdout).toMatch(/^ {4}seed \d+: DurableStateRegressed: /m);
    expect(stdout).toMatch(/^ {6}replay: raftbed run --seed \d+ --faults crashes --nodes 5 --duration 4000 --bug forget-vote-on-restart --trace seed-\d+\.ndjson$/m);
  }, 120_000);
});

it('in-process: SIGINT stops the workers, and main returns 130 with the partial summary (no process.exit)', async () => {
  const io = new CapturingIo();
  let unsubscribed = false;
  const code = await main(['sweep', '--seeds', '5000', '--faults', 'none', '--nodes', '3', '--duration', '1000', '--workers', '1', '--out', dir], io, {
    onSignal: (signal, handler) => {
      if (signal === 'SIGINT') setTimeout(handler, 500);
      return () => {
        unsubscribed = true;
      };
    },
  });
  expect(code).toBe(EXIT_INTERRUPTED);
  expect(io.stdout).toMatch(/^raftbed sweep: interrupted after \d+\/5000 runs, 0 failing$/);
  expect(unsubscribed).toBe(true);
}, 60_000);
