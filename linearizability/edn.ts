/**
 * Just enough EDN to read Jepsen and Knossos histories: nil, booleans,
 * numbers, strings, keywords, symbols, vectors, lists, sets, maps and tagged
 * literals (the tag is dropped). Commas are whitespace and `;` starts a
 * comment. Errors name the line and column.
 */

export class Keyword {
  constructor(readonly name: string) {}
  toString(): string {
    return `:${this.name}`;
  }
}

/** Maps keep their keys as written (`:type`, `"x"`, `0`), so keyword keys read naturally. */
export type EdnValue = null | boolean | number | string | Keyword | EdnValue[] | EdnMap;
export class EdnMap {
  constructor(
    readonly entries: Map<string, EdnValue>,
    /** 1-based line where the map starts. */
    readonly line: number,
  ) {}
  get(key: string): EdnValue | undefined {
    return this.entries.get(key);
  }
}

export class EdnSyntaxError extends Error {
  override readonly name = 'EdnSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${line}:${column}: ${message}`);
  }
}

const DELIMITERS = new Set([...' \t\r\n,()[]{}";']);

/** Renders an EDN value back as text, for map keys and messages. */
export function ednText(v: EdnValue): string {
  if (v === null) return 'nil';
  if (v instanceof Keyword) return v.toString();
  if (Array.isArray(v)) return `[${v.map(ednText).join(' ')}]`;
  if (v instanceof EdnMap) return `{${[...v.entries].map(([k, x]) => `${k} ${ednText(x)}`).join(', ')}}`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export class EdnReader {
  private i = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly text: string,
    /** Line number of the text's first line, when it is one line of a larger file. */
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  private fail(message: string): never {
    throw new EdnSyntaxError(message, this.line, this.i - this.lineStart + 1);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t[this.i];
      if (c === '\n') {
        this.i++;
        this.line++;
        this.lineStart = this.i;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === ',') this.i++;
      else if (c === ';') while (this.i < t.length && t[this.i] !== '\n') this.i++;
      else break;
    }
  }

  /** True when only whitespace and comments remain. */
  atEnd(): boolean {
    this.skipSpace();
    return this.i >= this.text.length;
  }

  read(): EdnValue {
    this.skipSpace();
    const t = this.text;
    if (this.i >= t.length) this.fail('unexpected end of input');
    const c = t[this.i];
    if (c === '{') return this.readMap();
    if (c === '[' || c === '(') return this.readSeq(c === '[' ? ']' : ')');
    if (c === '"') return this.readString();
    if (c === '#') {
      if (t[this.i + 1] === '{') {
        this.i++;
        return this.readSeq('}');
      }
      this.i++;
      this.readToken(); // a tag such as #inst or #uuid: keep only the value
      return this.read();
    }
    if (c === ')' || c === ']' || c === '}') this.fail(`unexpected ${c}`);
    return this.atom(this.readToken());
  }

  private readToken(): string {
    const start = this.i;
    while (this.i < this.text.length && !DELIMITERS.has(this.text[this.i])) this.i++;
    if (this.i === start) this.fail(`unexpected ${JSON.stringify(this.text[this.i])}`);
    return this.text.slice(start, this.i);
  }

  private atom(token: string): EdnValue {
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token.startsWith(':')) return new Keyword(token.slice(1));
    if (/^[+-]?\d/.test(token)) {
      const n = Number(token.replace(/[NM]$/, ''));
      if (!Number.isFinite(n)) this.fail(`bad number ${token}`);
      return n;
    }
    return token; // a symbol: read as its name
  }

  private readString(): string {
    const t = this.text;
    let out = '';
    this.i++;
    for (;;) {
      if (this.i >= t.length) this.fail('unterminated string');
      const c = t[this.i++];
      if (c === '"') return out;
      if (c === '\n') {
        this.line++;
        this.lineStart = this.i;
      }
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = t[this.i++];
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
      if (e === 'u') {
        out += String.fromCharCode(parseInt(t.slice(this.i, this.i + 4), 16));
        this.i += 4;
      } else if (e in escapes) out += escapes[e];
      else this.fail(`bad escape \\${e}`);
    }
  }

  private readSeq(close: string): EdnValue[] {
    this.i++;
    const items: EdnValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.i >= this.text.length) this.fail(`missing ${close}`);
      if (this.text[this.i] === close) {
        this.i++;
        return items;
      }
      items.push(this.read());
    }
  }

  private readMap(): EdnMap {
    const line = this.line;
    this.i++;
    const entries = new Map<string, EdnValue>();
    for (;;) {
      this.skipSpace();
      if (this.i >= this.text.length) this.fail('missing }');
      if (this.text[this.i] === '}') {
        this.i++;
        return new EdnMap(entries, line);
      }
      const key = this.read();
      this.skipSpace();
      if (this.text[this.i] === '}') this.fail(`map key ${ednText(key)} has no value`);
      entries.set(ednText(key), this.read());
    }
  }
}
