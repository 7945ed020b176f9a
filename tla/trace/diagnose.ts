/**
 * Reading the spec's candidates at the first unmatched event. TraceRaft.tla, run with DiagnoseAt,
 * prints one `<<"RAFTBED_DIAG", [checks |-> ..., spec |-> ..., logged |-> ...]>>` per candidate
 * (one per remaining nondeterministic choice). Values are parsed with a small TLA+ value reader,
 * never searched as text, and the disagreeing fields are computed by comparing the records.
 */

export type TlcValue = string | number | boolean | TlcValue[] | { [field: string]: TlcValue } | TlcSet;

/** TLA+ sets, kept apart from sequences. */
export class TlcSet {
  constructor(readonly items: TlcValue[]) {}
}

export class TlcValueSyntaxError extends Error {
  override readonly name = 'TlcValueSyntaxError';
}

/** Parses the TLA+ value syntax TLC prints: strings, integers, booleans, <<>>, {}, [f |-> v]. */
export function parseTlcValue(text: string): TlcValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new TlcValueSyntaxError(`${what} at offset ${at} of ${JSON.stringify(text.slice(Math.max(0, at - 20), at + 20))}`);
  };
  const skip = (): void => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const eat = (token: string): boolean => {
    skip();
    if (text.startsWith(token, at)) {
      at += token.length;
      return true;
    }
    return false;
  };
  const expect = (token: string): void => {
    if (!eat(token)) fail(`expected ${token}`);
  };
  const list = (close: string): TlcValue[] => {
    const items: TlcValue[] = [];
    if (eat(close)) return items;
    do items.push(value());
    while (eat(','));
    expect(close);
    return items;
  };
  const value = (): TlcValue => {
    skip();
    if (eat('<<')) return list('>>');
    if (eat('{')) return new TlcSet(list('}'));
    if (eat('[')) {
      const record: { [field: string]: TlcValue } = {};
      if (eat(']')) return record;
      do {
        skip();
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at));
        if (!name) fail('expected a field name');
        at += (name as RegExpExecArray)[0].length;
        expect('|->');
        record[(name as RegExpExecArray)[0]] = value();
      } while (eat(','));
      expect(']');
      return record;
    }
    if (eat('TRUE')) return true;
    if (eat('FALSE')) return false;
    if (text[at] === '"') {
      let end = at + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) fail('unterminated string');
      const literal = text.slice(at, end + 1);
      at = end + 1;
      return JSON.parse(literal) as string;
    }
    const number = /^-?\d+/.exec(text.slice(at));
    if (number) {
      at += number[0].length;
      return Number(number[0]);
    }
    return fail('unexpected input');
  };
  const result = value();
  skip();
  if (at !== text.length) fail('trailing input');
  return result;
}

const DIAG_START = /^<<\s*"RAFTBED_DIAG"/;

/** The diagnostic tuples in TLC's stdout: each starts a line and spans until its brackets close. */
export function extractDiagnostics(stdout: string): TlcValue[] {
  const lines = stdout.split(/\r?\n/);
  const found: TlcValue[] = [];
  for (let k = 0; k < lines.length; k++) {
    if (!DIAG_START.test(lines[k])) continue;
    let text = '';
    let depth = 0;
    let inString = false;
    let closed = false;
    for (; k < lines.length && !closed; k++) {
      const line = lines[k];
      for (let c = 0; c < line.length; c++) {
        const ch = line[c];
        if (inString) {
          if (ch === '\\') c++;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === '<' && line[c + 1] === '<') { depth++; c++; }
        else if (ch === '>' && line[c + 1] === '>') { depth--; c++; }
        else if (ch === '[' || ch === '{') depth++;
        else if (ch === ']' || ch === '}') depth--;
      }
      text += `${line}\n`;
      if (depth <= 0) closed = true;
    }
    k--;
    found.push(parseTlcValue(text.trim()));
  }
  return found;
}

export interface Candidate {
  readonly failedChecks: string[];
  readonly differingFields: string[];
}

function sameValue(a: TlcValue | undefined, b: TlcValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One diagnostic tuple -> the checks it failed and the fields where the spec and the log differ. */
export function readCandidate(diag: TlcValue): Candidate {
  if (!Array.isArray(diag) || diag.length !== 2 || typeof diag[1] !== 'object' || diag[1] === null || Array.isArray(diag[1]) || diag[1] instanceof TlcSet) {
    throw new TlcValueSyntaxError('a diagnostic must be <<"RAFTBED_DIAG", [checks, spec, logged]>>');
  }
  const body = diag[1] as { [field: string]: TlcValue };
  const checks = body.checks as { [field: string]: TlcValue };
  const spec = body.spec as { [field: string]: TlcValue };
  const logged = body.logged as { [field: string]: TlcValue };
  const failedChecks = Object.keys(checks).filter((name) => checks[name] !== true);
  const differingFields = Object.keys(spec).filter((name) => name !== 'none' && !sameValue(spec[name], logged[name]));
  return { failedChecks, differingFields };
}

/**
 * What disagreed, judged by the closest candidate (fewest failed checks and differing fields).
 * Check names are reported as they are named in TraceRaft.tla: node, msg, output (an expected
 * Send or Persist line of an earlier step never came), actions (no step of the spec does what
 * the logged actions say), persist, seq, to, lostRecords. Field names are the trace's own.
 */
export function disagreeingFields(diagnostics: readonly TlcValue[]): string[] {
  if (diagnostics.length === 0) return ['actions'];
  const candidates = diagnostics.map(readCandidate);
  const score = (c: Candidate): number => c.failedChecks.length + c.differingFields.length;
  const best = candidates.reduce((a, b) => (score(b) < score(a) ? b : a));
  const fields = [...best.failedChecks, ...best.differingFields];
  return fields.length > 0 ? fields : ['actions'];
}
