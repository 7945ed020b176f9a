import { TraceFormatError } from '../../trace/read';
import { TRACE_FORMAT } from '../../trace/format';
import { completeTrace } from '../../trace/sink';
import { convertTrace, generateModule } from './convert';
import { printTla, tla } from '../tla-value';

const HEADER = JSON.stringify({
  type: 'header', format: TRACE_FORMAT, source: 'sim', seed: 1, version: 't', commit: 'c',
  nodes: ['n1', 'n2', 'n3'], profile: 'none', config: {}, faultPlan: {},
});
const VIEW = { term: 1, role: 'Leader', vote: 'n1', lastIndex: 2, lastTerm: 1, commit: 1, snapshotIndex: 0 };

function trace(...events: Record<string, unknown>[]): string {
  return completeTrace([HEADER, ...events.map((e, k) => JSON.stringify({ i: k + 1, t: k, ...e }))]);
}

const append = {
  type: 'AppendEntriesRequest', cluster: 'c', from: 'n1', to: 'n2', term: 1, prevLogIndex: 1, prevLogTerm: 1,
  entries: [1, 1], leaderCommit: 1, round: 7,
};

describe('convertTrace', () => {
  it('reduces a Receive step to node, input, actions, message and view', () => {
    const t = convertTrace(trace({ ev: 'Step', node: 'n2', input: 'Receive', actions: ['HandleAppendEntriesRequest'], msg: append, state: { ...VIEW, role: 'Follower', vote: null } }));
    expect(t.nodes).toEqual(['n1', 'n2', 'n3']);
    expect(t.events).toHaveLength(1);
    expect(t.events[0].line).toBe(2);
    expect(printTla(t.events[0].value)).toBe(
      '[ev |-> "Step", line |-> 2, node |-> "n2", input |-> "Receive", acts |-> {"HandleAppendEntriesRequest"}, ' +
        'st |-> [term |-> 1, role |-> "Follower", vote |-> "nil", lastIndex |-> 2, lastTerm |-> 1, commit |-> 1, snapshotIndex |-> 0], ' +
        'msg |-> [mtype |-> "AppendEntriesRequest", msource |-> "n1", mdest |-> "n2", mterm |-> 1, mprevLogIndex |-> 1, mprevLogTerm |-> 1, mentries |-> <<1, 1>>, mconfs |-> {}, mcommitIndex |-> 1]]',
    );
  });

  it('drops fields the spec does not read (round, conflict hints) and keeps those it does', () => {
    const response = { type: 'AppendEntriesResponse', cluster: 'c', from: 'n2', to: 'n1', term: 3, success: false, matchIndex: 0, conflictIndex: 4, conflictTerm: 2, prevLogIndex: 5, round: 9 };
    const t = convertTrace(trace({ ev: 'Send', msg: response }));
    expect(printTla(t.events[0].value)).toBe(
      '[ev |-> "Send", line |-> 2, msg |-> [mtype |-> "AppendEntriesResponse", msource |-> "n2", mdest |-> "n1", mterm |-> 3, msuccess |-> FALSE, mmatchIndex |-> 0]]',
    );
  });

  it('gives absent persist parts neutral values and keeps entry terms', () => {
    const t = convertTrace(trace({ ev: 'Persist', node: 'n1', seq: 4, votedFor: null, appendFrom: 3, entryTerms: [2, 2] }));
    expect(printTla(t.events[0].value)).toBe(
      '[ev |-> "Persist", line |-> 2, node |-> "n1", seq |-> 4, rec |-> [term |-> -1, hasVote |-> TRUE, vote |-> "nil", trunc |-> 0, app |-> 3, ents |-> <<2, 2>>, confs |-> {}, snap |-> 0, snapTerm |-> 0]]',
    );
  });

  it('leaves out client, fault-schedule and violation lines but keeps line numbers of the rest', () => {
    const t = convertTrace(trace(
      { ev: 'ClientInvoke', client: 'c1', op: 0, kind: 'put', key: 'k' },
      { ev: 'Fault', fault: {} },
      { ev: 'Crash', node: 'n3', lostRecords: 1, torn: true },
      { ev: 'Restart', node: 'n3', state: { ...VIEW, role: 'Follower' } },
    ));
    expect(t.ignoredLines).toBe(2);
    expect(t.events.map((e) => [e.kind, e.line])).toEqual([['Crash', 4], ['Restart', 5]]);
  });

  it.each([
    ['not JSON', 'garbage', 1, /not JSON/],
    ['an unknown event kind', JSON.stringify({ i: 1, t: 0, ev: 'Teleport' }), 1, /unknown event kind "Teleport"/],
    ['a Receive without its message', JSON.stringify({ i: 1, t: 0, ev: 'Step', node: 'n1', input: 'Receive', actions: [], state: VIEW }), 1, /needs the received msg/],
    ['an unknown role', JSON.stringify({ i: 1, t: 0, ev: 'Step', node: 'n1', input: 'Tick', actions: [], state: { ...VIEW, role: 'King' } }), 1, /role "King"/],
    ['a node missing from the header', JSON.stringify({ i: 1, t: 0, ev: 'Apply', node: 'n9', from: 1, to: 1 }), 1, /"n9" is not a node/],
    ['an unknown message type', JSON.stringify({ i: 1, t: 0, ev: 'Send', msg: { ...append, type: 'Gossip' } }), 1, /unknown message type "Gossip"/],
    ['a negative term', JSON.stringify({ i: 1, t: 0, ev: 'Send', msg: { ...append, term: -1 } }), 1, /msg\.term must be a term \(an integer in \[0, 2147483647\]\)/],
    ['an event out of order', JSON.stringify({ i: 5, t: 0, ev: 'Fault', fault: {} }), 1, /event index 5 where 1 was expected/],
  ])('rejects %s with a TraceFormatError naming the line', (_name, line, index, message) => {
    const text = completeTrace([HEADER, line]);
    let error: unknown;
    try {
      convertTrace(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TraceFormatError);
    expect((error as TraceFormatError).line).toBe(index);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects an empty trace and a header without nodes', () => {
    expect(() => convertTrace('')).toThrow(TraceFormatError);
    expect(() => convertTrace(completeTrace([HEADER.replace('["n1","n2","n3"]', '[]')]))).toThrow(/header.nodes is empty/);
  });
});

describe('generateModule', () => {
  it('binds the trace to TraceRaft by a definition, and names the module by its content', () => {
    const t = convertTrace(trace({ ev: 'Step', node: 'n1', input: 'Tick', actions: [], state: { ...VIEW, term: 0, role: 'Follower', vote: null, lastIndex: 0, lastTerm: 0, commit: 0 } }));
    const a = generateModule(t);
    const b = generateModule(t, { diagnoseAt: 1, mergeByPosition: true });
    expect(a.name).toMatch(/^TraceRaftMC_[0-9a-f]{16}$/);
    expect(b.name).toBe(a.name);
    expect(a.tla).toContain(`---- MODULE ${a.name} ----`);
    expect(a.tla).toContain('TraceServers == {"n1", "n2", "n3"}');
    expect(a.cfg).toContain('Trace <- TraceEvents');
    expect(a.cfg).toContain('DiagnoseAt = 0');
    expect(a.cfg).not.toContain('VIEW');
    expect(b.cfg).toContain('DiagnoseAt = 1');
    expect(b.cfg).toContain('VIEW TraceView');
  });

  it('prints strings with escapes TLA+ reads back', () => {
    expect(printTla(tla.seq([tla.str('a"b'), tla.int(-1), tla.bool(true), tla.set([])]))).toBe('<<"a\\"b", -1, TRUE, {}>>');
  });
});

describe('convertTrace: membership changes', () => {
  const C12 = { voters: ['n2', 'n1'], learners: ['n3'] };
  const JOINT = { voters: ['n2'], votersOutgoing: ['n1', 'n2'], learners: [], autoLeave: true };
  const TLA_C12 = '[voters |-> {"n1", "n2"}, outgoing |-> {}, learners |-> {"n3"}]';

  it('keeps entry terms and lists configuration entries by offset, in either traced form', () => {
    const msg = { ...append, entries: [1, { term: 1, config: C12 }, { term: 2, type: 'Config', data: JSON.stringify(JOINT) }] };
    const t = convertTrace(trace({ ev: 'Send', msg }));
    const printed = printTla(t.events[0].value);
    expect(printed).toContain('mentries |-> <<1, 1, 2>>');
    expect(printed).toContain(`mconfs |-> {<<2, ${TLA_C12}>>, <<3, [voters |-> {"n2"}, outgoing |-> {"n1", "n2"}, learners |-> {}]>>}`);
  });

  it('carries configurations in persist records, a ProposeConfChange\'s changes and a view\'s config', () => {
    const t = convertTrace(trace(
      { ev: 'Persist', node: 'n1', seq: 1, appendFrom: 2, entryTerms: [{ term: 1, config: C12 }] },
      { ev: 'Step', node: 'n1', input: 'ProposeConfChange', changes: [{ kind: 'AddVoter', node: 'n2' }, { kind: 'RemoveNode', node: 'n3' }], leaveJoint: 'explicit', actions: ['ProposeConfChange', 'EnterJoint'], state: { ...VIEW, config: C12 } },
      { ev: 'Step', node: 'n1', input: 'ProposeConfChange', changes: [], actions: [], state: VIEW },
    ));
    const [persist, propose, leave] = t.events.map((e) => printTla(e.value));
    expect(persist).toContain(`ents |-> <<1>>, confs |-> {<<1, ${TLA_C12}>>}`);
    expect(propose).toContain('changes |-> <<[kind |-> "AddVoter", node |-> "n2"], [kind |-> "RemoveNode", node |-> "n3"]>>, leave |-> "explicit"');
    expect(propose).toContain(`cfg |-> ${TLA_C12}`);
    expect(leave).toContain('changes |-> <<>>, leave |-> "none"');
    expect(leave).not.toContain('cfg |->');
  });

  it('takes the initial configuration from the header: initialConfig, else config.initialVoters, else every node', () => {
    const withHeader = (extra: Record<string, unknown>): string =>
      completeTrace([JSON.stringify({ ...JSON.parse(HEADER), ...extra }), JSON.stringify({ i: 1, t: 0, ev: 'Apply', node: 'n1', from: 1, to: 1 })]);
    expect(printTla(convertTrace(withHeader({ initialConfig: C12 })).initialConfig)).toBe(TLA_C12);
    expect(printTla(convertTrace(withHeader({ config: { initialVoters: 2 } })).initialConfig)).toBe('[voters |-> {"n1", "n2"}, outgoing |-> {}, learners |-> {}]');
    expect(printTla(convertTrace(withHeader({})).initialConfig)).toBe('[voters |-> {"n1", "n2", "n3"}, outgoing |-> {}, learners |-> {}]');
    expect(() => convertTrace(withHeader({ config: { initialVoters: 4 } }))).toThrow(/initialVoters must be an integer in \[1, 3\]/);
    expect(generateModule(convertTrace(withHeader({ initialConfig: C12 }))).cfg).toContain('InitConfig <- TraceInitConfig');
  });

  it.each([
    ['a configuration naming an unknown node', { ev: 'Send', msg: { ...append, entries: [{ term: 1, config: { voters: ['n9'] } }] } }, /entries\[0\]\.config\.voters\[0\] "n9" is not a node/],
    ['a configuration without voters', { ev: 'Send', msg: { ...append, entries: [{ term: 1, config: { voters: [] } }] } }, /voters must not be empty/],
    ['a configuration entry without its configuration', { ev: 'Send', msg: { ...append, entries: [{ term: 1 }] } }, /needs config, or type "Config"/],
    ['config data that is not JSON', { ev: 'Send', msg: { ...append, entries: [{ term: 1, type: 'Config', data: '{' }] } }, /data is not a JSON configuration/],
    ['an unknown change kind', { ev: 'Step', node: 'n1', input: 'ProposeConfChange', changes: [{ kind: 'Promote', node: 'n2' }], actions: [], state: VIEW }, /kind "Promote" is not one of AddVoter, AddLearner, RemoveNode/],
    ['a ProposeConfChange without changes', { ev: 'Step', node: 'n1', input: 'ProposeConfChange', actions: [], state: VIEW }, /changes must be an array/],
    ['an unknown leaveJoint', { ev: 'Step', node: 'n1', input: 'ProposeConfChange', changes: [], leaveJoint: 'never', actions: [], state: VIEW }, /leaveJoint "never"/],
  ])('rejects %s, naming the line', (_name, event, message) => {
    expect(() => convertTrace(trace(event))).toThrow(TraceFormatError);
    expect(() => convertTrace(trace(event))).toThrow(message);
  });
});

describe('convertTrace: bounds the spec can hold', () => {
  it('refuses a term beyond MAX_TERM (core/terms.ts) and an index beyond TLC\'s integers, naming the line', () => {
    for (const bad of [{ ...append, term: 2 ** 31 }, { ...append, prevLogTerm: 2 ** 53 - 1 }, { ...append, entries: [1, 2 ** 31] }, { ...append, prevLogIndex: 2 ** 31 }]) {
      expect(() => convertTrace(trace({ ev: 'Send', msg: bad }))).toThrow(TraceFormatError);
      expect(() => convertTrace(trace({ ev: 'Send', msg: bad }))).toThrow(/line 2|\b2\b/);
    }
    expect(() => convertTrace(trace({ ev: 'Send', msg: { ...append, term: 2 ** 31 - 1, prevLogTerm: 2 ** 31 - 1 } }))).not.toThrow();
  });
});
