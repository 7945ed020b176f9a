// Message predicates for holding, releasing and filtering traffic in scripts, e.g.
// `and(from('n1'), ofType('AppendEntriesRequest'), carriesEntries)`.

import type { Message, MessageType, NodeId } from '../../protocol/types';

export type MessagePredicate = (m: Message) => boolean;

export const anyMessage: MessagePredicate = () => true;

export function from(...nodes: NodeId[]): MessagePredicate {
  return (m) => nodes.includes(m.from);
}

export function to(...nodes: NodeId[]): MessagePredicate {
  return (m) => nodes.includes(m.to);
}

/** Either direction between a and b. */
export function between(a: NodeId, b: NodeId): MessagePredicate {
  return (m) => (m.from === a && m.to === b) || (m.from === b && m.to === a);
}

export function ofType(...types: MessageType[]): MessagePredicate {
  return (m) => types.includes(m.type);
}

/** An AppendEntriesRequest with at least one entry (not a bare heartbeat or probe). */
export const carriesEntries: MessagePredicate = (m) => m.type === 'AppendEntriesRequest' && m.entries.length > 0;

/** Messages that start a campaign: pre-vote and vote requests. */
export const campaign: MessagePredicate = ofType('PreVoteRequest', 'RequestVoteRequest');

export function and(...ps: MessagePredicate[]): MessagePredicate {
  return (m) => ps.every((p) => p(m));
}

export function or(...ps: MessagePredicate[]): MessagePredicate {
  return (m) => ps.some((p) => p(m));
}

export function not(p: MessagePredicate): MessagePredicate {
  return (m) => !p(m);
}

/** Campaign messages from anyone but `node`: dropping them makes `node` the only possible leader. */
export function campaignsExcept(...nodes: NodeId[]): MessagePredicate {
  return and(campaign, not(from(...nodes)));
}
