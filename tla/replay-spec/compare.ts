/**
 * Core's state projected onto the spec's node fields, and the field-by-field comparison.
 */
import type { RaftState } from '../../core/state';
import { lastIndex, termAt } from '../../core/log';
import type { SpecNode } from './spec-state';

/** The compared fields, in report order. */
export const COMPARED_FIELDS = ['term', 'role', 'votedFor', 'logTerms', 'commitIndex', 'persistSeq'] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

export function projectCore(state: RaftState): SpecNode {
  const last = lastIndex(state.log);
  const logTerms: number[] = [];
  for (let k = 1; k <= last; k++) logTerms.push(termAt(state.log, k) ?? -1);
  return {
    term: state.term,
    role: state.role,
    votedFor: state.votedFor,
    logTerms,
    commitIndex: state.commitIndex,
    persistSeq: state.persistSeq,
  };
}

export interface FieldDifference {
  readonly node: string;
  readonly field: ComparedField;
  readonly spec: unknown;
  readonly core: unknown;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every differing field of every node, nodes in the spec's order. */
export function compareNodes(spec: ReadonlyMap<string, SpecNode>, core: ReadonlyMap<string, RaftState>): FieldDifference[] {
  const differences: FieldDifference[] = [];
  for (const [id, specNode] of spec) {
    const coreState = core.get(id);
    if (coreState === undefined) {
      differences.push({ node: id, field: 'role', spec: specNode.role, core: 'no such node in core' });
      continue;
    }
    const coreNode = projectCore(coreState);
    for (const f of COMPARED_FIELDS) {
      if (!same(specNode[f], coreNode[f])) differences.push({ node: id, field: f, spec: specNode[f], core: coreNode[f] });
    }
  }
  return differences;
}
