// raftbed view TRACE [-o FILE.html] [--tla-report FILE]: writes one self-contained HTML page that
// draws the trace (lanes, messages, faults, client operations, the violation) for any browser.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseTrace } from '../trace/read';
import { renderTraceHtml, type TlaReport } from '../viewer';
import { CliUsageError } from './errors';
import type { Invocation } from './program';
import { EXIT_OK } from './exit-codes';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliUsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

function readTlaReport(path: string): TlaReport {
  let v: unknown;
  try {
    v = JSON.parse(readText(path, 'TLA report'));
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    throw new CliUsageError(`${path} is not JSON (expected the output of \`raftbed tla validate --json\`)`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CliUsageError(`${path} is not a JSON object`);
  const u = (v as TlaReport).firstUnmatched;
  if (u !== undefined && (typeof u !== 'object' || u === null || typeof u.line !== 'number')) throw new CliUsageError(`${path}: firstUnmatched.line must be a number`);
  return v as TlaReport;
}

export async function viewCommand({ flags, args, io }: Invocation): Promise<number> {
  const tracePath = args[0];
  const output = flags.output === undefined ? `${tracePath.replace(/\.ndjson$/, '')}.html` : String(flags.output);
  const trace = parseTrace(readText(tracePath, 'trace'));
  const tlaReport = flags['tla-report'] === undefined ? undefined : readTlaReport(String(flags['tla-report']));
  const html = renderTraceHtml(trace, { tlaReport });
  writeFileSync(output, html);
  const report = { output, events: trace.events.length, bytes: Buffer.byteLength(html) };
  io.out(flags.json ? JSON.stringify(report) : `wrote ${output} (${report.events} events, ${(report.bytes / 1e6).toFixed(2)} MB)`);
  return EXIT_OK;
}
