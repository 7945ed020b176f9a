import { TestCluster } from '../core/testing/cluster';
import type { Message as CoreMessage } from '../core';
import { CoreNodeFatal, CoreProtocolNode, toCoreMessage, toProtocolMessage } from './core-node';
import { checkMessageShape, checkOutputShape, shapeOf } from './validate';
import { runConformanceScenario } from './testing/conformance-scenario';
import { MINI_OPTIONS } from './testing/mini-cluster';
import type { InitInput, NodeOutput } from './types';

const init: InitInput = { type: 'Init', protocol: 1, id: 'n1', voters: ['n1', 'n2', 'n3'], seed: 5, options: MINI_OPTIONS };

describe('core as a protocol node, in process', () => {
  test('passes the conformance scenario (election, commits, a read, a leader crash and restart)', () => {
    const result = runConformanceScenario({ factory: (id) => new CoreProtocolNode(id), seed: 3 });
    expect(result.secondLeader).not.toBe(result.firstLeader);
    for (const id of result.cluster.ids) expect(result.cluster.appliedData(id)).toEqual(result.committed);
  });

  test('every message core sends maps to a canonical message and back to the same core message', () => {
    const cluster = new TestCluster({ size: 3, config: { preVote: true, checkQuorum: true } });
    cluster.recordSent = true;
    const leader = cluster.electLeader();
    cluster.input(leader, { type: 'Propose', requestId: 'a', data: ['x', 'y'] });
    cluster.input(leader, { type: 'Read', requestId: 'r' });
    const follower = cluster.ids.find((id) => id !== leader) as string;
    cluster.input(follower, { type: 'Read', requestId: 'f' });
    cluster.runUntil(() => cluster.node(follower).reads.length + cluster.node(follower).errors.length > 0 && cluster.node(leader).reads.length > 0);
    const seen = new Set<string>();
    for (const m of cluster.sentLog as CoreMessage[]) {
      const p = toProtocolMessage(m);
      expect(shapeOf(checkMessageShape, JSON.parse(JSON.stringify(p)))).toEqual({ ok: true });
      expect(toCoreMessage(JSON.parse(JSON.stringify(p)), m.cluster)).toMatchObject(m);
      seen.add(m.type);
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(['AppendEntriesRequest', 'AppendEntriesResponse', 'PreVoteRequest', 'ReadIndexRequest', 'RequestVoteRequest']));
  });

  test('its outputs pass the output schema check', () => {
    const node = new CoreProtocolNode('n1');
    expect(shapeOf(checkOutputShape, JSON.parse(JSON.stringify(node.start(init))))).toEqual({ ok: true });
    for (let k = 0; k < 30; k++) expect(shapeOf(checkOutputShape, JSON.parse(JSON.stringify(node.handle({ type: 'Tick' }))))).toEqual({ ok: true });
  });

  test('refuses an unknown protocol version, options core cannot honour and unknown impl settings', () => {
    expect(() => new CoreProtocolNode('n1').start({ ...init, protocol: 2 })).toThrow(CoreNodeFatal);
    expect(() => new CoreProtocolNode('n1').start({ ...init, protocol: 2 })).toThrow(/protocol version 2/);
    expect(() => new CoreProtocolNode('n1').start({ ...init, options: { ...MINI_OPTIONS, heartbeatIntervalTicks: 10 } })).toThrow(/heartbeatIntervalTicks/);
    expect(() => new CoreProtocolNode('n1').start({ ...init, impl: { colour: 'red' } })).toThrow(/unknown impl option "colour"/);
    expect(() => new CoreProtocolNode('n2').start(init)).toThrow(/started as n1/);
  });

  test('impl passes core settings through (clusterId reaches the messages core reads)', () => {
    const node = new CoreProtocolNode('n1');
    node.start({ ...init, impl: { clusterId: 'blue', maxEntriesPerAppend: 3 } });
    expect(node.state.config.clusterId).toBe('blue');
    expect(node.state.config.maxEntriesPerAppend).toBe(3);
  });

  test('membership: ProposeConfChange appends a Config entry, the view carries the configuration, refusals are typed', () => {
    const node = new CoreProtocolNode('n1');
    const ack = (o: NodeOutput): NodeOutput => (o.persist.length === 0 ? o : ack(node.handle({ type: 'PersistAck', seq: o.persist[o.persist.length - 1].seq })));
    const started = node.start({ ...init, voters: ['n1'] });
    expect(started.hello?.capabilities).toContain('membership');
    expect(started.view.config).toBeUndefined(); // the initial configuration: no field, views unchanged
    let out = started;
    for (let k = 0; k < 100 && !(out.view.role === 'Leader' && out.view.commitIndex >= 1); k++) out = ack(node.handle({ type: 'Tick' }));
    expect(out.view).toMatchObject({ role: 'Leader', commitIndex: 1 });
    out = node.handle({ type: 'ProposeConfChange', requestId: 'm1', changes: [{ kind: 'AddVoter', node: 'n2' }] });
    expect(out.persist[0].entries?.map((e) => e.type)).toEqual(['Config']);
    expect(out.view).toMatchObject({ config: { voters: ['n1', 'n2'] }, configIndex: 2 });
    expect(shapeOf(checkOutputShape, JSON.parse(JSON.stringify(out)))).toEqual({ ok: true });
    out = node.handle({ type: 'ProposeConfChange', requestId: 'm2', changes: [{ kind: 'RemoveNode', node: 'n2' }] });
    expect(out.errors).toEqual([{ type: 'ConfChangeRejected', requestId: 'm2', reason: 'ConfChangeInProgress' }]);
    expect(shapeOf(checkOutputShape, JSON.parse(JSON.stringify(out)))).toEqual({ ok: true });
  });
});
