// The JSON Schemas (protocol/schemas) and the hand-written validator (validate.ts) must accept and
// refuse exactly the same lines. The corpus: every line of a real core run on the mini-cluster,
// hand-written lines for what that run does not produce (snapshots, every error, every input),
// and thousands of mutants of all of them (a field removed, retyped, out of range, or added).

import Ajv2020 from 'ajv/dist/2020';
import { CoreProtocolNode } from './core-node';
import { runConformanceScenario } from './testing/conformance-scenario';
import { checkFatalShape, checkInputShape, checkMessageShape, checkOutputShape, decodeInput, decodeOutput, shapeOf } from './validate';
import { ProtocolViolation } from './errors';
import common from './schemas/common.json';
import message from './schemas/message.json';
import input from './schemas/input.json';
import output from './schemas/output.json';
import fatal from './schemas/fatal.json';

const ajv = new Ajv2020({ strict: true, allErrors: false });
for (const schema of [common, message, input, output, fatal]) ajv.addSchema(schema);
const BASE = 'https://raftbed.example/protocol/1/';

type Kind = 'input' | 'output' | 'fatal' | 'message';
const CHECKS: Record<Kind, (v: unknown) => unknown> = { input: checkInputShape, output: checkOutputShape, fatal: checkFatalShape, message: checkMessageShape };

function schemaAccepts(kind: Kind, value: unknown): boolean {
  return ajv.getSchema(`${BASE}${kind}.json`)!(value) as boolean;
}

const view = { term: 3, role: 'Leader', votedFor: 'n1', commitIndex: 4, leader: 'n1', lastIndex: 5, lastTerm: 3, snapshotIndex: 2 };
const options = { electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, preVote: true, checkQuorum: false };
const entry = { term: 2, type: 'Normal', data: '{"put":"a"}' };
const snapshot = { index: 2, term: 1, data: 'state', config: { voters: ['n1', 'n2', 'n3'] } };

const HAND_WRITTEN: [Kind, unknown][] = [
  ['input', { type: 'Init', protocol: 1, id: 'n1', voters: ['n1', 'n2', 'n3'], seed: 4294967295, options, impl: { clusterId: 'c' } }],
  ['input', { type: 'Restart', protocol: 1, id: 'n1', voters: ['n1'], seed: 0, options, durable: { term: 3, votedFor: null, snapshot, entries: [entry] }, lastSeq: 9 }],
  ['input', { type: 'Restart', protocol: 1, id: 'n1', voters: ['n1'], seed: 0, options, durable: { term: 0, votedFor: 'n1', snapshot: null, entries: [] }, lastSeq: 0 }],
  ['input', { type: 'Tick' }],
  ['input', { type: 'Propose', requestId: 'c1.2.0', data: ['a', 'b'] }],
  ['input', { type: 'Read', requestId: 'r' }],
  ['input', { type: 'PersistAck', seq: 12 }],
  ['input', { type: 'Snapshot', index: 7, data: '{}' }],
  ['input', { type: 'TransferLeadership', to: 'n2' }],
  ['input', { type: 'ProposeConfChange', requestId: 'm1', changes: [{ kind: 'AddVoter', node: 'n4' }, { kind: 'RemoveNode', node: 'n1' }], leaveJoint: 'explicit' }],
  ['input', { type: 'ProposeConfChange', requestId: 'm2', changes: [] }],
  ['input', { type: 'Restart', protocol: 1, id: 'n1', voters: ['n1'], seed: 0, options, durable: { term: 1, votedFor: null, snapshot: { ...snapshot, config: { voters: ['n1', 'n4'], votersOutgoing: ['n1', 'n2'], learners: ['n5'], autoLeave: true } }, entries: [] }, lastSeq: 1 }],
  ['input', { type: 'Receive', message: { type: 'InstallSnapshotRequest', from: 'n1', to: 'n2', term: 3, lastIncludedIndex: 2, lastIncludedTerm: 1, offset: 0, data: 'xy', done: true, ext: { round: 1 } } }],
  ['message', { type: 'InstallSnapshotResponse', from: 'n2', to: 'n1', term: 3, lastIncludedIndex: 2, installed: false }],
  ['message', { type: 'TimeoutNowRequest', from: 'n1', to: 'n2', term: 3 }],
  ['message', { type: 'Extension', name: 'ReadIndexRequest', from: 'n2', to: 'n1', term: 3, ext: { requestId: 'x' } }],
  ['message', { type: 'RequestVoteRequest', from: 'n2', to: 'n1', term: 3, lastLogIndex: 0, lastLogTerm: 0, transfer: true }],
  ['output', {
    hello: { protocol: 1, implementation: 'x', capabilities: ['snapshots', 'actions'] },
    view,
  }],
  ['output', { hello: { protocol: 1, implementation: 'x', capabilities: ['membership'] }, view: { ...view, config: { voters: ['n1', 'n2'], learners: [] }, configIndex: 4 } }],
  ['output', {
    messages: [{ type: 'AppendEntriesRequest', from: 'n1', to: 'n2', term: 3, prevLogIndex: 4, prevLogTerm: 3, entries: [entry, { term: 3, type: 'Noop', data: '' }], leaderCommit: 4 }],
    persist: [{ seq: 3, term: 3, votedFor: null, truncateFrom: 4, appendFrom: 4, entries: [entry] }, { seq: 4, snapshot }],
    restore: snapshot,
    apply: [{ index: 3, entry }],
    reads: [{ requestId: 'r', index: 3 }],
    proposed: [{ requestId: 'p', firstIndex: 5, count: 1, term: 3 }],
    errors: [
      { type: 'NotLeader', requestId: 'a', leaderHint: null },
      { type: 'ProposalDropped', requestId: 'b', reason: 'UncommittedBound' },
      { type: 'ReadFailed', requestId: 'c', reason: 'LeadershipLost', leaderHint: 'n2' },
      { type: 'TransferRejected', to: 'n2', reason: 'not a voter' },
      { type: 'TransferAborted', to: 'n2' },
      { type: 'ConfChangeRejected', requestId: 'm1', reason: 'ConfChangeInProgress' },
      { type: 'ConfChangeRejected', requestId: 'm2', reason: 'UnknownNode', node: 'n9' },
      { type: 'InvalidMessage', reason: 'bad', from: 42 },
      { type: 'InvalidMessage', reason: 'bad' },
      { type: 'InvalidInput', reason: 'bad' },
    ],
    actions: ['ClientRequest', 'AppendEntries'],
    view,
  }],
  ['output', { restore: null, view: { ...view, votedFor: null, leader: null, role: 'PreCandidate' } }],
  ['fatal', { fatal: 'unsupported option checkQuorum' }],
];

/** Every (path, replacement) mutant of a value, including an added unknown field on each object. */
function* mutants(value: unknown): Generator<unknown> {
  const replacements: unknown[] = [undefined, null, -1, 1.5, 0, 1, '', 'x', true, [], {}, 2 ** 53];
  function* at(v: unknown, rebuild: (x: unknown) => unknown): Generator<unknown> {
    for (const r of replacements) yield rebuild(r);
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++) yield* at(v[k], (x) => rebuild(x === undefined ? v.filter((_, j) => j !== k) : v.map((e, j) => (j === k ? x : e))));
      if (v.length > 0) yield rebuild([...v, v[0]]);
    } else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      yield rebuild({ ...o, unexpected: 1 });
      for (const key of Object.keys(o)) {
        yield* at(o[key], (x) => {
          const copy = { ...o };
          if (x === undefined) delete copy[key];
          else copy[key] = x;
          return rebuild(copy);
        });
      }
    }
  }
  yield* at(value, (x) => x);
}

function corpus(): [Kind, unknown][] {
  const run = runConformanceScenario({ factory: (id) => new CoreProtocolNode(id), seed: 11, transcript: true }, 3);
  const lines: [Kind, unknown][] = run.cluster.transcript
    .filter((l) => !l.endsWith(' crash'))
    .map((l) => [l.charAt(3) === '<' ? 'input' : 'output', JSON.parse(l.slice(5))] as [Kind, unknown]);
  // Keep the corpus (and its mutants) to a size a test can afford: every distinct shape, a few times.
  const seen = new Map<string, number>();
  const picked = lines.filter(([kind, v]) => {
    const shape = `${kind}:${JSON.stringify(v, (k, x) => (typeof x === 'number' ? 0 : typeof x === 'string' && k !== 'type' ? '' : x))}`;
    const n = seen.get(shape) ?? 0;
    seen.set(shape, n + 1);
    return n < 2;
  });
  return [...HAND_WRITTEN, ...picked];
}

describe('the JSON Schemas and the hand-written validator agree', () => {
  test('on every line of a core run, the hand-written lines and all their mutants', () => {
    let valid = 0;
    let invalid = 0;
    const disagreements: string[] = [];
    for (const [kind, value] of corpus()) {
      for (const candidate of [value, ...mutants(value)]) {
        if (candidate === undefined) continue;
        const bySchema = schemaAccepts(kind, candidate);
        const byValidator = shapeOf(CHECKS[kind], candidate);
        if (bySchema !== byValidator.ok) {
          disagreements.push(`${kind} schema=${bySchema} validator=${JSON.stringify(byValidator)}: ${JSON.stringify(candidate).slice(0, 300)}`);
        }
        if (bySchema) valid++;
        else invalid++;
      }
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    expect(valid).toBeGreaterThan(500);
    expect(invalid).toBeGreaterThan(5000);
  });

  test('every hand-written line is valid (the corpus is not all refusals)', () => {
    for (const [kind, value] of HAND_WRITTEN) {
      expect([kind, schemaAccepts(kind, value)]).toEqual([kind, true]);
      expect([kind, shapeOf(CHECKS[kind], value)]).toEqual([kind, { ok: true }]);
    }
  });
});

describe('validator errors name the field', () => {
  const ref = { node: 'n2', inputNumber: 7, inputLine: '{"type":"Tick"}' };

  test.each([
    [{ view: { ...view, role: 'King' } }, 'view.role', /must be one of Follower/],
    [{ messages: [{ type: 'AppendEntriesRequest', from: 'n1', to: 'n2', term: 3, prevLogIndex: 4, prevLogTerm: 3, entries: [{ term: 'x', type: 'Normal', data: '' }], leaderCommit: 4 }], view }, 'messages[0].entries[0].term', /non-negative integer/],
    [{ persist: [{ seq: 1, entries: [] }], view }, 'persist[0].appendFrom', /required with entries/],
    [{ errors: [{ type: 'NotLeader', requestId: 'a' }], view }, 'errors[0].leaderHint', /required/],
    [{ apply: [{ index: 0, entry }], view }, 'apply[0].index', /positive integer/],
    [{ view, extra: 1 }, 'extra', /not a field/],
    [{ messages: [{ type: 'Gossip', from: 'n1', to: 'n2', term: 1 }], view }, 'messages[0].type', /must be one of/],
  ])('%j -> %s', (value, field, rule) => {
    try {
      decodeOutput(JSON.stringify(value), ref, false);
    } catch (e) {
      expect(e).toBeInstanceOf(ProtocolViolation);
      expect((e as ProtocolViolation).field).toBe(field);
      expect((e as ProtocolViolation).rule).toMatch(rule);
      expect((e as ProtocolViolation).message).toMatch(/^n2, input #7 \(Tick\): /);
      return;
    }
    throw new Error('accepted');
  });

  test('input errors name the field too', () => {
    expect(() => decodeInput('{"type":"PersistAck","seq":0}')).toThrow(/seq must be a positive integer/);
    expect(() => decodeInput('{"type":"Init","protocol":1,"id":"n1","voters":["n1","n1"],"seed":1,"options":{}}')).toThrow(/voters \[1\] repeats/);
    expect(() => decodeInput('not json')).toThrow(/not JSON/);
  });
});
