// `raftbed check-history`, end to end: in-process through main() for every exit code, and once
// through bin/raftbed for the process's real exit status.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';
import { EXIT_UNDECIDED } from './exit-codes';

const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples', 'histories');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-check-history-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; io: CapturingIo }> {
  const io = new CapturingIo();
  const code = await main(['check-history', ...argv], io);
  return { code, io };
}

describe('raftbed check-history', () => {
  it('exits 0 for a linearisable history and writes the report only when asked', async () => {
    const { code, io } = await cli(join(EXAMPLES, 'kv-rewrite-current-value.json'));
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/^ok .*kv-rewrite-current-value\.json: linearizable \(4 ops, 1 partitions, model kv/);
    expect(io.stderr).not.toContain('report:');
    const report = join(dir, 'ok.html');
    expect((await cli(join(EXAMPLES, 'register-ok.edn'), '-o', report)).code).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('Linearizability check: ok');
  });

  it('exits 1 for a violation and writes a report rendered with the model it was checked against', async () => {
    const report = join(dir, 'stale.html');
    const { code, io } = await cli(join(EXAMPLES, 'kv-stale-read.json'), '-o', report);
    expect(code).toBe(1);
    expect(io.stdout).toMatch(/^violation .*: not linearizable: partition "x"/);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('checked against the <b>kv</b> model');
    expect(html).toMatch(/<div class="op failed" id="op-6"[^>]*>get x → &#34;1&#34; \[node n3, term 1\]/);
    expect(html).toContain('<a href="view.html#event-61">event 61</a>');

    const register = await cli(join(EXAMPLES, 'register-lost-write.edn'), '-o', join(dir, 'lost.html'), '--view', 'trace.html');
    expect(register.code).toBe(1);
    expect(readFileSync(join(dir, 'lost.html'), 'utf8')).toContain('<code>read → 1</code>');
  });

  it('writes a report next to the history by default when the verdict is not ok', async () => {
    const history = join(dir, 'copy.edn');
    writeFileSync(history, readFileSync(join(EXAMPLES, 'register-lost-write.edn')));
    const { code, io } = await cli(history);
    expect(code).toBe(1);
    expect(io.stderr).toContain(`report: ${history}.linearizability.html`);
    expect(existsSync(`${history}.linearizability.html`)).toBe(true);
  });

  it('prints a JSON summary with --json', async () => {
    const { code, io } = await cli(join(EXAMPLES, 'kv-stale-read.json'), '--json', '--all', '-o', join(dir, 'j.html'));
    expect(code).toBe(1);
    const summary = JSON.parse(io.stdout);
    expect(summary).toMatchObject({ format: 'json', model: 'kv', verdict: 'violation', operations: 7, partitions: 2, violatingPartitions: ['x'], failedOps: { x: 6 }, undecidedPartitions: [] });
  });

  it('exits 6 (undecided) when the budget runs out before a verdict', async () => {
    const { code, io } = await cli(join(EXAMPLES, 'kv-stale-read.json'), '--max-steps', '2', '-o', join(dir, 'u.html'));
    expect(code).toBe(EXIT_UNDECIDED);
    expect(io.stdout).toMatch(/^unknown .*undecided/);
  });

  it.each([
    ['a JSON syntax error, with its line', 'bad.json', '{"format": "raftbed-history", "version": 1,\n "ops": [\n {"id": 1,}\n]}', [], /bad\.json:3:\d+: not valid JSON/],
    ['a malformed op, with its line and field', 'bad-op.json', '[\n{"id": 1, "client": "a", "op": {"kind": "put", "key": "x"}, "invokeMs": 0, "completeMs": 1, "result": {"kind": "ok"}}]', [], /bad-op\.json:2: op 1: op\.value: put value must be a string/],
    ['a broken Jepsen line', 'bad.edn', '{:type :invoke, :f :read, :process 0}\n{:type :ok, :f :read, :process 7}', [], /bad\.edn: line 2: :ok for process 7, which has no invocation pending/],
    ['a model the file contradicts', 'h.json', '{"format": "raftbed-history", "version": 1, "model": "kv", "ops": []}', ['--model', 'register'], /model: the file says "kv" but "register" was asked for/],
  ])('exits 2 for %s', async (_, name, text, flags, message) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    const { code, io } = await cli(path, ...flags);
    expect(code).toBe(2);
    expect(io.stdout).toBe('');
    expect(io.stderr).toMatch(message);
  });

  it('exits 2 for usage errors: no file, a missing file, a bad flag value', async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli(join(dir, 'nope.json'))).code).toBe(2);
    const bad = await cli(join(EXAMPLES, 'kv-stale-read.json'), '--model', 'queue');
    expect(bad.code).toBe(2);
    expect(bad.io.stderr).toContain("option '--model <kv|register>' argument 'queue' is invalid. Allowed choices are kv, register.");
  });

  it('sets the process exit status through bin/raftbed', async () => {
    const run = promisify(execFile);
    const failed = await run(process.execPath, [join(ROOT, 'bin', 'raftbed'), 'check-history', join(EXAMPLES, 'register-lost-write.edn'), '-o', join(dir, 'bin.html')]).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1, stdout: expect.stringMatching(/^violation .*not linearizable: the history/) });
  });
});
