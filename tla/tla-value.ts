/**
 * TLA+ values on our side of TLC: built and printed for the modules we generate (trace
 * validation), and parsed from what TLC prints in its -simulate state files (replay-spec):
 * integers, strings, booleans, sequences <<...>>, sets {...}, records [k |-> v, ...] (TLC also
 * prints functions over strings this way) and functions (k :> v @@ ...). Anything else that is
 * parsed is a typed error that says where.
 */

export type TlaValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'seq'; readonly items: readonly TlaValue[] }
  | { readonly kind: 'set'; readonly items: readonly TlaValue[] }
  | { readonly kind: 'rec'; readonly fields: ReadonlyMap<string, TlaValue> }
  | { readonly kind: 'fn'; readonly pairs: readonly (readonly [TlaValue, TlaValue])[] };

/** Builders for the values we generate. */
export const tla = {
  str: (value: string): TlaValue => ({ kind: 'str', value }),
  int: (value: number): TlaValue => ({ kind: 'int', value }),
  bool: (value: boolean): TlaValue => ({ kind: 'bool', value }),
  seq: (items: readonly TlaValue[]): TlaValue => ({ kind: 'seq', items }),
  set: (items: readonly TlaValue[]): TlaValue => ({ kind: 'set', items }),
  rec: (fields: Record<string, TlaValue>): TlaValue => ({ kind: 'rec', fields: new Map(Object.entries(fields)) }),
};

/** TLA+ source text for a value; parseTlaValue reads it back. */
export function printTla(value: TlaValue): string {
  switch (value.kind) {
    case 'str':
      return JSON.stringify(value.value); // JSON escapes are a subset of TLA+ string escapes for our alphabet
    case 'int':
      return String(value.value);
    case 'bool':
      return value.value ? 'TRUE' : 'FALSE';
    case 'seq':
      return `<<${value.items.map(printTla).join(', ')}>>`;
    case 'set':
      return `{${value.items.map(printTla).join(', ')}}`;
    case 'rec':
      return `[${[...value.fields].map(([k, v]) => `${k} |-> ${printTla(v)}`).join(', ')}]`;
    case 'fn':
      return value.pairs.length === 0 ? '<<>>' : `(${value.pairs.map(([k, v]) => `${printTla(k)} :> ${printTla(v)}`).join(' @@ ')})`;
  }
}

export class TlaValueParseError extends Error {
  override readonly name = 'TlaValueParseError';
  constructor(readonly offset: number, readonly reason: string, readonly source: string) {
    super(`${reason} at offset ${offset}: ${JSON.stringify(source.slice(offset, offset + 40))}`);
  }
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const INTEGER = /-?[0-9]+/y;

/** A cursor over TLA+ text; `value()` reads one value, the rest reads the punctuation around it. */
export class TlaReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  get offset(): number {
    return this.pos;
  }

  fail(reason: string, at = this.pos): never {
    throw new TlaValueParseError(at, reason, this.text);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  peek(token: string): boolean {
    this.skipSpace();
    return this.text.startsWith(token, this.pos);
  }

  accept(token: string): boolean {
    if (!this.peek(token)) return false;
    this.pos += token.length;
    return true;
  }

  expect(token: string): void {
    if (!this.accept(token)) this.fail(`expected ${JSON.stringify(token)}`);
  }

  ident(): string {
    this.skipSpace();
    IDENT.lastIndex = this.pos;
    const match = IDENT.exec(this.text);
    if (!match) this.fail('expected an identifier');
    this.pos += match[0].length;
    return match[0];
  }

  value(): TlaValue {
    this.skipSpace();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === undefined) this.fail('expected a value, found the end of the text');
    if (this.accept('<<')) return { kind: 'seq', items: this.list('>>') };
    if (this.accept('{')) return { kind: 'set', items: this.list('}') };
    if (this.accept('[')) return this.record(start);
    if (this.accept('(')) return this.function(start);
    if (c === '"') return { kind: 'str', value: this.string() };
    if (c === '-' || (c >= '0' && c <= '9')) return this.integer();
    if (this.acceptWord('TRUE')) return { kind: 'bool', value: true };
    if (this.acceptWord('FALSE')) return { kind: 'bool', value: false };
    return this.fail('expected a value');
  }

  private acceptWord(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    const next = this.text[this.pos + word.length];
    if (next !== undefined && /[A-Za-z0-9_]/.test(next)) return false;
    this.pos += word.length;
    return true;
  }

  private list(close: string): TlaValue[] {
    const items: TlaValue[] = [];
    if (this.accept(close)) return items;
    do items.push(this.value());
    while (this.accept(','));
    this.expect(close);
    return items;
  }

  private record(start: number): TlaValue {
    const fields = new Map<string, TlaValue>();
    if (this.accept(']')) this.fail('an empty record', start);
    do {
      const key = this.ident();
      this.expect('|->');
      if (fields.has(key)) this.fail(`field ${key} appears twice`);
      fields.set(key, this.value());
    } while (this.accept(','));
    this.expect(']');
    return { kind: 'rec', fields };
  }

  private function(start: number): TlaValue {
    const pairs: [TlaValue, TlaValue][] = [];
    do {
      const key = this.value();
      this.expect(':>');
      pairs.push([key, this.value()]);
    } while (this.accept('@@'));
    if (!this.accept(')')) this.fail('expected ")" or "@@" in a function', this.pos);
    if (pairs.length === 0) this.fail('an empty function', start);
    return { kind: 'fn', pairs };
  }

  private string(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === 'f') out += '\f';
      else if (e === '"' || e === '\\') out += e;
      else this.fail(`unknown string escape \\${e ?? ''}`, this.pos - 2);
    }
    return this.fail('unterminated string', start);
  }

  private integer(): TlaValue {
    INTEGER.lastIndex = this.pos;
    const match = INTEGER.exec(this.text);
    if (!match) this.fail('expected an integer');
    const value = Number(match[0]);
    if (!Number.isSafeInteger(value)) this.fail('integer out of range');
    this.pos += match[0].length;
    return { kind: 'int', value };
  }
}

/** Parses a text that holds exactly one TLA+ value. */
export function parseTlaValue(text: string): TlaValue {
  const reader = new TlaReader(text);
  const value = reader.value();
  if (!reader.atEnd()) reader.fail('unexpected text after the value');
  return value;
}

// ------------------------------------------------------------------------------------------------
// Typed access. Each reader names the path it was reading, so a surprise in TLC's output points
// at the variable and field.
// ------------------------------------------------------------------------------------------------

export class TlaShapeError extends Error {
  override readonly name = 'TlaShapeError';
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
  }
}

function describeKind(v: TlaValue): string {
  return v.kind === 'int' || v.kind === 'str' || v.kind === 'bool' ? `${v.kind} ${JSON.stringify(v.value)}` : v.kind;
}

export function asInt(v: TlaValue, path: string): number {
  if (v.kind !== 'int') throw new TlaShapeError(path, `expected an integer, got ${describeKind(v)}`);
  return v.value;
}

export function asStr(v: TlaValue, path: string): string {
  if (v.kind !== 'str') throw new TlaShapeError(path, `expected a string, got ${describeKind(v)}`);
  return v.value;
}

export function asBool(v: TlaValue, path: string): boolean {
  if (v.kind !== 'bool') throw new TlaShapeError(path, `expected a boolean, got ${describeKind(v)}`);
  return v.value;
}

/** A sequence; TLC prints an empty function (an empty record or bag) as <<>> too. */
export function asSeq(v: TlaValue, path: string): readonly TlaValue[] {
  if (v.kind !== 'seq') throw new TlaShapeError(path, `expected a sequence, got ${describeKind(v)}`);
  return v.items;
}

export function asSet(v: TlaValue, path: string): readonly TlaValue[] {
  if (v.kind !== 'set') throw new TlaShapeError(path, `expected a set, got ${describeKind(v)}`);
  return v.items;
}

export function asRecord(v: TlaValue, path: string): ReadonlyMap<string, TlaValue> {
  if (v.kind === 'seq' && v.items.length === 0) return new Map();
  if (v.kind !== 'rec') throw new TlaShapeError(path, `expected a record, got ${describeKind(v)}`);
  return v.fields;
}

/** A function as key/value pairs: (k :> v @@ ...), a record (string keys), or <<>> (empty). */
export function asPairs(v: TlaValue, path: string): readonly (readonly [TlaValue, TlaValue])[] {
  if (v.kind === 'fn') return v.pairs;
  if (v.kind === 'seq' && v.items.length === 0) return [];
  if (v.kind === 'rec') return [...v.fields].map(([k, x]) => [{ kind: 'str', value: k }, x] as const);
  throw new TlaShapeError(path, `expected a function, got ${describeKind(v)}`);
}

export function field(fields: ReadonlyMap<string, TlaValue>, key: string, path: string): TlaValue {
  const v = fields.get(key);
  if (v === undefined) throw new TlaShapeError(path, `missing field ${key}`);
  return v;
}
