import type { ModelValidationProblem } from './history';
import type { Model } from './model';

/** A register holds one JSON scalar; `null` is the initial (nil) value, as in Jepsen's register workloads. */
export type RegisterValue = string | number | boolean | null;

export type RegisterInput =
  | { f: 'read' }
  | { f: 'write'; value: RegisterValue }
  /** Swaps `from` for `to` if the register holds `from`. */
  | { f: 'cas'; from: RegisterValue; to: RegisterValue };

/**
 * A read's output is the value read; a write's is ignored (use null); a
 * cas's is whether it swapped.
 */
export type RegisterOutput = RegisterValue;

function isScalar(x: unknown): x is RegisterValue {
  return x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
}

function show(v: RegisterValue): string {
  return v === null ? 'nil' : JSON.stringify(v);
}

function validateRegister(input: unknown, output: unknown, outcomeKnown: boolean): ModelValidationProblem | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { field: 'op', message: 'must be an object' };
  const op = input as Record<string, unknown>;
  switch (op.f) {
    case 'read':
      return outcomeKnown && !isScalar(output) ? { field: 'result', message: 'a read must return a scalar or null' } : undefined;
    case 'write':
      return isScalar(op.value) ? undefined : { field: 'op.value', message: 'must be a scalar or null' };
    case 'cas':
      if (!isScalar(op.from)) return { field: 'op.from', message: 'must be a scalar or null' };
      if (!isScalar(op.to)) return { field: 'op.to', message: 'must be a scalar or null' };
      return outcomeKnown && typeof output !== 'boolean' ? { field: 'result', message: 'a cas must return true or false' } : undefined;
    default:
      return { field: 'op.f', message: `unknown function ${JSON.stringify(op.f)} (expected read, write or cas)` };
  }
}

/**
 * A single read/write/compare-and-set register, the model of Jepsen's
 * register workloads and of Knossos's and Porcupine's examples. It has one
 * partition; a keyed store is the `kv` model.
 */
export const registerModel: Model<RegisterValue, RegisterInput, RegisterOutput> = {
  name: 'register',
  init: () => null,
  step(state, op, output) {
    switch (op.f) {
      case 'read':
        return output === undefined || output === state ? state : undefined;
      case 'write':
        return op.value;
      case 'cas': {
        const swaps = state === op.from;
        if (output !== undefined && output !== swaps) return undefined;
        return swaps ? op.to : state;
      }
    }
  },
  isReadOnly: (op, output) => op.f === 'read' || (op.f === 'cas' && output === false),
  describeOperation(op, output) {
    const result = output === undefined ? 'outcome unknown' : undefined;
    switch (op.f) {
      case 'read':
        return `read → ${result ?? show(output!)}`;
      case 'write':
        return `write ${show(op.value)}${result ? ` ${result}` : ''}`;
      case 'cas':
        return `cas ${show(op.from)} → ${show(op.to)} ${result ?? (output ? 'swapped' : 'not swapped')}`;
    }
  },
  describeState: show,
  validate: validateRegister,
  source: { module: __filename, exportName: 'registerModel' },
};
