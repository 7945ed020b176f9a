import * as fs from 'fs';
import * as path from 'path';
import { BehaviourFileError, parseBehaviourFile } from './behaviour-file';
import { decodeBehaviour, messageKey } from './spec-state';

const FIXTURE = path.join(__dirname, 'testdata', 'vote-and-commit.behaviour');
const fixtureText = fs.readFileSync(FIXTURE, 'utf8');

function decode(text: string) {
  return decodeBehaviour(parseBehaviourFile(text, 'f'), 'f');
}

describe('parseBehaviourFile and decodeBehaviour', () => {
  it('read a TLC -simulate file: states in order, each with its step, nodes and bag', () => {
    const b = decode(fixtureText);
    expect(b.states).toHaveLength(40);
    expect(b.states[0].action).toEqual({ name: 'Init' });
    expect([...b.states[0].nodes.keys()]).toEqual(['n1', 'n2', 'n3']);
    expect(b.states[0].nodes.get('n1')).toEqual({ term: 0, role: 'Follower', votedFor: null, logTerms: [], commitIndex: 0, persistSeq: 0 });
    expect(b.states[0].bag.size).toBe(0);
    const names = new Set(b.states.slice(1).map((s) => s.action.name));
    for (const name of ['Timeout', 'Receive', 'PersistAck', 'ClientRequest', 'AppendEntries']) expect(names).toContain(name);
    const withMessages = b.states.find((s) => s.bag.size > 0)!;
    for (const key of withMessages.bag.keys()) expect(JSON.parse(key)).toEqual(expect.arrayContaining([expect.arrayContaining(['mtype'])]));
  });

  it('keys messages canonically, whatever the field order', () => {
    expect(messageKey({ mtype: 'X', mterm: 1, msource: 'a', mdest: 'b' })).toBe(messageKey({ mdest: 'b', msource: 'a', mterm: 1, mtype: 'X' }));
  });

  const malformed: [string, string, (t: string) => string][] = [
    ['no module header', 'no MODULE header', (t) => t.replace(/^-+ MODULE [^\n]*\n/, '')],
    ['a truncated file', 'no closing ==== line', (t) => t.slice(0, t.length / 2)],
    ['a renumbered state', 'expected STATE_3', (t) => t.replace('STATE_3 ==', 'STATE_7 ==')],
    ['a broken value', 'expected a value', (t) => t.replace('/\\ commitIndex = [', '/\\ commitIndex = ?[')],
    ['a term that is not a number', 'currentTerm.n1: expected an integer', (t) => t.replace(/currentTerm = \[n1 \|-> \d+/, 'currentTerm = [n1 |-> "x"')],
    ['a missing variable', 'act: missing variable', (t) => t.replace(/\/\\ act = \[name \|-> "Init"\]/, '')],
    ['an unknown step', 'unknown action "Teleport"', (t) => t.replace('name |-> "Timeout"', 'name |-> "Teleport"')],
  ];
  it.each(malformed)('rejects %s with a BehaviourFileError naming the reason', (_what, reason, edit) => {
    const edited = edit(fixtureText);
    expect(edited).not.toBe(fixtureText);
    expect(() => decode(edited)).toThrow(BehaviourFileError);
    expect(() => decode(edited)).toThrow(reason);
  });
});
