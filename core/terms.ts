// The range of a term, stated once. The validator, the election code, every storage layer (the
// browser's, the simulator's disk) and the TLA+ trace conversion all read it from here, so no
// layer can accept a term that another refuses.
//
// Why a bound at all: terms only grow, by one per election, and a node adopts any larger term it
// hears. Without a bound one message carrying 2^53 - 1 was adopted by every node, after which the
// next pre-vote asked for 2^53 (not a safe integer) and no leader could ever be elected again.
//
// Why these numbers:
// - MAX_TERM = 2^31 - 1 is the largest integer TLC represents, so every term a node can reach is
//   one the spec can check in a trace. At one election per second it lasts 68 years.
// - A bound alone only moves the wall: a message with term MAX_TERM - 1 would be adopted, and the
//   cluster would be stuck one election later. So a message may raise a node's term by at most
//   MAX_TERM_STEP. A message from further ahead is refused, and the node's term moves up by
//   MAX_TERM_STEP, no more (step.ts, refuseAndCatchUp). Refusing without moving would strand a
//   correct node that a faulty one had pushed ahead (its peers would never accept its term
//   again); moving one step per message catches it up after a few retries, while a faulty peer
//   needs MAX_TERM / MAX_TERM_STEP = 32768 messages, each spending a full step, to exhaust the
//   range, instead of one. A correct peer is ahead of us by at most the number of elections we
//   missed, so 2^16 of them never happens in practice, and if it does it only costs a few refusals.

import type { Term } from './types';

/** The largest term any node may hold, send, or store. */
export const MAX_TERM: Term = 2 ** 31 - 1;

/** The largest increase of a node's term that one incoming message may cause. */
export const MAX_TERM_STEP: Term = 2 ** 16;

/** An integer in [0, MAX_TERM]. */
export function isTerm(value: unknown): value is Term {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TERM;
}

/**
 * Why a message with term `incoming` is too far ahead for a node whose term is `current`, or null
 * when it is not. Only raises are limited: lower and equal terms are the normal traffic of Raft.
 */
export function termStepRefusal(current: Term, incoming: Term): string | null {
  if (incoming - current <= MAX_TERM_STEP) return null;
  return `term ${incoming} is more than ${MAX_TERM_STEP} above ours (${current}): no correct peer gets that far ahead`;
}

/** A node at MAX_TERM cannot start an election (or ask for a pre-vote): there is no next term. */
export function canCampaign(current: Term): boolean {
  return current < MAX_TERM;
}
