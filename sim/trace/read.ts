// Reading traces back: replay, shrink and TLA+ validation all start here. A malformed trace is a
// TraceFormatError naming the line, never a crash or a silently partial read.

import { TRACE_FORMAT, type TraceHeader } from './format';

export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
  constructor(readonly line: number, message: string) {
    super(`trace line ${line + 1}: ${message}`);
  }
}

export interface ParsedTrace {
  readonly header: TraceHeader;
  /** Raw lines, header first, exactly as written (for byte comparisons). */
  readonly lines: readonly string[];
  readonly events: readonly Record<string, unknown>[];
}

export function parseTrace(text: string): ParsedTrace {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new TraceFormatError(0, 'empty trace');
  const parse = (k: number): Record<string, unknown> => {
    let v: unknown;
    try {
      v = JSON.parse(lines[k]);
    } catch {
      throw new TraceFormatError(k, 'not JSON');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TraceFormatError(k, 'not a JSON object');
    return v as Record<string, unknown>;
  };
  const header = parse(0);
  if (header.type !== 'header') throw new TraceFormatError(0, 'the first line must be the header');
  if (header.format !== TRACE_FORMAT) throw new TraceFormatError(0, `unsupported format ${JSON.stringify(header.format)} (expected ${TRACE_FORMAT})`);
  if (!Array.isArray(header.nodes) || !header.nodes.every((n) => typeof n === 'string')) throw new TraceFormatError(0, 'header.nodes must list node ids');
  const events: Record<string, unknown>[] = [];
  for (let k = 1; k < lines.length; k++) {
    const e = parse(k);
    if (e.i !== k) throw new TraceFormatError(k, `event index ${JSON.stringify(e.i)} where ${k} was expected (a line is missing or out of order)`);
    if (typeof e.t !== 'number' || typeof e.ev !== 'string') throw new TraceFormatError(k, 'an event needs a numeric t and a string ev');
    events.push(e);
  }
  return { header: header as unknown as TraceHeader, lines, events };
}
