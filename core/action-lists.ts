// The action lists a step reports (Output.actions), interned: almost every step reports one of a
// few short sequences (HandleAppendEntriesRequest; PersistAck, HandleAppendEntriesResponse; ...),
// so each short sequence is built once, frozen, and shared by every output that reports it. A step
// then allocates no list for its actions. Frozen like the shared empty list: outputs are read-only.

import type { ActionName, Output } from './types';
import { EMPTY_LIST } from './arrays';

/** Sequences longer than this are built per step (they are rare: elections, membership changes). */
export const MAX_INTERNED_ACTIONS = 4;

export interface ActionList {
  readonly names: readonly ActionName[];
  /** The sequences one action longer, built on first use. */
  next: Map<ActionName, ActionList> | null;
  /** The last one looked up: most sequences have one usual continuation, found without a map lookup. */
  lastName: ActionName | null;
  lastNext: ActionList | null;
  /**
   * The output of a step that did these actions and produced nothing else (a leader's answer that
   * tells it nothing new, a PersistAck that releases only the leader's own acknowledgement): built
   * once, frozen and shared, like the list itself.
   */
  quietOutput: Output | null;
}

/** The empty sequence, the root of every interned one. */
export const NO_ACTIONS: ActionList = { names: EMPTY_LIST, next: null, lastName: null, lastNext: null, quietOutput: null };

/** The interned sequence `list.names` followed by `name`; `list` must hold fewer than MAX_INTERNED_ACTIONS. */
export function extendActions(list: ActionList, name: ActionName): ActionList {
  if (list.lastName === name) return list.lastNext as ActionList;
  const next = (list.next ??= new Map());
  let extended = next.get(name);
  if (extended === undefined) {
    extended = { names: Object.freeze([...list.names, name]), next: null, lastName: null, lastNext: null, quietOutput: null };
    next.set(name, extended);
  }
  list.lastName = name;
  list.lastNext = extended;
  return extended;
}

/** The shared output of a step that did `list`'s actions and nothing else. */
export function quietOutput(list: ActionList): Output {
  return (list.quietOutput ??= Object.freeze({
    messages: EMPTY_LIST, persist: null, apply: EMPTY_LIST, restore: null, reads: EMPTY_LIST, proposed: EMPTY_LIST, errors: EMPTY_LIST, actions: list.names,
  }));
}
