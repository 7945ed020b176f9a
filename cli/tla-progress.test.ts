// Progress for TLC trace validation, through main(): `tla validate` names each TLC run (phase,
// events, elapsed), `sweep --validate` counts the traces validated with their rate, ETA and
// verdicts so far. Both only on stderr (io.progress), with --progress; never in --json stdout.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';

const ROOT = join(__dirname, '..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-tla-progress-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('tla validate --progress names the TLC run going, and --json stdout stays pure JSON', async () => {
  const io = new CapturingIo();
  const trace = join(ROOT, 'traces', 'seed-11-all.ndjson');
  expect(await main(['tla', 'validate', trace, '--events', '200', '--progress', '--json'], io)).toBe(0);
  const result = JSON.parse(io.stdout) as { verdict: string; eventsTotal: number };
  expect(result.verdict).toBe('pass');
  expect(io.progressText).toMatch(new RegExp(`^\\r\\x1b\\[2KTLC run 1 of at most 3 \\(fast\\) on ${result.eventsTotal} events, elapsed \\d+s`));
  expect(io.progressText.endsWith('\n')).toBe(true);
  // Not a terminal, no --progress: nothing drawn.
  const quiet = new CapturingIo();
  expect(await main(['tla', 'validate', trace, '--events', '20'], quiet)).toBe(0);
  expect(quiet.progressText).toBe('');
}, 300_000);

it('sweep --validate K --progress counts the validated traces: done/K, rate, ETA, verdicts so far', async () => {
  const io = new CapturingIo();
  const code = await main(['sweep', '--seeds', '2', '--faults', 'none', '--nodes', '3', '--duration', '200', '--clients', '1', '--workers', '1', '--validate', '2', '--progress', '--json', '--out', dir], io);
  expect(code).toBe(0);
  expect(io.progressText).toMatch(/\r\x1b\[2K2\/2 traces, [\d.]+ traces\/s, ETA \S+, elapsed \S+, 2 passed, 0 failed, 0 errors\n/);
  expect(JSON.parse(io.stdout).validation.map((v: { verdict: string }) => v.verdict)).toEqual(['pass', 'pass']);
}, 300_000);
