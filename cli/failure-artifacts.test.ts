// sweep and replay write the trace view and, for a linearizability failure, the linearizability
// report beside every failing trace, and print their paths in the failure summary.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepReport } from './cmd-sweep';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-artifacts-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clock = () => 0;

/** `raftbed sweep ARGV` through main, with the test's clock and planted harness fault. */
const sweepCommand = (argv: string[], io: CapturingIo, now: () => number, hooks: { bugModule?: string } = {}) => main(['sweep', ...argv], io, { now, sweepBugModule: hooks.bugModule });

describe('failure pages beside the failing trace', () => {
  it('sweep: a safety failure gets its view (no linearizability report), and the summary names it', async () => {
    const out = join(dir, 'safety');
    const io = new CapturingIo();
    const code = await sweepCommand(['--seeds', '1', '--from', '1', '--bug', 'forget-vote-on-restart', '--faults', 'crashes', '--duration', '4000', '--workers', '1', '--out', out], io, clock);
    expect(code).toBe(1);
    const view = join(out, 'seed-1.html');
    expect(io.outLines).toContain(`      trace: ${join(out, 'seed-1.ndjson')}`);
    expect(io.outLines).toContain(`      view: ${view}`);
    expect(io.stdout).not.toContain('linearizability report:');
    expect(readFileSync(view, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(existsSync(join(out, 'seed-1.linearizability.html'))).toBe(false);
  });

  it('sweep: a linearizability failure also gets its linearizability report', async () => {
    const out = join(dir, 'lin');
    const io = new CapturingIo();
    const code = await sweepCommand(['--seeds', '1', '--from', '18', '--bug', 'read-index-without-heartbeat', '--workers', '1', '--json', '--out', out], io, clock);
    expect(code).toBe(1);
    const [v] = (JSON.parse(io.stdout) as SweepReport).violations;
    expect(v).toMatchObject({ property: 'Linearizability', view: join(out, 'seed-18.html'), linearizabilityReport: join(out, 'seed-18.linearizability.html') });
    expect(readFileSync(v.linearizabilityReport!, 'utf8')).toMatch(/<html/i);
    expect(existsSync(v.view)).toBe(true);
  });

  it('replay: a failing trace file gets its view beside it, and a passing one does not', async () => {
    const failing = join(dir, 'fv.ndjson');
    expect(await main(['run', '--seed', '1', '--bug', 'forget-vote-on-restart', '--faults', 'crashes', '--duration', '4000', '--trace', failing], new CapturingIo())).toBe(1);
    const io = new CapturingIo();
    expect(await main(['replay', failing], io)).toBe(1);
    expect(io.outLines).toContain(`view: ${join(dir, 'fv.html')}`);
    expect(existsSync(join(dir, 'fv.html'))).toBe(true);

    const passing = join(dir, 'ok.ndjson');
    expect(await main(['run', '--seed', '1', '--faults', 'none', '--nodes', '3', '--duration', '500', '--trace', passing], new CapturingIo())).toBe(0);
    const quiet = new CapturingIo();
    expect(await main(['replay', passing], quiet)).toBe(0);
    expect(quiet.stdout).not.toContain('view:');
    expect(existsSync(join(dir, 'ok.html'))).toBe(false);
  });
});
