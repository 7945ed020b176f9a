import type { KvOp, KvResult } from './history';

/**
 * States must be primitives so that equal states are `===` and the visited
 * cache can intern them in a Map without a user-supplied hash.
 */
export type PrimitiveState = string | number | boolean | null;

/**
 * A sequential specification of one partition (for key-value stores: one
 * key). `step` must be deterministic: given a state and an operation there is
 * exactly one next state, and the recorded result is only checked against it.
 */
export interface SequentialModel<State extends PrimitiveState, Op, Result> {
  readonly name: string;
  readonly initialState: State;
  /**
   * The state after applying `op` in `state` if `result` is what a correct
   * implementation returns there; `undefined` if the result is impossible.
   * `result === null` means the outcome is unknown: any result is allowed, so
   * the op can always be applied.
   */
  step(state: State, op: Op, result: Result | null): State | undefined;
  /**
   * True only if the op, with this result, leaves the state unchanged in
   * every state where `step` accepts it: a read, or a cas that reports it did
   * not swap. The search may move a read-only op to the front of any
   * completion. A write of the value the key already holds is not read-only:
   * it leaves this state unchanged, but not every state it could be
   * linearised in. When in doubt, answer false; that is always sound.
   */
  isReadOnly(op: Op, result: Result | null): boolean;
}

/** A single key's value; `null` means absent. */
export type RegisterState = string | null;

/**
 * The specification of one key of the store. P-compositionality lets the
 * checker verify each key against this model separately.
 */
export const kvRegisterModel: SequentialModel<RegisterState, KvOp, KvResult> = {
  name: 'kv-register',
  initialState: null,
  step(state, op, result) {
    switch (op.kind) {
      case 'put':
        return op.value;
      case 'append':
        return (state ?? '') + op.value;
      case 'get':
        if (result === null) return state;
        return result.kind === 'value' && result.value === state ? state : undefined;
      case 'cas': {
        const swaps = state === op.expected;
        if (result !== null && (result.kind !== 'cas' || result.ok !== swaps)) return undefined;
        return swaps ? op.value : state;
      }
    }
  },
  isReadOnly(op, result) {
    return op.kind === 'get' || (op.kind === 'cas' && result !== null && result.kind === 'cas' && !result.ok);
  },
};
