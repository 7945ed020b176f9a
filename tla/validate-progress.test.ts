// Progress from trace validation, for a CLI's rate and ETA: each TLC run of one validation is
// announced with its phase, and validateMany counts the traces it has finished.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTlcJar } from './tlc';
import { tracePrefix, validateMany, validateTraceText, type ManyProgress, type PhaseProgress } from './validate';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'raftbed-validate-progress-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validation progress', () => {
  it('validateMany reports each finished trace with running counts, unreadable ones as errors', async () => {
    const notATrace = join(dir, 'not-a-trace.ndjson');
    writeFileSync(notATrace, 'hello\n');
    const paths = [join(dir, 'missing-1.ndjson'), notATrace, join(dir, 'missing-2.ndjson')];
    const seen: ManyProgress[] = [];
    const results = await validateMany(paths, 2, { jar: findTlcJar(), onTraceDone: (p) => seen.push(p) });
    expect(results.every((r) => r.problem !== undefined)).toBe(true);
    expect(seen.map((p) => [p.done, p.total, p.passed, p.failed, p.errors])).toEqual([[1, 3, 0, 0, 1], [2, 3, 0, 0, 2], [3, 3, 0, 0, 3]]);
    expect(new Set(seen.map((p) => p.last.path))).toEqual(new Set(paths));
  });

  it('a passing trace takes one TLC run, announced as the fast phase with the events it models', async () => {
    // The first 300 events of a pinned regression trace (a real simulator run).
    const trace = tracePrefix(readFileSync(join(__dirname, '..', 'traces', 'seed-11-all.ndjson'), 'utf8'), 300);
    const phases: PhaseProgress[] = [];
    const result = await validateTraceText(trace, { jar: findTlcJar(), timeoutMs: 240_000, onPhase: (p) => phases.push(p) });
    expect(result.verdict).toBe('pass');
    expect(phases).toEqual([{ phase: 'fast', run: 1, maxRuns: 3, eventsTotal: result.eventsTotal }]);
  }, 300_000);
});
