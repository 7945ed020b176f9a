// Builders shared by core's tests: configs, logs, hand-made states and messages, so that each
// test states its scenario in a few lines instead of driving a cluster to it.

import type { AppendEntriesRequest, AppendEntriesResponse, DurableState, Entry, Input, Message, NodeId, Output, RaftConfig, RequestVoteRequest, Term } from '../types';
import { makeConfig } from '../config';
import { restartState, RaftState } from '../state';
import { step } from '../step';
import { vectorSlice } from '../persistent-vector';
import { TestCluster } from './cluster';

export const CLUSTER_ID = 'test';

export function idsOf(size: number): NodeId[] {
  return Array.from({ length: size }, (_, i) => `n${i + 1}`);
}

export function configFor(id: NodeId, size: number, overrides: Partial<RaftConfig> = {}): RaftConfig {
  return makeConfig({ clusterId: CLUSTER_ID, id, cluster: { voters: idsOf(size) }, seed: Number(id.slice(1)) * 17, ...overrides });
}

/** One entry per term given, with data naming its index and term so that logs are easy to compare. */
export function entriesOfTerms(terms: readonly Term[], firstIndex = 1): Entry[] {
  return terms.map((term, k) => ({ term, type: 'Normal' as const, data: `i${firstIndex + k}t${term}` }));
}

export function durableWithTerms(term: Term, terms: readonly Term[], votedFor: NodeId | null = null): DurableState {
  return { term, votedFor, snapshot: null, entries: entriesOfTerms(terms) };
}

/** A node restarted from a durable log: how tests build Figure 7 and Figure 8 states. */
export function nodeWithLog(id: NodeId, size: number, term: Term, terms: readonly Term[], overrides: Partial<RaftConfig> = {}): RaftState {
  return restartState(configFor(id, size, overrides), durableWithTerms(term, terms), 0);
}

/** Replaces every node of a TestCluster by a node restarted from the given durable logs. */
export function seedClusterLogs(cluster: TestCluster, logs: Record<NodeId, { term: Term; terms: readonly Term[] }>): void {
  for (const [id, { term, terms }] of Object.entries(logs)) {
    const durable = durableWithTerms(term, terms);
    const n = cluster.node(id);
    n.durable = { term: durable.term, votedFor: durable.votedFor, snapshot: durable.snapshot, entries: durable.entries.slice() };
    n.lastDurableSeq = 0;
    n.state = restartState(cluster.configs.get(id) as RaftConfig, durable, 0);
  }
}

export function logEntries(state: RaftState): Entry[] {
  return vectorSlice(state.log.entries, 0, state.log.entries.size);
}

export function logTerms(state: RaftState): Term[] {
  return logEntries(state).map((e) => e.term);
}

export function stateJson(state: RaftState): string {
  return JSON.stringify(state);
}

export function run(state: RaftState, inputs: readonly Input[]): { state: RaftState; outputs: Output[] } {
  const outputs: Output[] = [];
  for (const input of inputs) {
    const r = step(state, input);
    state = r.state;
    outputs.push(r.output);
  }
  return { state, outputs };
}

/** Steps, then acknowledges whatever it asked to persist, as a well-behaved caller does. */
export function stepSynced(state: RaftState, input: Input): { state: RaftState; messages: Message[]; output: Output } {
  const first = step(state, input);
  const messages = [...first.output.messages];
  if (first.output.persist === null) return { state: first.state, messages, output: first.output };
  const ack = step(first.state, { type: 'PersistAck', seq: first.output.persist.seq });
  messages.push(...ack.output.messages);
  return { state: ack.state, messages, output: first.output };
}

export function receive(message: Message): Input {
  return { type: 'Receive', message };
}

export function appendRequest(fields: Partial<AppendEntriesRequest> & Pick<AppendEntriesRequest, 'from' | 'to' | 'term'>): AppendEntriesRequest {
  return {
    type: 'AppendEntriesRequest', cluster: CLUSTER_ID, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0, round: 0, ...fields,
  };
}

export function appendResponse(fields: Partial<AppendEntriesResponse> & Pick<AppendEntriesResponse, 'from' | 'to' | 'term'>): AppendEntriesResponse {
  return {
    type: 'AppendEntriesResponse', cluster: CLUSTER_ID, success: true, matchIndex: 0, conflictIndex: 0, conflictTerm: 0, prevLogIndex: 0, round: 0, ...fields,
  };
}

export function voteRequest(fields: Partial<RequestVoteRequest> & Pick<RequestVoteRequest, 'from' | 'to' | 'term'>): RequestVoteRequest {
  return { type: 'RequestVoteRequest', cluster: CLUSTER_ID, lastLogIndex: 0, lastLogTerm: 0, transfer: false, ...fields };
}

export function messagesOfType<T extends Message['type']>(messages: readonly Message[], type: T): Extract<Message, { type: T }>[] {
  return messages.filter((m): m is Extract<Message, { type: T }> => m.type === type);
}

/** Ticks one node (and only it) until its role changes or `max` ticks pass, delivering as it goes. */
export function tickUntilRole(cluster: TestCluster, id: NodeId, role: RaftState['role'], max = 200): void {
  for (let t = 0; t < max; t++) {
    if (cluster.state(id).role === role) return;
    cluster.tick(id);
    cluster.deliverAll();
  }
  if (cluster.state(id).role !== role) throw new Error(`${id} did not become ${role} within ${max} ticks`);
}
