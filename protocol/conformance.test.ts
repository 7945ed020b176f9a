// Each conformance rule catches a node that breaks it: core, with one output edited on its way out,
// runs the conformance scenario until the edit happens, and the rule must name the field.

import { CoreProtocolNode } from './core-node';
import { DriverContractError } from './conformance';
import { ProtocolViolation } from './errors';
import { runConformanceScenario } from './testing/conformance-scenario';
import { MiniCluster } from './testing/mini-cluster';
import type { NodeOutput, ProtocolNode, StartInput, StepInput } from './types';

type Edit = (out: NodeOutput) => NodeOutput | null;

/** Core, with the first output that `edit` changes (returns non-null for) replaced. */
class TamperedNode implements ProtocolNode {
  private readonly inner: CoreProtocolNode;
  constructor(readonly id: string, private readonly edit: Edit, private readonly done: { value: boolean }) {
    this.inner = new CoreProtocolNode(id);
  }
  start(input: StartInput): NodeOutput {
    return this.inner.start(input);
  }
  handle(input: StepInput): NodeOutput {
    const out = this.inner.handle(input);
    if (this.done.value) return out;
    const edited = this.edit(out);
    if (edited === null) return out;
    this.done.value = true;
    return edited;
  }
  kill(): void {
    this.inner.kill();
  }
}

function violationOf(edit: Edit): ProtocolViolation {
  const done = { value: false };
  try {
    runConformanceScenario({ factory: (id) => new TamperedNode(id, edit, done), seed: 7 });
  } catch (e) {
    if (e instanceof ProtocolViolation) return e;
    throw e;
  }
  throw new Error(done.value ? 'edited, but no rule caught it' : 'the edit never applied');
}

const withPersist = (out: NodeOutput, f: (r: NodeOutput['persist'][number]) => object | null): NodeOutput | null => {
  if (out.persist.length === 0) return null;
  const r = f(out.persist[0]);
  return r === null ? null : { ...out, persist: [r as NodeOutput['persist'][number], ...out.persist.slice(1)] };
};
const view = (out: NodeOutput, patch: Partial<NodeOutput['view']>): NodeOutput => ({ ...out, view: { ...out.view, ...patch } });

describe('conformance rules: each catches the break it exists for', () => {
  test.each<[string, Edit, string]>([
    ['a persist seq that skips', (o) => withPersist(o, (r) => ({ ...r, seq: r.seq + 1 })), 'persist[0].seq'],
    ['a term written lower than before', (o) => withPersist(o, (r) => (r.term !== undefined && r.term > 1 ? { ...r, term: 0, votedFor: null } : null)), 'persist[0].term'],
    ['a new term written without its vote', (o) => withPersist(o, (r) => (r.term !== undefined ? { seq: r.seq, term: r.term } : null)), 'persist[0].votedFor'],
    ['a vote for a stranger', (o) => withPersist(o, (r) => (typeof r.votedFor === 'string' ? { ...r, votedFor: 'n9' } : null)), 'persist[0].votedFor'],
    ['an append past the end of the log', (o) => withPersist(o, (r) => (r.appendFrom !== undefined ? { ...r, appendFrom: r.appendFrom + 1 } : null)), 'persist[0].appendFrom'],
    ['a view term that was never written', (o) => (o.view.term > 0 ? view(o, { term: o.view.term + 1 }) : null), 'view.term'],
    ['a view vote that was never written', (o) => (o.view.votedFor !== null ? view(o, { votedFor: null }) : null), 'view.votedFor'],
    ['a view whose log is not the records\' log', (o) => (o.view.lastIndex > 0 ? view(o, { lastIndex: o.view.lastIndex + 1 }) : null), 'view'],
    ['a commit index beyond the log', (o) => (o.view.role === 'Leader' ? view(o, { commitIndex: o.view.lastIndex + 1 }) : null), 'view.commitIndex'],
    ['a commit index that goes down', (o) => (o.view.commitIndex > 2 && o.apply.length === 0 ? view(o, { commitIndex: 1 }) : null), 'view.commitIndex'],
    ['a leader that names another leader', (o) => (o.view.role === 'Leader' ? view(o, { leader: o.view.leader === 'n1' ? 'n2' : 'n1' }) : null), 'view.leader'],
    ['entries applied out of order', (o) => (o.apply.length > 0 ? { ...o, apply: [{ ...o.apply[0], index: o.apply[0].index + 1 }] } : null), 'apply[0].index'],
    ['an entry applied beyond the commit index', (o) => (o.apply.length > 0 ? view(o, { commitIndex: o.apply[0].index - 1 }) : null), 'apply[0].index'],
    ['an applied entry unlike the logged one', (o) => (o.apply.length > 0 ? { ...o, apply: [{ index: o.apply[0].index, entry: { ...o.apply[0].entry, term: 99 } }, ...o.apply.slice(1)] } : null), 'apply[0].entry.term'],
    ['a read served before its index is applied', (o) => (o.reads.length > 0 ? { ...o, reads: [{ ...o.reads[0], index: o.view.lastIndex + 5 }] } : null), 'reads[0].index'],
    ['a message sent in another node\'s name', (o) => (o.messages.length > 0 ? { ...o, messages: [{ ...o.messages[0], from: o.messages[0].to }] } : null), 'messages[0].from'],
    ['a message to itself', (o) => (o.messages.length > 0 ? { ...o, messages: [{ ...o.messages[0], to: o.messages[0].from }] } : null), 'messages[0].to'],
    ['a message from a term the node never held', (o) => {
      const k = o.messages.findIndex((m) => m.type === 'AppendEntriesRequest');
      return k < 0 ? null : { ...o, messages: o.messages.map((m, j) => (j === k ? { ...m, term: o.view.term + 1 } : m)) };
    }, 'messages[0].term'],
  ])('%s', (_name, edit, field) => {
    const e = violationOf(edit);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(/^n\d, input #\d+ \(\w+\): /);
  });

  test('a hello without a feature Init asked for, and actions without the capability', () => {
    const noPreVote: ProtocolNode = Object.assign(new CoreProtocolNode('n1'), {});
    const start = noPreVote.start.bind(noPreVote);
    noPreVote.start = (input) => ({ ...start(input), hello: { protocol: 1, implementation: 'x', capabilities: ['checkQuorum', 'actions'] } });
    expect(() => new MiniCluster({ factory: () => noPreVote, size: 1 }).start()).toThrow(/hello.capabilities lacks preVote/);

    const noActions: ProtocolNode = new CoreProtocolNode('n1');
    const start2 = noActions.start.bind(noActions);
    noActions.start = (input) => ({ ...start2(input), hello: { protocol: 1, implementation: 'x', capabilities: ['preVote', 'checkQuorum'] } });
    const cluster = new MiniCluster({ factory: () => noActions, size: 1 }).start();
    expect(() => cluster.runUntil(() => false, 'never', 30)).toThrow(/actions are sent, but the hello did not list the actions capability/);
  });

  test('the driver\'s own side: acknowledging a record never issued is a DriverContractError', () => {
    const cluster = new MiniCluster({ factory: (id) => new CoreProtocolNode(id), size: 1 }).start();
    expect(() => cluster.input('n1', { type: 'PersistAck', seq: 5 })).toThrow(DriverContractError);
  });
});
