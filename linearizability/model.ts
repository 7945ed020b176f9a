import type { ModelValidationProblem } from './history';

/**
 * The sequential specification a history is checked against. A model is
 * plain data plus pure functions, so users define their own: a register, a
 * key-value store, a queue, a set. raftbed's key-value store is one such
 * model (kv-model.ts).
 */

/** Where a model can be loaded from, so that worker threads can check partitions in parallel. */
export interface ModelSource {
  /** An absolute path (or resolvable specifier) of a module; `.ts` modules load through ts-node. */
  readonly module: string;
  /** The name of the export that holds the model. */
  readonly exportName: string;
}

export interface Model<State, Input, Output> {
  /** Names the model in reports and errors. */
  readonly name: string;
  /** The state before any operation. */
  init(): State;
  /**
   * The state after `input` is applied in `state`, if a correct
   * implementation could return `output` there; `undefined` if it could not.
   * `output === undefined` means the outcome is unknown (the client timed out
   * or crashed): return the state after the operation took effect. Must be
   * deterministic and must not mutate `state`.
   */
  step(state: State, input: Input, output: Output | undefined): State | undefined;
  /**
   * True only if the operation, with this output, leaves the state unchanged
   * in every state where `step` accepts it: a read, or a compare-and-set that
   * reports it did not swap. The checker moves such operations to the front
   * of a linearisation, and drops them when their outcome is unknown. A write
   * of the value the state already holds is NOT read-only: elsewhere in the
   * order it changes the state. When in doubt, return false; that is always
   * sound, only slower.
   */
  isReadOnly(input: Input, output: Output | undefined): boolean;
  /**
   * The partition an operation belongs to. Operations in different
   * partitions must commute and never observe each other (P-compositionality:
   * the keys of a key-value store), so each partition is checked on its own.
   * Omit it for a single partition.
   */
  partition?(input: Input): string;
  /** Whether two states are equal. Default: `===` for primitives, equal JSON for objects. */
  equal?(a: State, b: State): boolean;
  /** A hash consistent with `equal` (equal states, equal hashes). Default: the primitive itself, or its JSON. */
  hash?(state: State): string | number;
  /** One line describing an operation and its output (`undefined`: unknown outcome), for reports. */
  describeOperation?(input: Input, output: Output | undefined): string;
  /** One line describing a state, for reports. */
  describeState?(state: State): string;
  /**
   * Why an input/output pair read from a file is malformed, or undefined if
   * it is fine. Lets the history parser reject bad files with a clear error.
   */
  validate?(input: unknown, output: unknown, outcomeKnown: boolean): ModelValidationProblem | string | undefined;
  /** Set this to let worker threads load the model; models without it are checked in the calling thread. */
  readonly source?: ModelSource;
}

/** Any model, for code that only moves models around. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any, any, any>;

function isPrimitive(x: unknown): boolean {
  return x === null || (typeof x !== 'object' && typeof x !== 'function');
}

function defaultHash(state: unknown): string | number {
  if (typeof state === 'number' || typeof state === 'string') return state;
  return isPrimitive(state) ? String(state) : `json:${JSON.stringify(state)}`;
}

function defaultEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isPrimitive(a) || isPrimitive(b)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A model with every optional part filled in, as the checker uses it. */
export interface ResolvedModel<State, Input, Output> extends Model<State, Input, Output> {
  partition(input: Input): string;
  equal(a: State, b: State): boolean;
  hash(state: State): string | number;
  describeOperation(input: Input, output: Output | undefined): string;
  describeState(state: State): string;
}

export class ModelError extends Error {
  override readonly name = 'ModelError';
}

export function resolveModel<State, Input, Output>(model: Model<State, Input, Output>): ResolvedModel<State, Input, Output> {
  for (const f of ['init', 'step', 'isReadOnly'] as const) {
    if (typeof model[f] !== 'function') throw new ModelError(`model ${String(model.name)} must define ${f}()`);
  }
  // Methods are called through the model so that `this` works for class-based models.
  return {
    name: String(model.name),
    source: model.source,
    validate: model.validate ? (i, o, k) => model.validate!(i, o, k) : undefined,
    init: () => model.init(),
    step: (s, i, o) => model.step(s, i, o),
    isReadOnly: (i, o) => model.isReadOnly(i, o),
    partition: model.partition ? (i) => model.partition!(i) : () => '',
    equal: model.equal ? (a, b) => model.equal!(a, b) : defaultEqual,
    hash: model.hash ? (s) => model.hash!(s) : defaultHash,
    describeOperation: model.describeOperation ? (i, o) => model.describeOperation!(i, o) : (i, o) => `${JSON.stringify(i)} → ${o === undefined ? '?' : JSON.stringify(o)}`,
    describeState: model.describeState ? (s) => model.describeState!(s) : (s) => JSON.stringify(s) ?? String(s),
  };
}
