/**
 * Trace validation of membership changes, on a hand-written trace (tla/testdata): n1, the only
 * voter, adds n2 (a simple change), then removes itself and steps down once that commits, and n2
 * takes over. Edited copies must fail where the edit breaks a rule. Needs the TLC jar.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findTlcJar } from '../tlc';
import { validateTrace, validateTraceText } from '../validate';
import { parseTrace } from '../../trace/read';
import { completeTrace } from '../../trace/sink';

jest.setTimeout(240_000);

const TESTDATA = path.join(__dirname, '..', 'testdata');
const VALID = path.join(TESTDATA, 'reconfig-trace.ndjson');

type Event = Record<string, any>;
const lines = (text: string): Event[] => parseTrace(text).lines.map((l) => JSON.parse(l) as Event);
const unlines = (events: Event[]): string => completeTrace(events.map((e) => JSON.stringify(e)));

beforeAll(() => {
  findTlcJar(); // throws the how-to if the jar is missing
});

it('accepts the trace with two configuration changes, a leader removing itself and StepDownRemoved', async () => {
  const result = await validateTrace(VALID);
  expect([result.verdict, result.eventsMatched, result.eventsTotal]).toEqual(['pass', 27, 27]);
});

it('rejects a second change proposed while the first is uncommitted, at that line', async () => {
  const result = await validateTrace(path.join(TESTDATA, 'reconfig-trace-invalid.ndjson'));
  expect(result.verdict).toBe('fail');
  expect(result.firstUnmatched?.line).toBe(12);
  expect(result.firstUnmatched?.content).toContain('"RemoveNode"');
});

it('rejects a removed leader that stays leader after its removal commits', async () => {
  const events = lines(fs.readFileSync(VALID, 'utf8'));
  const at = events.findIndex((e) => Array.isArray(e.actions) && e.actions.includes('StepDownRemoved'));
  events[at] = {
    ...events[at],
    actions: events[at].actions.filter((a: string) => a !== 'StepDownRemoved'),
    state: { ...events[at].state, role: 'Leader' },
  };
  const result = await validateTraceText(unlines(events.slice(0, at + 1)));
  expect(result.verdict).toBe('fail');
  expect(result.firstUnmatched?.line).toBe(at + 1);
});

it('rejects a commit counted without the added voter (the new configuration is in effect at once)', async () => {
  const events = lines(fs.readFileSync(VALID, 'utf8'));
  // n1's own write of the configuration entry becomes durable: with n2 a voter, that is not a quorum.
  const at = events.findIndex((e, k) => k > 0 && e.ev === 'Step' && e.node === 'n1' && e.input === 'PersistAck' && e.state.lastIndex === 2);
  events[at] = { ...events[at], actions: [...events[at].actions, 'AdvanceCommitIndex'], state: { ...events[at].state, commit: 2 } };
  const result = await validateTraceText(unlines(events.slice(0, at + 1)));
  expect(result.verdict).toBe('fail');
  expect(result.firstUnmatched?.line).toBe(at + 1);
  expect(result.firstUnmatched?.disagreeingFields).toContain('commit');
});
