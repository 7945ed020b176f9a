// Trace files: FileTrace streams a run's trace to a temporary file and renames it when complete,
// holding at most its buffer; TraceFileReader reads a file of any length line by line with the
// checks parseTrace makes, whatever the chunk boundaries cut.

import { closeSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulation } from '../cluster/simulation';
import { makeSimConfig } from '../config';
import { FileTrace } from '../../trace/file-sink';
import { TRACE_FORMAT } from '../../trace/format';
import { parseTrace, TraceChecksumError, TraceIncompleteError, type ScannedLine } from '../../trace/read';
import { checkTraceFile, TraceFileReader } from '../../trace/read-file';
import { completeTrace, MemoryTrace, type TraceSink } from '../../trace/sink';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-trace-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = makeSimConfig({ seed: 4, faults: 'all', durationMs: 2_000, nodes: 3 });
const run = (trace: TraceSink) => new Simulation(config, { trace, version: 'test', commit: 'c0ffee' }).run();

function readAll(path: string, chunkBytes?: number): ScannedLine[] {
  const reader = new TraceFileReader(path, chunkBytes);
  const out: ScannedLine[] = [];
  try {
    for (let line = reader.next(); line !== null; line = reader.next()) out.push(line);
  } finally {
    reader.close();
  }
  return out;
}

function thrownBy(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
}

describe('FileTrace', () => {
  it('writes the same bytes as MemoryTrace, End line included', () => {
    const memory = new MemoryTrace(true);
    run(memory);
    const path = join(dir, 'same.ndjson');
    const file = new FileTrace(path, { tempSuffix: 'a' });
    run(file);
    file.finish();
    expect(readFileSync(path, 'utf8')).toBe(memory.ndjson());
    expect(file.digest()).toBe(memory.digest());
  });

  it('holds at most its buffer, writing as it goes; a line longer than the buffer is written directly', () => {
    const path = join(dir, 'small-buffer.ndjson');
    const file = new FileTrace(path, { tempSuffix: 'b', bufferChars: 4096 });
    run(file);
    expect(readFileSync(file.tempPath).length).toBeGreaterThan(100_000);
    file.finish();
    expect(file.maxBufferedChars).toBeGreaterThan(3000);
    expect(file.maxBufferedChars).toBeLessThanOrEqual(4096);
    const header = new FileTrace(join(dir, 'tiny-buffer.ndjson'), { tempSuffix: 'c', bufferChars: 16 });
    run(header);
    header.finish();
    expect(header.maxBufferedChars).toBeLessThanOrEqual(16);
    expect(readFileSync(join(dir, 'tiny-buffer.ndjson'), 'utf8')).toBe(readFileSync(path, 'utf8'));
  });

  it('removes an earlier file at PATH when it starts, and shows PATH only once complete', () => {
    const path = join(dir, 'replaced.ndjson');
    writeFileSync(path, 'an earlier run\n');
    const file = new FileTrace(path, { tempSuffix: 'd' });
    expect(existsSync(path)).toBe(false);
    expect(file.tempPath).toBe(`${path}.tmp-d`);
    run(file);
    expect(existsSync(path)).toBe(false);
    expect(() => checkTraceFile(file.tempPath)).toThrow(TraceIncompleteError);
    file.finish();
    expect(existsSync(file.tempPath)).toBe(false);
    expect(checkTraceFile(path).end.events).toBe(file.lines - 1);
    expect(() => file.finish()).toThrow('already finished');
  });

  it('a failed write fails the run instead of passing for its failure, and leaves no file', () => {
    const path = join(dir, 'failing.ndjson');
    const file = new FileTrace(path, { tempSuffix: 'f', bufferChars: 1024 });
    // The disk goes away under the writer: its next write fails (EBADF), as a full disk would.
    closeSync((file as unknown as { fd: number }).fd);
    expect(() => run(file)).toThrow(/EBADF/);
    expect(() => file.finish()).toThrow(/EBADF/);
    file.abort();
    expect(readdirSync(dir).filter((f) => f.startsWith('failing'))).toEqual([]);
  });

  it('abort() leaves neither PATH nor the temporary file', () => {
    const path = join(dir, 'aborted.ndjson');
    writeFileSync(path, 'an earlier run\n');
    const file = new FileTrace(path, { tempSuffix: 'e' });
    run(file);
    file.abort();
    expect(readdirSync(dir).filter((f) => f.startsWith('aborted'))).toEqual([]);
  });
});

describe('TraceFileReader', () => {
  const memory = new MemoryTrace(true);
  run(memory);
  const text = memory.ndjson();
  const path = join(tmpdir(), `raftbed-reader-${process.pid}.ndjson`);
  beforeAll(() => writeFileSync(path, text));
  afterAll(() => rmSync(path, { force: true }));

  it.each([[13], [4096], [undefined]])('reads what parseTrace reads, in chunks of %p bytes', (chunkBytes) => {
    const lines = readAll(path, chunkBytes);
    const parsed = parseTrace(text);
    expect(lines.map((l) => l.text)).toEqual([...parsed.lines, text.split('\n').slice(-2)[0]]);
    expect(lines.map((l) => l.kind)).toEqual(['header', ...parsed.events.map(() => 'event'), 'end']);
    expect(lines[lines.length - 1].value).toEqual(parsed.end);
  });

  it('reads characters of several bytes that a chunk boundary splits', () => {
    const header = JSON.stringify({ type: 'header', format: TRACE_FORMAT, source: 'sim', seed: 1, version: 'é', commit: '✓', nodes: ['nœud-1'], profile: 'x', config: {}, faultPlan: null });
    const events = Array.from({ length: 20 }, (_, k) => JSON.stringify({ i: k + 1, t: k, ev: 'Fault', fault: `défaut ${'→'.repeat(k)} 🐛` }));
    const file = join(dir, 'unicode.ndjson');
    writeFileSync(file, completeTrace([header, ...events]));
    for (const chunkBytes of [1, 2, 3, 5]) expect(readAll(file, chunkBytes).map((l) => l.text)).toEqual(readAll(file).map((l) => l.text));
    expect(readAll(file, 1).slice(1, -1).map((l) => (l.value as { fault: string }).fault)).toEqual(events.map((e) => JSON.parse(e).fault));
  });

  it('refuses a cut file, an edited one, and accepts BOM and CRLF, as parseTrace does', () => {
    const cut = join(dir, 'cut.ndjson');
    writeFileSync(cut, text.slice(0, 5000));
    expect(thrownBy(() => checkTraceFile(cut))).toBeInstanceOf(TraceIncompleteError);
    const edited = join(dir, 'edited.ndjson');
    writeFileSync(edited, text.replace('"Tick"', '"Tock"'));
    expect(thrownBy(() => checkTraceFile(edited))).toBeInstanceOf(TraceChecksumError);
    const windows = join(dir, 'windows.ndjson');
    writeFileSync(windows, `\uFEFF${text.replace(/\n/g, '\r\n')}`);
    expect(checkTraceFile(windows)).toEqual(checkTraceFile(path));
    expect(readAll(windows, 64).map((l) => l.text)).toEqual(readAll(path).map((l) => l.text));
  });
});
