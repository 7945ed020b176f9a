// `raftbed tla merge` (runTraceMergeCli): exit codes and what it writes. TLC itself is exercised by
// trace-merge.test.ts and merged-trace-safety.test.ts; here only a missing jar is simulated.

import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TlcJarNotFoundError } from '../tla/tlc';
import { main } from './main';
import { CapturingIo } from './test-support/capturing-io';
import { EXIT_TOOL_MISSING } from './exit-codes';

const FIXTURE_DIR = path.join(__dirname, '..', 'browser-adapter', 'testdata', 'merge-small');
let dir: string;

function capture() {
  const io = new CapturingIo();
  return { io, out: io.outLines, err: io.errLines };
}

const runTraceMergeCli = (argv: string[], io: CapturingIo, deps: { findJar?: () => string } = {}) => main(['tla', 'merge', ...argv], io, deps);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'raftbed-merge-cli-'));
  for (const f of readdirSync(FIXTURE_DIR)) copyFileSync(path.join(FIXTURE_DIR, f), path.join(dir, f));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('merges a directory into the named file, skipping an earlier merged trace and the output itself', async () => {
  const output = path.join(dir, 'run.merged.ndjson');
  writeFileSync(output, 'stale\n');
  const c = capture();
  expect(await runTraceMergeCli([dir, '-o', output], c.io)).toBe(0);
  expect(c.out.join('\n')).toMatch(/^merged 4 traces of 3 nodes: \d+ events, 1 crash/);
  const header = JSON.parse(readFileSync(output, 'utf8').split('\n')[0]);
  expect(header).toMatchObject({ source: 'browser', profile: 'browser-merged', nodes: ['n1', 'n2', 'n3'] });
  // Merging again reads the same four inputs, not the merged file.
  expect(await runTraceMergeCli([dir, '-o', path.join(dir, 'again.ndjson')], capture().io)).toBe(0);
  expect(readFileSync(path.join(dir, 'again.ndjson'), 'utf8')).toBe(readFileSync(output, 'utf8'));
});

test('inputs that cannot be merged exit 2 with the error kind', async () => {
  rmSync(path.join(dir, 'n2-0.ndjson'));
  const c = capture();
  expect(await runTraceMergeCli([dir, '-o', path.join(dir, 'out.ndjson')], c.io)).toBe(2);
  expect(c.err.join('\n')).toContain('cannot merge: MissingIncarnation');
});

test('a tab\'s trace cut short (no End line) exits 2 naming it as incomplete, and writes nothing', async () => {
  const file = path.join(dir, 'n2-0.ndjson');
  const lines = readFileSync(file, 'utf8').split('\n');
  writeFileSync(file, `${lines.slice(0, 40).join('\n')}\n`);
  const c = capture();
  const output = path.join(dir, 'out.ndjson');
  expect(await runTraceMergeCli([dir, '-o', output], c.io)).toBe(2);
  expect(c.err.join('\n')).toBe('raftbed tla merge: cannot merge: TraceIncomplete: n2-0.ndjson:41: incomplete trace: it stops after event 39 without the End line a complete trace ends with (its writer was stopped, or the file was cut): regenerate it');
  expect(readdirSync(dir)).not.toContain('out.ndjson');
});

test('-h prints the usage with every option', async () => {
  const c = capture();
  expect(await runTraceMergeCli(['-h'], c.io)).toBe(0);
  for (const option of ['-o, --output <MERGED.ndjson>', '--validate', '--timeout-seconds <S>', '--json', '-h, --help']) expect(c.out.join('\n')).toContain(option);
});

test('usage errors exit 2 naming the flag; a missing TLC jar exits 4 before any work', async () => {
  const c = capture();
  expect(await runTraceMergeCli([dir], c.io)).toBe(2);
  expect(c.err.join('\n')).toContain("raftbed tla merge: required option '-o, --output <MERGED.ndjson>' not specified");
  for (const [argv, message] of [
    [['-o', 'x.ndjson'], "missing required argument 'traces'"],
    [[path.join(dir, 'nope'), '-o', 'x.ndjson'], `no such file or directory: ${path.join(dir, 'nope')}`],
    [[dir, '-o', 'x.ndjson', '--frobnicate'], "unknown option '--frobnicate'"],
    [[dir, '-o'], "option '-o, --output <MERGED.ndjson>' argument missing"],
    [[dir, '-o', 'a.ndjson', '--output', 'b.ndjson'], "option '-o, --output <MERGED.ndjson>' given twice"],
    [[dir, '-o', 'x.ndjson', '--timeout-seconds', '0'], "option '--timeout-seconds <S>' argument '0' is invalid. It must be at least 1."],
  ] as const) {
    const bad = capture();
    expect(await runTraceMergeCli([...argv], bad.io)).toBe(2);
    expect(bad.out).toEqual([]);
    expect(bad.err[0]).toBe(`raftbed tla merge: ${message}`);
  }
  const noJar = capture();
  const output = path.join(dir, 'out.ndjson');
  expect(await runTraceMergeCli([dir, '-o', output, '--validate'], noJar.io, { findJar: () => { throw new TlcJarNotFoundError([]); } })).toBe(EXIT_TOOL_MISSING);
  expect(noJar.err.join('\n')).toContain('TLC jar not found');
  expect(readdirSync(dir)).not.toContain('out.ndjson');
});
