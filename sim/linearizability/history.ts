/**
 * The history format the simulator records and the checker consumes.
 *
 * A history is a flat list of client operations on a key-value store. Each
 * operation has a virtual invocation time and, if the client learnt the
 * outcome, a completion time and a result. Operations whose outcome is
 * unknown (the client timed out) may have taken effect at any moment after
 * their invocation, or never.
 */

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

export interface HistoryOp {
  id: number;
  client: string;
  op: KvOp;
  /** Virtual time of invocation. */
  invokeMs: number;
  /** Virtual time of completion; `null` when the outcome is unknown. */
  completeMs: number | null;
  /** `null` exactly when `completeMs` is `null`. */
  result: KvResult | null;
}

export type HistoryErrorCode =
  | 'not-an-array'
  | 'not-an-object'
  | 'bad-id'
  | 'duplicate-id'
  | 'bad-client'
  | 'bad-op'
  | 'bad-time'
  | 'completes-before-invoke'
  | 'result-completion-mismatch'
  | 'result-kind-mismatch';

/** Thrown for malformed histories; `opId` names the offending operation when it has a usable id. */
export class HistoryValidationError extends Error {
  override readonly name = 'HistoryValidationError';
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
    readonly opId?: number,
    readonly index?: number,
  ) {
    super(message);
  }
}

/** The result kind each operation kind must carry when its outcome is known. */
export const expectedResultKind: Record<KvOp['kind'], KvResult['kind']> = {
  put: 'ok',
  append: 'ok',
  get: 'value',
  cas: 'cas',
};

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNullableString(x: unknown): x is string | null {
  return x === null || typeof x === 'string';
}

function describeBadOp(op: unknown): string | undefined {
  if (!isRecord(op)) return 'op must be an object';
  if (typeof op.key !== 'string') return 'op.key must be a string';
  switch (op.kind) {
    case 'get':
      return undefined;
    case 'put':
    case 'append':
      return typeof op.value === 'string' ? undefined : `${op.kind} value must be a string`;
    case 'cas':
      if (!isNullableString(op.expected)) return 'cas expected must be a string or null';
      return typeof op.value === 'string' ? undefined : 'cas value must be a string';
    default:
      return `unknown op kind ${JSON.stringify(op.kind)}`;
  }
}

function describeBadResult(result: unknown, opKind: KvOp['kind']): string | undefined {
  if (!isRecord(result)) return 'result must be an object or null';
  const want = expectedResultKind[opKind];
  if (result.kind !== want) return `${opKind} must have a result of kind '${want}', got ${JSON.stringify(result.kind)}`;
  if (want === 'value' && !isNullableString(result.value)) return 'get result value must be a string or null';
  if (want === 'cas' && typeof result.ok !== 'boolean') return 'cas result ok must be a boolean';
  return undefined;
}

/**
 * Checks the shape and internal consistency of a history, which may come
 * from untrusted JSON. Throws HistoryValidationError on the first problem;
 * returns the same array typed as a history otherwise.
 */
export function validateHistory(history: unknown): HistoryOp[] {
  if (!Array.isArray(history)) throw new HistoryValidationError('not-an-array', 'history must be an array');
  const seen = new Set<number>();
  for (let index = 0; index < history.length; index++) {
    const problem = findProblem(history[index], index, seen);
    if (problem !== undefined) throw problem;
  }
  return history as HistoryOp[];
}

function opError(code: HistoryErrorCode, id: number, index: number, message: string): HistoryValidationError {
  return new HistoryValidationError(code, `op ${id}: ${message}`, id, index);
}

function findProblem(raw: unknown, index: number, seen: Set<number>): HistoryValidationError | undefined {
  if (!isRecord(raw)) return new HistoryValidationError('not-an-object', `history[${index}] is not an object`, undefined, index);
  const id = raw.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return new HistoryValidationError('bad-id', `history[${index}].id must be a safe integer`, undefined, index);
  }
  if (seen.has(id)) return opError('duplicate-id', id, index, 'id appears more than once');
  seen.add(id);
  if (typeof raw.client !== 'string') return opError('bad-client', id, index, 'client must be a string');
  const opProblem = describeBadOp(raw.op);
  if (opProblem !== undefined) return opError('bad-op', id, index, opProblem);
  const op = raw.op as KvOp;
  const invokeMs = raw.invokeMs;
  if (typeof invokeMs !== 'number' || !Number.isFinite(invokeMs)) return opError('bad-time', id, index, 'invokeMs must be a finite number');
  const completeMs = raw.completeMs;
  if (completeMs === null) {
    return raw.result === null ? undefined : opError('result-completion-mismatch', id, index, 'result must be null when completeMs is null');
  }
  if (typeof completeMs !== 'number' || !Number.isFinite(completeMs)) return opError('bad-time', id, index, 'completeMs must be a finite number or null');
  if (completeMs < invokeMs) return opError('completes-before-invoke', id, index, 'completeMs is earlier than invokeMs');
  if (raw.result === null || raw.result === undefined) return opError('result-completion-mismatch', id, index, 'result must be present when completeMs is set');
  const resultProblem = describeBadResult(raw.result, op.kind);
  return resultProblem === undefined ? undefined : opError('result-kind-mismatch', id, index, resultProblem);
}
