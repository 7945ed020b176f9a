/**
 * The parts of a ReplaySpec state that replay reads, decoded from TLC's values into plain types:
 * per node the compared fields, the message bag, and the step (`act`) that produced the state.
 */
import { BehaviourFileError, RawState } from './behaviour-file';
import { TlaShapeError, TlaValue, asInt, asPairs, asRecord, asSeq, asStr, field } from '../tla-value';

/** A message field as the spec models it: entries are their terms. */
export type SpecScalar = string | number | boolean | readonly number[];

/** A spec message: mtype, msource, mdest, mterm and the fields of its type (see TraceRaftSteps.tla). */
export type SpecMessage = Readonly<Record<string, SpecScalar>> & {
  readonly mtype: string;
  readonly msource: string;
  readonly mdest: string;
  readonly mterm: number;
};

/** The node fields compared with core, in the order they are reported. */
export interface SpecNode {
  readonly term: number;
  readonly role: string;
  /** null: voted for nobody in this term (the spec's "nil"). */
  readonly votedFor: string | null;
  readonly logTerms: readonly number[];
  readonly commitIndex: number;
  readonly persistSeq: number;
}

export type SpecAction =
  | { readonly name: 'Init' }
  | { readonly name: 'Timeout'; readonly node: string }
  | { readonly name: 'Receive'; readonly node: string; readonly msg: SpecMessage }
  | { readonly name: 'PersistAck'; readonly node: string; readonly seq: number }
  | { readonly name: 'ClientRequest'; readonly node: string; readonly count: number }
  | { readonly name: 'AppendEntries'; readonly node: string; readonly msg: SpecMessage }
  | { readonly name: 'TransferLeadership'; readonly node: string; readonly to: string }
  | { readonly name: 'Restart'; readonly node: string }
  | { readonly name: 'Drop'; readonly msg: SpecMessage }
  | { readonly name: 'Duplicate'; readonly msg: SpecMessage };

export interface SpecState {
  readonly action: SpecAction;
  readonly nodes: ReadonlyMap<string, SpecNode>;
  /** Message key (messageKey) -> copies in flight. */
  readonly bag: ReadonlyMap<string, number>;
}

export interface SpecBehaviour {
  /** Where it came from (a file name), for reports. */
  readonly source: string;
  readonly states: readonly SpecState[];
}

/** A canonical text for a message: equal messages, equal keys, whatever the field order. */
export function messageKey(message: Readonly<Record<string, SpecScalar>>): string {
  const keys = Object.keys(message).sort();
  return JSON.stringify(keys.map((k) => [k, message[k]]));
}

function decodeScalar(v: TlaValue, path: string): SpecScalar {
  switch (v.kind) {
    case 'int':
    case 'str':
    case 'bool':
      return v.value;
    case 'seq':
      return v.items.map((x, k) => asInt(x, `${path}[${k + 1}]`));
    default:
      throw new TlaShapeError(path, `a message field must be a scalar or a sequence of integers, got ${v.kind}`);
  }
}

export function decodeMessage(v: TlaValue, path: string): SpecMessage {
  const fields = asRecord(v, path);
  const out: Record<string, SpecScalar> = {};
  for (const [k, x] of fields) {
    // The configuration entries an AppendEntries carries (RaftReconfig). Replayed behaviours make
    // no membership changes, so the set is always empty; anything else is outside what replay covers.
    if (k === 'mconfs') {
      if (x.kind === 'set' && x.items.length === 0) continue;
      throw new TlaShapeError(`${path}.${k}`, 'replay-spec does not cover configuration entries');
    }
    out[k] = decodeScalar(x, `${path}.${k}`);
  }
  asStr(field(fields, 'mtype', path), `${path}.mtype`);
  asStr(field(fields, 'msource', path), `${path}.msource`);
  asStr(field(fields, 'mdest', path), `${path}.mdest`);
  asInt(field(fields, 'mterm', path), `${path}.mterm`);
  return out as SpecMessage;
}

function perNode(raw: RawState, name: string): ReadonlyMap<string, TlaValue> {
  const v = raw.get(name);
  if (v === undefined) throw new TlaShapeError(name, 'missing variable');
  return asRecord(v, name);
}

function decodeAction(v: TlaValue): SpecAction {
  const path = 'act';
  const f = asRecord(v, path);
  const name = asStr(field(f, 'name', path), `${path}.name`);
  const node = (): string => asStr(field(f, 'node', path), `${path}.node`);
  const msg = (): SpecMessage => decodeMessage(field(f, 'msg', path), `${path}.msg`);
  switch (name) {
    case 'Init':
      return { name };
    case 'Timeout':
    case 'Restart':
      return { name, node: node() };
    case 'Receive':
      return { name, node: node(), msg: msg() };
    case 'PersistAck':
      return { name, node: node(), seq: asInt(field(f, 'seq', path), `${path}.seq`) };
    case 'ClientRequest':
      return { name, node: node(), count: asInt(field(f, 'count', path), `${path}.count`) };
    case 'AppendEntries':
      return { name, node: node(), msg: msg() };
    case 'TransferLeadership':
      return { name, node: node(), to: asStr(field(f, 'to', path), `${path}.to`) };
    case 'Drop':
    case 'Duplicate':
      return { name, msg: msg() };
    default:
      throw new TlaShapeError(`${path}.name`, `unknown action ${JSON.stringify(name)}`);
  }
}

export function decodeState(raw: RawState): SpecState {
  const terms = perNode(raw, 'currentTerm');
  const roles = perNode(raw, 'state');
  const votes = perNode(raw, 'votedFor');
  const logs = perNode(raw, 'log');
  const commits = perNode(raw, 'commitIndex');
  const pseqs = perNode(raw, 'pseq');
  const nodes = new Map<string, SpecNode>();
  for (const [id, termValue] of terms) {
    const get = (m: ReadonlyMap<string, TlaValue>, name: string): TlaValue => field(m, id, name);
    const vote = asStr(get(votes, 'votedFor'), `votedFor.${id}`);
    nodes.set(id, {
      term: asInt(termValue, `currentTerm.${id}`),
      role: asStr(get(roles, 'state'), `state.${id}`),
      votedFor: vote === 'nil' ? null : vote,
      logTerms: asSeq(get(logs, 'log'), `log.${id}`).map((e, k) => {
        const path = `log.${id}[${k + 1}]`;
        return asInt(field(asRecord(e, path), 'term', path), `${path}.term`);
      }),
      commitIndex: asInt(get(commits, 'commitIndex'), `commitIndex.${id}`),
      persistSeq: asInt(get(pseqs, 'pseq'), `pseq.${id}`),
    });
  }
  const bagValue = raw.get('messages');
  if (bagValue === undefined) throw new TlaShapeError('messages', 'missing variable');
  const bag = new Map<string, number>();
  for (const [k, [m, copies]] of asPairs(bagValue, 'messages').entries()) {
    bag.set(messageKey(decodeMessage(m, `messages#${k + 1}`)), asInt(copies, `messages#${k + 1} copies`));
  }
  const act = raw.get('act');
  if (act === undefined) throw new TlaShapeError('act', 'missing variable');
  return { action: decodeAction(act), nodes, bag };
}

/** Decodes every state of a parsed file; shape errors become BehaviourFileErrors naming the state. */
export function decodeBehaviour(raws: readonly RawState[], source: string): SpecBehaviour {
  const states = raws.map((raw, k) => {
    try {
      return decodeState(raw);
    } catch (error) {
      if (error instanceof TlaShapeError) throw new BehaviourFileError(source, k + 1, error.message);
      throw error;
    }
  });
  if (states[0].action.name !== 'Init') throw new BehaviourFileError(source, 1, 'the first state must be Init');
  return { source, states };
}
