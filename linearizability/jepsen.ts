/**
 * Imports Jepsen and Knossos histories: one event per line, either an EDN
 * map as Jepsen's history.edn and Knossos's data files write them,
 *
 *   {:type :invoke, :f :write, :value 3, :process 0, :time 1523, :index 0}
 *
 * or a jepsen.util log line (`INFO jepsen.util - 0<TAB>:invoke<TAB>:read<TAB>nil`).
 * A file may also hold one EDN vector of such maps.
 *
 * Each :invoke pairs with the next completion of the same process. :ok means
 * the op took effect (a read's value is on the completion); :fail means it
 * did not, so it is left out; :info means it may or may not have happened, so
 * its outcome is unknown, as is that of an invocation never completed.
 * Nemesis events (a process that is not a number) are skipped.
 *
 * Register workloads (:read, :write, :cas with [old new]) become the
 * `register` model. Key-value workloads become the `kv` model: a :key field
 * (Knossos and Porcupine's kv data) or jepsen.independent's [key value]
 * tuples, with :read/:get, :write/:put, :cas and :append, values as strings.
 */
import { EdnMap, EdnReader, EdnSyntaxError, ednText, Keyword, type EdnValue } from './edn';
import type { KvOp, KvResult, Operation } from './history';
import type { RegisterInput, RegisterOutput, RegisterValue } from './register-model';

export type JepsenModelName = 'register' | 'kv';

export class JepsenFormatError extends Error {
  override readonly name = 'JepsenFormatError';
  constructor(
    message: string,
    /** 1-based line of the offending event. */
    readonly line: number,
    /** The event field at fault, when one is. */
    readonly field?: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

interface JepsenEvent {
  line: number;
  process: number;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: string;
  value: EdnValue;
  /** Jepsen's :time, in nanoseconds, when present. */
  timeNs?: number;
  /** Knossos/Porcupine kv data carry the key in its own field. */
  key?: EdnValue;
}

export interface JepsenImport {
  model: JepsenModelName;
  ops: Operation[];
  /** Ops that completed with :fail, left out because they did not happen. */
  failed: number;
  /** Events skipped because their process was not a client (the nemesis). */
  skipped: number;
}

const LOG_LINE = /jepsen\.util\s+-\s+(\S+)\s+(:\S+)\s+(:\S+)\s*(.*)$/;
const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

function readForms(text: string): { value: EdnValue; line: number }[] {
  const logLines = text.split('\n');
  if (logLines.some((l) => LOG_LINE.test(l))) {
    const forms: { value: EdnValue; line: number }[] = [];
    logLines.forEach((l, i) => {
      const m = LOG_LINE.exec(l);
      if (m === null) return;
      const [, process, type, f, value] = m;
      const line = i + 1;
      const read = (s: string): EdnValue => {
        try {
          return new EdnReader(s, line).read();
        } catch (e) {
          if (e instanceof EdnSyntaxError) throw new JepsenFormatError(`not EDN: ${e.message}`, line);
          throw e;
        }
      };
      const entries = new Map<string, EdnValue>([
        [':process', read(process)],
        [':type', read(type)],
        [':f', read(f)],
        [':value', read(value)],
      ]);
      forms.push({ value: new EdnMap(entries, line), line });
    });
    return forms;
  }
  const reader = new EdnReader(text);
  const forms: { value: EdnValue; line: number }[] = [];
  try {
    while (!reader.atEnd()) {
      const v = reader.read();
      if (Array.isArray(v)) for (const x of v) forms.push({ value: x, line: x instanceof EdnMap ? x.line : 0 });
      else forms.push({ value: v, line: v instanceof EdnMap ? v.line : 0 });
    }
  } catch (e) {
    if (e instanceof EdnSyntaxError) throw new JepsenFormatError(`not EDN: ${e.message}`, e.line);
    throw e;
  }
  return forms;
}

function toEvent(form: { value: EdnValue; line: number }): JepsenEvent | 'nemesis' {
  const { value, line } = form;
  if (!(value instanceof EdnMap)) throw new JepsenFormatError(`expected an event map, got ${ednText(value)}`, line);
  const kw = (field: string): string => {
    const v = value.get(`:${field}`);
    if (v instanceof Keyword) return v.name;
    if (typeof v === 'string') return v;
    throw new JepsenFormatError(`:${field} must be a keyword, got ${v === undefined ? 'nothing' : ednText(v)}`, line, field);
  };
  const process = value.get(':process');
  if (typeof process !== 'number') {
    if (process instanceof Keyword || typeof process === 'string') return 'nemesis';
    throw new JepsenFormatError(`:process must be a number, got ${process === undefined ? 'nothing' : ednText(process)}`, line, 'process');
  }
  const type = kw('type');
  if (!TYPES.has(type)) throw new JepsenFormatError(`:type must be :invoke, :ok, :fail or :info, got :${type}`, line, 'type');
  const time = value.get(':time');
  const event: JepsenEvent = { line, process, type: type as JepsenEvent['type'], f: kw('f'), value: value.get(':value') ?? null };
  if (typeof time === 'number') event.timeNs = time;
  if (value.entries.has(':key')) event.key = value.get(':key')!;
  return event;
}

interface Paired {
  invoke: JepsenEvent;
  complete?: JepsenEvent;
  invokeAt: number;
  completeAt?: number;
}

function pair(events: JepsenEvent[], keepFailed: (e: JepsenEvent) => boolean): { paired: Paired[]; failed: number } {
  const useTime = events.length > 0 && events.every((e) => e.timeNs !== undefined);
  const at = (e: JepsenEvent, index: number): number => (useTime ? e.timeNs! / 1e6 : index);
  const open = new Map<number, Paired>();
  const paired: Paired[] = [];
  let failed = 0;
  events.forEach((e, index) => {
    if (e.type === 'invoke') {
      const pending = open.get(e.process);
      if (pending !== undefined) {
        throw new JepsenFormatError(`process ${e.process} invokes again before its invocation on line ${pending.invoke.line} completed`, e.line, 'process');
      }
      const p: Paired = { invoke: e, invokeAt: at(e, index) };
      open.set(e.process, p);
      paired.push(p);
      return;
    }
    const p = open.get(e.process);
    if (p === undefined) throw new JepsenFormatError(`:${e.type} for process ${e.process}, which has no invocation pending`, e.line, 'process');
    if (p.invoke.f !== e.f) throw new JepsenFormatError(`completion :${e.f} does not match the invocation :${p.invoke.f} on line ${p.invoke.line}`, e.line, 'f');
    open.delete(e.process);
    if (e.type === 'fail' && !keepFailed(e)) {
      paired.splice(paired.indexOf(p), 1);
      failed++;
      return;
    }
    if (e.type === 'ok' || e.type === 'fail') {
      p.complete = e;
      p.completeAt = at(e, index);
    }
    // :info leaves the outcome unknown.
  });
  return { paired, failed };
}

function scalar(v: EdnValue, e: JepsenEvent, what: string): RegisterValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Keyword) return v.toString();
  throw new JepsenFormatError(`${what} must be a single value, got ${ednText(v)}`, e.line, 'value');
}

function kvString(v: EdnValue, e: JepsenEvent, what: string): string | null {
  const s = scalar(v, e, what);
  return s === null ? null : String(s);
}

function isTuple(v: EdnValue): v is EdnValue[] {
  return Array.isArray(v) && v.length === 2;
}

function detectModel(events: JepsenEvent[]): JepsenModelName {
  if (events.some((e) => e.key !== undefined)) return 'kv';
  const reads = events.filter((e) => e.f === 'read' || e.f === 'get');
  const writes = events.filter((e) => e.f === 'write' || e.f === 'put');
  const all = [...reads, ...writes];
  return all.length > 0 && all.every((e) => isTuple(e.value)) ? 'kv' : 'register';
}

function registerOp(p: Paired): { op: RegisterInput; result: RegisterOutput } {
  const { invoke, complete } = p;
  switch (invoke.f) {
    case 'read':
      return { op: { f: 'read' }, result: complete === undefined ? null : scalar(complete.value, complete, 'a read value') };
    case 'write':
      return { op: { f: 'write', value: scalar(invoke.value, invoke, 'a written value') }, result: null };
    case 'cas': {
      if (!isTuple(invoke.value)) throw new JepsenFormatError(`a cas value must be [old new], got ${ednText(invoke.value)}`, invoke.line, 'value');
      const [from, to] = invoke.value;
      return { op: { f: 'cas', from: scalar(from, invoke, 'cas old'), to: scalar(to, invoke, 'cas new') }, result: complete === undefined ? null : complete.type === 'ok' };
    }
    default:
      throw new JepsenFormatError(`the register model has no :${invoke.f} (expected :read, :write or :cas)`, invoke.line, 'f');
  }
}

function kvOp(p: Paired): { op: KvOp; result: KvResult | null } {
  const { invoke, complete } = p;
  // The key is its own field (Knossos/Porcupine kv data) or the first half of a [key value] tuple.
  const split = (e: JepsenEvent): { key: string; value: EdnValue } => {
    if (invoke.key !== undefined) return { key: String(kvString(invoke.key, invoke, 'a key')), value: e.value };
    if (!isTuple(e.value)) throw new JepsenFormatError(`expected a [key value] tuple or a :key field, got ${ednText(e.value)}`, e.line, 'value');
    return { key: String(kvString(e.value[0], e, 'a key')), value: e.value[1] };
  };
  const { key, value } = split(invoke);
  switch (invoke.f) {
    case 'read':
    case 'get':
      return { op: { kind: 'get', key }, result: complete === undefined ? null : { kind: 'value', value: kvString(split(complete).value, complete, 'a read value') } };
    case 'write':
    case 'put':
    case 'append': {
      const v = kvString(value, invoke, 'a written value');
      if (v === null) throw new JepsenFormatError(`:${invoke.f} of nil is not a kv write`, invoke.line, 'value');
      return { op: { kind: invoke.f === 'append' ? 'append' : 'put', key, value: v }, result: complete === undefined ? null : { kind: 'ok' } };
    }
    case 'cas': {
      if (!isTuple(value)) throw new JepsenFormatError(`a cas value must be [old new], got ${ednText(value)}`, invoke.line, 'value');
      const to = kvString(value[1], invoke, 'cas new');
      if (to === null) throw new JepsenFormatError('a cas cannot write nil', invoke.line, 'value');
      return { op: { kind: 'cas', key, expected: kvString(value[0], invoke, 'cas old'), value: to }, result: complete === undefined ? null : { kind: 'cas', ok: complete.type === 'ok' } };
    }
    default:
      throw new JepsenFormatError(`the kv model has no :${invoke.f} (expected :read/:get, :write/:put, :cas or :append)`, invoke.line, 'f');
  }
}

/**
 * Converts a Jepsen or Knossos history into operations for the `register` or
 * `kv` model (detected when `model` is not given). Throws JepsenFormatError,
 * naming the line, for anything it cannot read.
 */
export interface JepsenImportOptions {
  /** The model to import for; detected from the events when not given. */
  model?: JepsenModelName;
  /**
   * What a cas that completed with :fail means. 'not-applied' (the default,
   * as in Knossos): it did not take place, so it is left out. 'not-swapped':
   * it took place and its comparison failed, which some clients (etcd's)
   * guarantee; this constrains the history more.
   */
  failedCas?: 'not-applied' | 'not-swapped';
}

export function importJepsenHistory(text: string, options: JepsenImportOptions = {}): JepsenImport {
  const model = options.model;
  const events: JepsenEvent[] = [];
  let skipped = 0;
  for (const form of readForms(text)) {
    const e = toEvent(form);
    if (e === 'nemesis') skipped++;
    else events.push(e);
  }
  const chosen = model ?? detectModel(events);
  const { paired, failed } = pair(events, (e) => e.f === 'cas' && options.failedCas === 'not-swapped');
  const ops: Operation[] = paired.map((p, id) => {
    const { op, result } = chosen === 'kv' ? kvOp(p) : registerOp(p);
    const known = p.complete !== undefined;
    return { id, client: `p${p.invoke.process}`, op, invokeMs: p.invokeAt, completeMs: known ? p.completeAt! : null, result: known ? result : null };
  });
  return { model: chosen, ops, failed, skipped };
}
