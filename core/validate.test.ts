import { lastIndex } from './log';
// Bad input: untrusted messages and caller mistakes get typed errors and change nothing.

import fc from 'fast-check';
import { appendRequest, appendResponse, configFor, entriesOfTerms, nodeWithLog, receive, stateJson, stepSynced } from './testing/fixtures';
import { TestCluster } from './testing/cluster';
import { initialState, RaftState } from './state';
import { step } from './step';
import { validateMessage } from './validate';
import type { Input, Message, MessageType } from './types';

const follower = nodeWithLog('n2', 3, 3, [1, 1, 2, 3]);

function leaderState(): RaftState {
  const cluster = new TestCluster({ size: 3 });
  const leader = cluster.electLeader();
  cluster.deliverAll();
  // Rename nothing: tests address messages to whoever leads.
  return cluster.state(leader);
}

function expectRejectedUnchanged(state: RaftState, raw: unknown, errorType: 'InvalidMessage' | 'InvalidInput' = 'InvalidMessage'): void {
  const before = stateJson(state);
  const input = errorType === 'InvalidMessage' ? ({ type: 'Receive', message: raw } as Input) : (raw as Input);
  const r = step(state, input);
  expect(r.output.errors).toEqual([expect.objectContaining({ type: errorType })]);
  expect(stateJson(r.state)).toBe(before);
  expect(r.output.messages).toEqual([]);
  expect(r.output.persist).toBeNull();
}

const validAppend = appendRequest({ from: 'n1', to: 'n2', term: 3, prevLogIndex: 4, prevLogTerm: 3, entries: entriesOfTerms([3], 5) });

describe('InvalidMessage: impossible fields change nothing', () => {
  it('the valid message used as a base is accepted (so the cases below fail for their one fault)', () => {
    const r = stepSynced(follower, receive(validAppend));
    expect(r.output.errors).toEqual([]);
    expect(r.state.log.entries.size).toBe(5);
  });

  it.each<[string, Record<string, unknown>]>([
    ['negative prevLogIndex', { prevLogIndex: -1 }],
    ['non-integer prevLogIndex', { prevLogIndex: 1.5 }],
    ['NaN leaderCommit', { leaderCommit: NaN }],
    ['Infinity term', { term: Infinity }],
    ['string term', { term: '3' }],
    ['an entry term above the message term', { entries: entriesOfTerms([4], 5) }],
    ['entry terms decreasing along the batch', { prevLogIndex: 4, prevLogTerm: 3, term: 3, entries: [{ term: 3, type: 'Normal', data: 'a' }, { term: 2, type: 'Normal', data: 'b' }] }],
    ['an entry term below prevLogTerm (logs never go back in term)', { prevLogIndex: 4, prevLogTerm: 3, entries: entriesOfTerms([2], 5) }],
    ['prevLogTerm above the message term', { prevLogTerm: 9 }],
    ['prevLogTerm non-zero at index 0', { prevLogIndex: 0, prevLogTerm: 1 }],
    ['entries not an array', { entries: 'abc' }],
    ['a null entry', { entries: [null] }],
    ['an entry of unknown type', { entries: [{ term: 3, type: 'Weird', data: '' }] }],
    ['entry data not a string', { entries: [{ term: 3, type: 'Normal', data: 5 }] }],
    ['sender is the receiver itself', { from: 'n2' }],
    ['addressed to another node', { to: 'n3' }],
    ['wrong cluster id', { cluster: 'other' }],
    ['missing round', { round: undefined }],
    ['unknown message type', { type: 'AppendEverything' }],
  ])('AppendEntriesRequest with %s', (_what, patch) => {
    expectRejectedUnchanged(follower, { ...validAppend, ...patch });
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['an array', [validAppend]],
    ['a string', JSON.stringify(validAppend)],
    ['a number', 42],
    ['an empty object', {}],
    ['a type only', { type: 'RequestVoteRequest' }],
    ['a vote request whose lastLogTerm exceeds its term', { type: 'RequestVoteRequest', cluster: 'test', from: 'n1', to: 'n2', term: 3, lastLogIndex: 1, lastLogTerm: 4, transfer: false }],
    ['a vote request with a string transfer flag', { type: 'RequestVoteRequest', cluster: 'test', from: 'n1', to: 'n2', term: 4, lastLogIndex: 1, lastLogTerm: 1, transfer: 'yes' }],
    ['a snapshot without voters', { type: 'InstallSnapshotRequest', cluster: 'test', from: 'n1', to: 'n2', term: 4, lastIncludedIndex: 9, lastIncludedTerm: 3, lastIncludedConfig: { voters: [] }, offset: 0, data: '', done: true, round: 0 }],
    ['a read index below -1', { type: 'ReadIndexResponse', cluster: 'test', from: 'n1', to: 'n2', term: 3, requestId: 'r', readIndex: -2 }],
    ['a ten-kilobyte node id', { ...validAppend, from: 'x'.repeat(10_000) }],
  ])('%s', (_what, raw) => {
    expectRejectedUnchanged(follower, raw);
  });

  it('an AppendEntriesResponse whose matchIndex is beyond the leader\'s last index', () => {
    const leader = leaderState();
    const other = leader.config.cluster.voters.find((id) => id !== leader.config.id) as string;
    expectRejectedUnchanged(leader, appendResponse({ from: other, to: leader.config.id, term: leader.term, success: true, matchIndex: 99, prevLogIndex: 1 }));
  });

  // Such a rejection can be genuine: it answers a message this node sent in an earlier life,
  // before a crash lost entries it had not yet made durable. So it is ignored as stale, and it
  // must not park `next` beyond the log (which once stalled replication to that follower).
  it('a rejection with prevLogIndex beyond the leader\'s last index is ignored: next stays within the log', () => {
    const leader = leaderState();
    const other = leader.config.cluster.voters.find((id) => id !== leader.config.id) as string;
    const before = leader.leader?.progress[other];
    const r = step(leader, { type: 'Receive', message: appendResponse({ from: other, to: leader.config.id, term: leader.term, success: false, prevLogIndex: 99, conflictIndex: 50 }) as never });
    expect(r.output.errors).toEqual([]);
    const after = r.state.leader?.progress[other];
    expect(after?.next).toBe(before?.next);
    expect(after?.next).toBeLessThanOrEqual(lastIndex(leader.log) + 1);
  });

  it('a second leader in the same term is refused', () => {
    const leader = leaderState();
    const other = leader.config.cluster.voters.find((id) => id !== leader.config.id) as string;
    expectRejectedUnchanged(leader, appendRequest({ from: other, to: leader.config.id, term: leader.term }));
  });
});

describe('InvalidInput: caller mistakes', () => {
  it.each<[string, unknown]>([
    ['an unknown input type', { type: 'Explode' }],
    ['null input', null],
    ['a PersistAck beyond persistSeq', { type: 'PersistAck', seq: 1 }],
    ['a negative PersistAck', { type: 'PersistAck', seq: -1 }],
    ['a non-integer PersistAck', { type: 'PersistAck', seq: 0.5 }],
    ['a Snapshot beyond the applied index', { type: 'Snapshot', index: 3, data: 'x' }],
    ['a Snapshot with non-string data', { type: 'Snapshot', index: 0, data: 7 }],
    ['a Propose with no data', { type: 'Propose', requestId: 'p', data: [] }],
    ['a Propose with non-string data', { type: 'Propose', requestId: 'p', data: [1] }],
    ['a Read without a requestId', { type: 'Read' }],
  ])('%s', (_what, input) => {
    expectRejectedUnchanged(follower, input, 'InvalidInput');
  });
});

describe('fuzz: random values never throw, and a rejected message never changes state', () => {
  const types: MessageType[] = [
    'RequestVoteRequest', 'RequestVoteResponse', 'PreVoteRequest', 'PreVoteResponse', 'AppendEntriesRequest', 'AppendEntriesResponse',
    'InstallSnapshotRequest', 'InstallSnapshotResponse', 'TimeoutNowRequest', 'ReadIndexRequest', 'ReadIndexResponse',
  ];
  const states = (): RaftState[] => [follower, leaderState(), initialState(configFor('n1', 3))];

  function checkOne(state: RaftState, raw: unknown): void {
    const before = stateJson(state);
    const r = step(state, { type: 'Receive', message: raw as Message });
    const invalid = r.output.errors.some((e) => e.type === 'InvalidMessage');
    if (invalid) expect(stateJson(r.state)).toBe(before);
  }

  it('arbitrary JSON values', () => {
    const all = states();
    fc.assert(fc.property(fc.jsonValue(), (raw) => {
      for (const s of all) checkOne(s, raw);
    }), { seed: 99, numRuns: 400 });
  });

  it('message-shaped objects with random field values (addressed correctly, so they reach the handlers)', () => {
    const all = states();
    const value = fc.oneof(fc.integer({ min: -2, max: 12 }), fc.boolean(), fc.string({ maxLength: 4 }), fc.constant(null), fc.jsonValue());
    const entry = fc.record({ term: fc.integer({ min: 0, max: 6 }), type: fc.constantFrom('Normal', 'Noop', 'Config'), data: fc.string({ maxLength: 3 }) });
    const message = fc.record({
      type: fc.constantFrom(...types),
      cluster: fc.constant('test'),
      from: fc.constantFrom('n1', 'n2', 'n3'),
      term: fc.integer({ min: 0, max: 6 }),
      lastLogIndex: fc.oneof(fc.nat(12), value), lastLogTerm: fc.oneof(fc.nat(6), value), transfer: fc.oneof(fc.boolean(), value),
      granted: fc.oneof(fc.boolean(), value), prevLogIndex: fc.oneof(fc.nat(12), value), prevLogTerm: fc.oneof(fc.nat(6), value),
      entries: fc.oneof(fc.array(entry, { maxLength: 4 }), value), leaderCommit: fc.oneof(fc.nat(12), value), round: fc.oneof(fc.nat(5), value),
      success: fc.oneof(fc.boolean(), value), matchIndex: fc.oneof(fc.nat(12), value), conflictIndex: fc.oneof(fc.nat(12), value),
      conflictTerm: fc.oneof(fc.nat(6), value), lastIncludedIndex: fc.oneof(fc.nat(12), value), lastIncludedTerm: fc.oneof(fc.nat(6), value),
      lastIncludedConfig: fc.oneof(fc.constant({ voters: ['n1', 'n2', 'n3'] }), value), offset: fc.oneof(fc.nat(8), value),
      data: fc.oneof(fc.string({ maxLength: 6 }), value), done: fc.oneof(fc.boolean(), value), bytesReceived: fc.oneof(fc.nat(8), value),
      installed: fc.oneof(fc.boolean(), value), requestId: fc.oneof(fc.string({ maxLength: 3 }), value), readIndex: fc.oneof(fc.integer({ min: -1, max: 12 }), value),
    }, { requiredKeys: ['type', 'cluster', 'from', 'term'] });
    fc.assert(fc.property(message, (m) => {
      for (const s of all) checkOne(s, { ...m, to: s.config.id });
    }), { seed: 4242, numRuns: 1500 });
  });

  it('validateMessage returns a clean copy without unknown extra fields', () => {
    const checked = validateMessage({ ...validAppend, evil: 'payload' });
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.message).not.toHaveProperty('evil');
  });
});

describe('hostile shapes: refusals never throw, and what is kept is a clean copy', () => {
  const nested = (depth: number): unknown => {
    let v: unknown = [];
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  };

  it('a field nested 100,000 deep, or a cyclic one, is refused with a reason, not a RangeError', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [nested(100_000), cyclic]) {
      for (const field of ['type', 'term', 'prevLogIndex', 'entries']) {
        const r = validateMessage({ ...validAppend, [field]: bad });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reason).not.toMatch(/call stack|circular/i);
      }
      expectRejectedUnchanged(follower, { ...validAppend, term: bad });
    }
  });

  it('a snapshot configuration is copied down to its voter list: nothing else rides into storage', () => {
    const snapshot = { type: 'InstallSnapshotRequest', cluster: 'test', from: 'n1', to: 'n2', term: 4, lastIncludedIndex: 9, lastIncludedTerm: 3, offset: 0, data: '', done: true, round: 0 };
    const config = { voters: ['n1', 'n2', 'n3'], junk: nested(1000), more: 'x'.repeat(100_000) };
    const r = validateMessage({ ...snapshot, lastIncludedConfig: config });
    expect(r.ok && r.message.type === 'InstallSnapshotRequest' && r.message.lastIncludedConfig).toEqual({ voters: ['n1', 'n2', 'n3'] });
    expect(r.ok && r.message.type === 'InstallSnapshotRequest' && r.message.lastIncludedConfig.voters).not.toBe(config.voters);
    for (const voters of [['n1', 'n1'], [''], ['x'.repeat(300)], [1], Array.from({ length: 2000 }, (_, i) => `n${i}`)]) {
      expect(validateMessage({ ...snapshot, lastIncludedConfig: { voters } }).ok).toBe(false);
    }
  });
});
