/**
 * The history format the checker consumes: a flat list of client operations.
 * Each has a virtual invocation time and, if the client learnt the outcome, a
 * completion time and a result. An operation whose outcome is unknown (the
 * client timed out or crashed) may have taken effect at any moment after its
 * invocation, or never.
 */

export interface Operation<Input = unknown, Output = unknown> {
  id: number;
  client: string;
  /** The operation's input, in the model's own terms. */
  op: Input;
  /** Virtual time of invocation. */
  invokeMs: number;
  /** Virtual time of completion; `null` when the outcome is unknown. */
  completeMs: number | null;
  /** The output; `null` when the outcome is unknown (a known output may be null too, if the model says so). */
  result: Output | null;
  /** Optional: the server node that served the operation, for reports. */
  node?: string;
  /** Optional: the term (or epoch) in which it was served, for reports. */
  term?: number;
  /** Optional: the index of the operation's event in the run's trace (its invocation), so reports can link to it. */
  eventIndex?: number;
  /** Optional: the index of its completion event in the same trace. */
  completeEventIndex?: number;
}

export type KvOp =
  | { kind: 'put'; key: string; value: string }
  | { kind: 'get'; key: string }
  /** `expected: null` means "succeed only if the key is absent". */
  | { kind: 'cas'; key: string; expected: string | null; value: string }
  /** Appends to the current string; an absent key counts as ''. */
  | { kind: 'append'; key: string; value: string };

export type KvResult =
  /** Result of put and append. */
  | { kind: 'ok' }
  /** Result of get; `null` means the key was absent. */
  | { kind: 'value'; value: string | null }
  /** Result of cas: whether the swap happened. */
  | { kind: 'cas'; ok: boolean };

/** An operation on raftbed's key-value store, as the simulator records it. */
export type HistoryOp = Operation<KvOp, KvResult>;

export type HistoryErrorCode =
  | 'not-an-array'
  | 'not-an-object'
  | 'bad-id'
  | 'duplicate-id'
  | 'bad-client'
  | 'bad-op'
  | 'bad-result'
  | 'bad-time'
  | 'bad-annotation'
  | 'completes-before-invoke'
  | 'result-completion-mismatch';

/** Thrown for malformed histories; names the operation, the field and, for files, the line. */
export class HistoryValidationError extends Error {
  override readonly name = 'HistoryValidationError';
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
    /** The offending operation's id, when it has a usable one. */
    readonly opId?: number,
    /** Its index in the history. */
    readonly index?: number,
    /** The offending field, e.g. `completeMs` or `op.value`. */
    readonly field?: string,
    /** For histories read from a file: the 1-based line where the operation starts. */
    readonly line?: number,
  ) {
    super(message);
  }

  /** The same error, located in a file. */
  atLine(line: number | undefined, file?: string): HistoryValidationError {
    if (line === undefined) return this;
    const where = `${file === undefined ? 'line' : `${file}:`}${line}`;
    return new HistoryValidationError(this.code, `${where}: ${this.message}`, this.opId, this.index, this.field, line);
  }
}

/** What a model says about a malformed input or output. */
export interface ModelValidationProblem {
  /** `op`, `result`, or a path below them such as `op.value`. */
  field: string;
  message: string;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export type OperationValidator = (input: unknown, output: unknown, outcomeKnown: boolean) => ModelValidationProblem | string | undefined;

/**
 * Checks the shape and internal consistency of a history, which may come from
 * untrusted JSON, and, with `validateOp`, each operation's input and output
 * in the model's terms. Throws HistoryValidationError on the first problem;
 * returns the same array typed as a history otherwise.
 */
export function validateOperations<Input, Output>(history: unknown, validateOp?: OperationValidator): Operation<Input, Output>[] {
  if (!Array.isArray(history)) throw new HistoryValidationError('not-an-array', 'history must be an array');
  const seen = new Set<number>();
  for (let index = 0; index < history.length; index++) {
    const problem = findProblem(history[index], index, seen, validateOp);
    if (problem !== undefined) throw problem;
  }
  return history as Operation<Input, Output>[];
}

function opError(code: HistoryErrorCode, id: number, index: number, field: string, message: string): HistoryValidationError {
  return new HistoryValidationError(code, `op ${id}: ${field}: ${message}`, id, index, field);
}

function findProblem(raw: unknown, index: number, seen: Set<number>, validateOp?: OperationValidator): HistoryValidationError | undefined {
  if (!isRecord(raw)) return new HistoryValidationError('not-an-object', `history[${index}] is not an object`, undefined, index);
  const id = raw.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return new HistoryValidationError('bad-id', `history[${index}]: id: must be a safe integer`, undefined, index, 'id');
  }
  if (seen.has(id)) return opError('duplicate-id', id, index, 'id', 'appears more than once');
  seen.add(id);
  if (typeof raw.client !== 'string') return opError('bad-client', id, index, 'client', 'must be a string');
  if (!('op' in raw)) return opError('bad-op', id, index, 'op', 'is missing');
  const invokeMs = raw.invokeMs;
  if (typeof invokeMs !== 'number' || !Number.isFinite(invokeMs)) return opError('bad-time', id, index, 'invokeMs', 'must be a finite number');
  const completeMs = raw.completeMs;
  const known = completeMs !== null;
  if (known) {
    if (typeof completeMs !== 'number' || !Number.isFinite(completeMs)) return opError('bad-time', id, index, 'completeMs', 'must be a finite number or null');
    if (completeMs < invokeMs) return opError('completes-before-invoke', id, index, 'completeMs', 'is earlier than invokeMs');
    if (raw.result === undefined) return opError('result-completion-mismatch', id, index, 'result', 'must be present when completeMs is set');
  } else if (raw.result !== null) {
    return opError('result-completion-mismatch', id, index, 'result', 'must be null when completeMs is null (outcome unknown)');
  }
  for (const [field, ok] of [
    ['node', raw.node === undefined || typeof raw.node === 'string'],
    ['term', raw.term === undefined || (typeof raw.term === 'number' && Number.isSafeInteger(raw.term) && raw.term >= 0)],
    ['eventIndex', raw.eventIndex === undefined || (typeof raw.eventIndex === 'number' && Number.isSafeInteger(raw.eventIndex) && raw.eventIndex >= 0)],
    ['completeEventIndex', raw.completeEventIndex === undefined || (typeof raw.completeEventIndex === 'number' && Number.isSafeInteger(raw.completeEventIndex) && raw.completeEventIndex >= 0)],
  ] as const) {
    if (!ok) return opError('bad-annotation', id, index, field, field === 'node' ? 'must be a string' : 'must be a non-negative integer');
  }
  if (validateOp === undefined) return undefined;
  const problem = validateOp(raw.op, known ? raw.result : undefined, known);
  if (problem === undefined) return undefined;
  const { field, message } = typeof problem === 'string' ? { field: 'op' as const, message: problem } : problem;
  return opError(field.startsWith('result') ? 'bad-result' : 'bad-op', id, index, field, message);
}
