import { validateOperations, type HistoryOp, type KvOp, type KvResult, type ModelValidationProblem } from './history';
import type { Model } from './model';

/** One key's value; `null` means absent. */
export type RegisterState = string | null;

function quote(value: string | null): string {
  return value === null ? '(absent)' : JSON.stringify(value);
}

export function describeKvOp(op: KvOp): string {
  switch (op.kind) {
    case 'get':
      return `get ${op.key}`;
    case 'put':
      return `put ${op.key} ${quote(op.value)}`;
    case 'append':
      return `append ${op.key} ${quote(op.value)}`;
    case 'cas':
      return `cas ${op.key} ${quote(op.expected)} → ${quote(op.value)}`;
  }
}

export function describeKvResult(result: KvResult | undefined): string {
  if (result === undefined) return 'outcome unknown';
  switch (result.kind) {
    case 'ok':
      return 'ok';
    case 'value':
      return `→ ${quote(result.value)}`;
    case 'cas':
      return result.ok ? '→ swapped' : '→ not swapped';
  }
}

/** The result kind each operation kind must carry when its outcome is known. */
const expectedResultKind: Record<KvOp['kind'], KvResult['kind']> = { put: 'ok', append: 'ok', get: 'value', cas: 'cas' };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNullableString(x: unknown): x is string | null {
  return x === null || typeof x === 'string';
}

function validateKv(op: unknown, result: unknown, outcomeKnown: boolean): ModelValidationProblem | undefined {
  const bad = (field: string, message: string): ModelValidationProblem => ({ field, message });
  if (!isRecord(op)) return bad('op', 'must be an object');
  if (typeof op.key !== 'string') return bad('op.key', 'must be a string');
  switch (op.kind) {
    case 'get':
      break;
    case 'put':
    case 'append':
      if (typeof op.value !== 'string') return bad('op.value', `${op.kind} value must be a string`);
      break;
    case 'cas':
      if (!isNullableString(op.expected)) return bad('op.expected', 'must be a string or null');
      if (typeof op.value !== 'string') return bad('op.value', 'must be a string');
      break;
    default:
      return bad('op.kind', `unknown op kind ${JSON.stringify(op.kind)} (expected put, get, cas or append)`);
  }
  if (!outcomeKnown) return undefined;
  const want = expectedResultKind[op.kind];
  if (!isRecord(result)) return bad('result', `${op.kind} must have a result object of kind '${want}'`);
  if (result.kind !== want) return bad('result.kind', `${op.kind} must have a result of kind '${want}', got ${JSON.stringify(result.kind)}`);
  if (want === 'value' && !isNullableString(result.value)) return bad('result.value', 'must be a string or null');
  if (want === 'cas' && typeof result.ok !== 'boolean') return bad('result.ok', 'must be a boolean');
  return undefined;
}

/**
 * raftbed's key-value store: put, get, cas and append on string values, one
 * partition per key. A key's state is its value, or null when absent.
 */
export const kvModel: Model<RegisterState, KvOp, KvResult> = {
  name: 'kv',
  init: () => null,
  step(state, op, result) {
    switch (op.kind) {
      case 'put':
        return op.value;
      case 'append':
        return (state ?? '') + op.value;
      case 'get':
        if (result === undefined) return state;
        return result.kind === 'value' && result.value === state ? state : undefined;
      case 'cas': {
        const swaps = state === op.expected;
        if (result !== undefined && (result.kind !== 'cas' || result.ok !== swaps)) return undefined;
        return swaps ? op.value : state;
      }
    }
  },
  isReadOnly: (op, result) => op.kind === 'get' || (op.kind === 'cas' && result !== undefined && result.kind === 'cas' && !result.ok),
  partition: (op) => op.key,
  // States are strings or null: the defaults (=== and the value itself) are exact.
  describeOperation: (op, result) => `${describeKvOp(op)} ${describeKvResult(result)}`,
  describeState: quote,
  validate: validateKv,
  source: { module: __filename, exportName: 'kvModel' },
};

/** Checks an untrusted key-value history (shape and kv ops); throws HistoryValidationError. */
export function validateHistory(history: unknown): HistoryOp[] {
  return validateOperations<KvOp, KvResult>(history, validateKv);
}
