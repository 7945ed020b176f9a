// raftbed view TRACE [-o FILE.html] [--tla-report FILE]: writes one self-contained HTML page that
// draws the trace (lanes, messages, faults, client operations, the violation) for any browser.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseTrace } from '../trace/read';
import { renderTraceHtml, type TlaReport } from '../viewer';
import { parseArgs, helpText, CliUsageError, type FlagSpec } from './args';
import type { CliIo } from './io';

const FLAGS: Record<string, FlagSpec> = {
  output: { kind: 'string', alias: '-o', value: 'FILE.html', help: 'where to write the page (default: TRACE with .html for .ndjson)' },
  'tla-report': { kind: 'string', value: 'FILE', help: 'JSON from `raftbed tla validate --json`: its first unmatched event is marked' },
  json: { kind: 'bool', help: 'machine-readable output' },
  help: { kind: 'bool', alias: '-h', help: 'show this help' },
};

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

export async function viewCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS, 1);
  if (flags.help) {
    io.out(helpText('raftbed view TRACE.ndjson [-o FILE.html] [--tla-report FILE]', FLAGS));
    return 0;
  }
  if (positional.length !== 1) throw new CliUsageError('name one trace file');
  const tracePath = positional[0];
  const output = flags.output === undefined ? `${tracePath.replace(/\.ndjson$/, '')}.html` : String(flags.output);
  const trace = parseTrace(readText(tracePath, 'trace'));
  const tlaReport = flags['tla-report'] === undefined ? undefined : readTlaReport(String(flags['tla-report']));
  const html = renderTraceHtml(trace, { tlaReport });
  writeFileSync(output, html);
  const report = { output, events: trace.events.length, bytes: Buffer.byteLength(html) };
  io.out(flags.json ? JSON.stringify(report) : `wrote ${output} (${report.events} events, ${(report.bytes / 1e6).toFixed(2)} MB)`);
  return 0;
}
