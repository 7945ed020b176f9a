// Small tools the planted bugs share. A bug continues core's step with one rule broken by opening
// a fresh StepContext on the state core returned and calling core's own actions on it; the
// simulator absorbs the continuation as a second step of the same input.

import type { Input, Message, RaftState, StepResult } from '../../core';
import { StepContext, invariant } from '../../core/context';
import { heldMessages } from '../../core/held-queue';

/** The message of a Receive input when it has type `type`, else null. */
export function received<T extends Message['type']>(input: Input, type: T): Extract<Message, { type: T }> | null {
  if (input.type !== 'Receive' || input.message.type !== type) return null;
  return input.message as Extract<Message, { type: T }>;
}

/**
 * Runs `edit` on a continuation of `result`. `edit` returns false when it left the state alone, and
 * then core's result stands by itself. Self-addressed messages cannot be delivered from here (core
 * drains them inside its own step), so an edit that would produce one is a harness error.
 */
export function continueStep(result: StepResult, edit: (ctx: StepContext) => boolean): StepResult[] {
  const ctx = new StepContext(result.state);
  if (!edit(ctx)) return [result];
  invariant(ctx.selfInbox.length === 0, 'a planted bug produced a self-addressed message outside core');
  return [result, ctx.finish()];
}

/** Core's step applied to a copy of `input` whose message was rewritten by `tamper`. */
export function withMessage(input: Input, tamper: (m: Message, state: RaftState) => Message | null, state: RaftState): Input {
  if (input.type !== 'Receive') return input;
  const replaced = tamper(input.message, state);
  return replaced === null ? input : { type: 'Receive', message: replaced };
}

/**
 * The message core produced in this step that satisfies `matches`, whether sent at once or held
 * until a write is durable (persist-before-send), or null.
 */
export function producedMessage<T extends Message>(before: RaftState, result: StepResult, matches: (m: Message) => m is T): T | null {
  for (const m of result.output.messages) if (matches(m)) return m;
  const held = heldMessages(result.state.held);
  const heldBefore = heldMessages(before.held);
  for (let k = held.length - 1; k >= 0; k--) {
    if (heldBefore.includes(held[k])) break;
    if (matches(held[k].message)) return held[k].message as T;
  }
  return null;
}
