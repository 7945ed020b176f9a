/**
 * Replays one spec behaviour against core: for each step, the matching core input(s), then every
 * node's compared fields must equal core's projection. Stops at the first disagreement.
 */
import { CoreHarness, HarnessOptions } from './core-harness';
import { compareNodes } from './compare';
import { SpecAction, SpecBehaviour, SpecMessage, SpecState, messageKey } from './spec-state';

export interface Disagreement {
  /** The behaviour's source (its TLC output file). */
  readonly behaviour: string;
  /** 1-based: step s produced STATE_(s+1) of the file. */
  readonly step: number;
  readonly action: string;
  readonly node: string | null;
  readonly field: string;
  readonly spec: unknown;
  readonly core: unknown;
}

export interface BehaviourReplay {
  readonly behaviour: string;
  /** Steps replayed in agreement. */
  readonly steps: number;
  /** Steps at which some node became leader (in the spec's states). */
  readonly leadersElected: number;
  /** The highest commit index any node reached. */
  readonly maxCommitIndex: number;
  readonly disagreement: Disagreement | null;
}

export type ReplayOptions = Omit<HarnessOptions, 'nodes'>;

function describeMessage(m: SpecMessage): string {
  const rest = Object.entries(m)
    .filter(([k]) => !['mtype', 'msource', 'mdest', 'mterm'].includes(k))
    .map(([k, v]) => `${k.replace(/^m/, '')}=${JSON.stringify(v)}`);
  return `${m.mtype} ${m.msource}->${m.mdest} term ${m.mterm}${rest.length ? ` ${rest.join(' ')}` : ''}`;
}

export function describeAction(action: SpecAction): string {
  switch (action.name) {
    case 'Init':
      return 'Init';
    case 'Timeout':
    case 'Restart':
      return `${action.name} ${action.node}`;
    case 'PersistAck':
      return `PersistAck ${action.node} seq ${action.seq}`;
    case 'ClientRequest':
      return `ClientRequest ${action.node} x${action.count}`;
    case 'TransferLeadership':
      return `TransferLeadership ${action.node} to ${action.to}`;
    case 'Receive':
    case 'AppendEntries':
    case 'Drop':
    case 'Duplicate':
      return `${action.name} ${describeMessage(action.msg)}`;
  }
}

/** Messages the step put in flight: the bag after, minus the bag before less what it consumed. */
export function addedMessages(before: SpecState, after: SpecState): Map<string, number> {
  const consumed = after.action.name === 'Receive' ? messageKey(after.action.msg) : null;
  const added = new Map<string, number>();
  for (const [key, count] of after.bag) {
    const was = (before.bag.get(key) ?? 0) - (key === consumed ? 1 : 0);
    if (count > was) added.set(key, count - was);
  }
  return added;
}

export function replayBehaviour(behaviour: SpecBehaviour, options: ReplayOptions): BehaviourReplay {
  const nodes = [...behaviour.states[0].nodes.keys()];
  const harness = new CoreHarness({ ...options, nodes });
  let leadersElected = 0;
  let maxCommitIndex = 0;
  const result = (steps: number, disagreement: Disagreement | null): BehaviourReplay => ({
    behaviour: behaviour.source, steps, leadersElected, maxCommitIndex, disagreement,
  });
  const initial = compareNodes(behaviour.states[0].nodes, harness.states);
  if (initial.length > 0) {
    const d = initial[0];
    return result(0, { behaviour: behaviour.source, step: 0, action: 'Init', node: d.node, field: d.field, spec: d.spec, core: d.core });
  }
  for (let s = 1; s < behaviour.states.length; s++) {
    const before = behaviour.states[s - 1];
    const after = behaviour.states[s];
    const action = describeAction(after.action);
    const disagree = (node: string | null, field: string, spec: unknown, core: unknown): BehaviourReplay =>
      result(s - 1, { behaviour: behaviour.source, step: s, action, node, field, spec, core });
    const problem = harness.apply(after.action, addedMessages(before, after));
    if (problem) return disagree(problem.node ?? null, problem.field, problem.spec, problem.core);
    const differences = compareNodes(after.nodes, harness.states);
    if (differences.length > 0) {
      const d = differences[0];
      return disagree(d.node, d.field, d.spec, d.core);
    }
    for (const [id, node] of after.nodes) {
      if (node.role === 'Leader' && before.nodes.get(id)?.role !== 'Leader') leadersElected++;
      maxCommitIndex = Math.max(maxCommitIndex, node.commitIndex);
    }
  }
  return result(behaviour.states.length - 1, null);
}

export function formatDisagreement(d: Disagreement): string {
  const where = d.node === null ? '' : ` at ${d.node}`;
  return `${d.behaviour}: step ${d.step} (${d.action}): ${d.field}${where}: spec ${JSON.stringify(d.spec)}, core ${JSON.stringify(d.core)}`;
}
