/**
 * Reading a history from a JSON file (docs/linearizability.md): either
 *
 *   { "format": "raftbed-history", "version": 1, "model": "kv", "ops": [ ... ] }
 *
 * or a bare array of operations. Every problem is a typed error that names
 * the line, and for a bad operation its id and field.
 */
import { HistoryValidationError, validateOperations, type Operation } from './history';
import type { AnyModel } from './model';
import { builtInModel, BUILT_IN_MODELS } from './models';

export const HISTORY_FORMAT = 'raftbed-history';
export const HISTORY_VERSION = 1;

export type HistoryFileErrorCode = 'bad-json' | 'bad-header' | 'unknown-model' | 'model-mismatch';

export class HistoryFileError extends Error {
  override readonly name = 'HistoryFileError';
  constructor(
    readonly code: HistoryFileErrorCode,
    message: string,
    /** 1-based line of the problem, when known. */
    readonly line?: number,
    /** The header field at fault, for header problems. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface HistoryFile {
  /** The model the history is checked against. */
  model: AnyModel;
  ops: Operation[];
}

export interface ReadHistoryOptions {
  /** The file name, for messages. */
  file?: string;
  /** A model chosen by the caller (e.g. --model): used for a bare array, and must agree with a header's model. */
  model?: AnyModel;
}

/** Offsets of line starts, to turn character offsets into 1-based lines. */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  columnOf(offset: number): number {
    return offset - this.starts[this.lineOf(offset) - 1] + 1;
  }
}

/**
 * The offsets at which the elements of the operations array start: the
 * top-level array, or the top-level object's "ops" member. The text is
 * already known to be valid JSON, so this only walks its structure.
 */
function opOffsets(text: string): number[] {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const skipString = (): string => {
    const start = ++i;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return text.slice(start, i++);
  };
  const skipValue = (): void => {
    if (text[i] === '"') return void skipString();
    if (text[i] !== '{' && text[i] !== '[') {
      while (i < text.length && !',]} \t\r\n'.includes(text[i])) i++;
      return;
    }
    let depth = 0;
    do {
      if (text[i] === '"') {
        skipString();
        continue;
      }
      if (text[i] === '{' || text[i] === '[') depth++;
      else if (text[i] === '}' || text[i] === ']') depth--;
      i++;
    } while (depth > 0);
  };
  const elements = (): number[] => {
    const starts: number[] = [];
    i++;
    for (ws(); text[i] !== ']'; ws()) {
      starts.push(i);
      skipValue();
      ws();
      if (text[i] === ',') i++;
    }
    return starts;
  };
  ws();
  if (text[i] === '[') return elements();
  if (text[i] !== '{') return [];
  i++;
  for (ws(); text[i] !== '}'; ws()) {
    const key = skipString();
    ws();
    i++; // ':'
    ws();
    if (key === 'ops' && text[i] === '[') return elements();
    skipValue();
    ws();
    if (text[i] === ',') i++;
  }
  return [];
}

/**
 * Where a text that JSON.parse rejected first goes wrong: Node's messages do
 * not always say. A syntax walk that builds nothing.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const expect = (c: string): void => {
    if (text[i] !== c) fail();
    i++;
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      const c = text[i++];
      if (c === '"') return;
      if (c === '\\') {
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else fail();
      }
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          string();
          ws();
          expect(':');
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else return expect(close);
      }
    }
    if (c === '"') return string();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (m === null) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, text.length);
    throw at;
  }
  return text.length;
}

function parseJson(text: string, lines: LineIndex, file: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const offset = jsonErrorOffset(text);
    const line = lines.lineOf(offset);
    const where = `${line}:${lines.columnOf(offset)}: `;
    throw new HistoryFileError('bad-json', `${file === undefined ? '' : `${file}:`}${where}not valid JSON: ${(e as Error).message}`, line);
  }
}

/**
 * Parses and validates a history file's text. Throws HistoryFileError for a
 * file that is not a history, and HistoryValidationError (with `line` set)
 * for a malformed operation.
 */
export function parseHistoryJson(text: string, options: ReadHistoryOptions = {}): HistoryFile {
  const { file } = options;
  const prefix = file === undefined ? '' : `${file}: `;
  const lines = new LineIndex(text);
  const doc = parseJson(text, lines, file);
  let ops: unknown;
  let model = options.model;
  if (Array.isArray(doc)) {
    ops = doc;
  } else if (typeof doc === 'object' && doc !== null) {
    const header = doc as Record<string, unknown>;
    const headerError = (field: string, message: string, code: HistoryFileErrorCode = 'bad-header'): HistoryFileError =>
      new HistoryFileError(code, `${prefix}${field}: ${message}`, undefined, field);
    if (header.format !== HISTORY_FORMAT) throw headerError('format', `must be ${JSON.stringify(HISTORY_FORMAT)}, got ${JSON.stringify(header.format)}`);
    if (header.version !== HISTORY_VERSION) throw headerError('version', `must be ${HISTORY_VERSION}, got ${JSON.stringify(header.version)}`);
    if (header.model !== undefined) {
      if (typeof header.model !== 'string') throw headerError('model', 'must be a string');
      const named = builtInModel(header.model);
      if (model !== undefined && model.name !== header.model) {
        throw headerError('model', `the file says ${JSON.stringify(header.model)} but ${JSON.stringify(model.name)} was asked for`, 'model-mismatch');
      }
      if (named === undefined && model === undefined) {
        throw headerError('model', `unknown model ${JSON.stringify(header.model)} (known: ${Object.keys(BUILT_IN_MODELS).join(', ')})`, 'unknown-model');
      }
      model ??= named;
    }
    if (!Array.isArray(header.ops)) throw headerError('ops', 'must be an array of operations');
    ops = header.ops;
  } else {
    throw new HistoryFileError('bad-header', `${prefix}a history is an object with "ops" or an array of operations`);
  }
  model ??= builtInModel('kv')!;
  try {
    const validated = validateOperations(ops, model.validate === undefined ? undefined : (i, o, k) => model!.validate!(i, o, k));
    return { model, ops: validated };
  } catch (e) {
    if (!(e instanceof HistoryValidationError) || e.index === undefined) throw e;
    const offset = opOffsets(text)[e.index];
    throw e.atLine(offset === undefined ? undefined : lines.lineOf(offset), file);
  }
}

/** Writes a history in the documented format, one operation per line. */
export function formatHistoryJson(ops: readonly Operation[], modelName: string): string {
  const header = `{"format":${JSON.stringify(HISTORY_FORMAT)},"version":${HISTORY_VERSION},"model":${JSON.stringify(modelName)},"ops":[`;
  return `${header}\n${ops.map((o) => `  ${JSON.stringify(o)}`).join(',\n')}\n]}\n`;
}
