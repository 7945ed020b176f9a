// `raftbed run --trace` writes its trace safely: streamed (a run of 30 simulated minutes writes a
// trace longer than V8's longest string), and renamed into place only when complete (a run killed
// mid-write leaves no file that passes for its trace, not even the previous run's).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';
import { TraceIncompleteError } from '../trace/read';
import { checkTraceFile } from '../trace/read-file';

const ROOT = join(__dirname, '..');
/** V8's longest string (2^29 - 24 characters on 64-bit Node 20): a trace built as one string stops here. */
const V8_MAX_STRING_CHARS = 2 ** 29 - 24;
/** A cheap configuration whose 30-minute trace is still about 1 GB. */
const CHEAP = ['--nodes', '3', '--clients', '1', '--faults', 'none'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-run-trace-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; io: CapturingIo }> {
  const io = new CapturingIo();
  return { code: await main(argv, io), io };
}

it('a run killed while writing leaves neither a partial trace nor the previous run\'s at PATH', async () => {
  const path = join(dir, 'killed.ndjson');
  expect((await cli('run', '--seed', '1', '--duration', '500', '--trace', path)).code).toBe(0);
  expect(checkTraceFile(path).header.seed).toBe(1);

  const child = spawn(process.execPath, [join(ROOT, 'bin', 'raftbed'), 'run', '--seed', '2', ...CHEAP, '--duration', '1800000', '--trace', path], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const temp = `${path}.tmp-${child.pid}`;
  // Wait (bounded) until the run has written some of its trace, then kill it mid-write.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !(existsSync(temp) && statSync(temp).size > 2_000_000) && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  await exited;

  expect(readdirSync(dir).filter((f) => f.startsWith('killed.ndjson')).sort()).toEqual([`killed.ndjson.tmp-${child.pid}`]);
  expect(() => checkTraceFile(temp)).toThrow(TraceIncompleteError);
  const replay = await cli('replay', temp);
  expect(replay.code).toBe(2);
  expect(replay.io.stderr).toMatch(/^raftbed replay: trace line \d+: incomplete trace/);
}, 180_000);

it('a run of 30 simulated minutes streams a trace longer than V8\'s longest string, complete and valid', async () => {
  const path = join(dir, 'thirty-minutes.ndjson');
  try {
    const { code, io } = await cli('run', '--seed', '1', ...CHEAP, '--duration', '1800000', '--trace', path, '--json');
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(io.stdout)).toMatchObject({ simulatedMs: 1_800_000, violation: null });
    expect(statSync(path).size).toBeGreaterThan(V8_MAX_STRING_CHARS);
    const { header, end } = checkTraceFile(path);
    expect(header.config).toMatchObject({ durationMs: 1_800_000, nodes: 3 });
    expect(end.events).toBeGreaterThan(3_000_000);
    expect(readdirSync(dir).filter((f) => f.startsWith('thirty-minutes'))).toEqual(['thirty-minutes.ndjson']);
  } finally {
    rmSync(path, { force: true });
  }
}, 900_000);

it('refuses to trace a run longer than replay accepts, before touching PATH', async () => {
  const { code, io } = await cli('run', '--seed', '1', '--duration', '100000000', '--trace', join(dir, 'too-long.ndjson'));
  expect(code).toBe(2);
  expect(io.stderr).toBe('raftbed run: --duration: a traced run lasts at most 86400000 ms (one simulated day), the most replay accepts');
  expect(existsSync(join(dir, 'too-long.ndjson'))).toBe(false);
});
