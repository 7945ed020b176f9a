// sim's SafetyChecker over merged browser traces: the fixture run passes; planted bugs are caught
// by the checker and, where the plant is a behaviour no Raft node has, by TLC as well.

import { tracePrefix, validateTraceText } from '../tla/validate';
import { checkMergedTraceSafety } from '../browser-adapter/merged-trace-safety';
import { MERGED_SMALL as merged, mergedSmallEvents as events, resealed, type TraceEvent as Json } from '../browser-adapter/test-support/merged-fixture';

/** A planted trace, resealed with its own End line as if it had been merged that way. */
const textOf = (evs: Json[]): string => resealed(evs);
/**
 * TLC's verdict on a planted trace, read from a prefix ending a few lines after the plant: TLC can
 * match nothing past the first unmatched line anyway, and a shorter module starts faster.
 */
const tlcOnPrefix = (text: string, plantedLine: number) => validateTraceText(tracePrefix(text, plantedLine + 3), { skipDiagnosis: true });

/** Makes a follower of the first elected leader's term claim leadership of that term too. */
function twoLeadersInOneTerm(): { text: string; line: number } {
  const evs = events();
  const elected = evs.find((e) => e.ev === 'Step' && e.state.role === 'Leader') as Json;
  const k = evs.findIndex((e) => e.ev === 'Step' && e.node !== elected.node && e.state.term === elected.state.term && e.i > elected.i);
  evs[k].state.role = 'Leader';
  return { text: textOf(evs), line: k + 2 };
}

/**
 * Gives a follower's copy of one replicated entry another term, everywhere the follower's own lines
 * show it (its persist record and the last-term of its views), so the trace stays self-consistent
 * and only the safety bug remains.
 */
function changedEntryTerm(): { text: string; line: number } {
  const evs = events();
  const leader = (evs.find((e) => e.ev === 'Step' && e.state.role === 'Leader') as Json).node;
  const k = evs.findIndex((e) => e.ev === 'Persist' && e.node !== leader && Array.isArray(e.entryTerms) && e.entryTerms.length === 1);
  const record = evs[k];
  const index = record.appendFrom;
  const newTerm = record.entryTerms[0] + 1;
  record.entryTerms = [newTerm];
  for (let j = k - 1; j < evs.length; j++) {
    const e = evs[j];
    if (e.node !== record.node) continue;
    if (j > k && e.ev === 'Persist' && (e.appendFrom <= index || e.truncateFrom <= index || e.snapshotIndex >= index)) break;
    if (e.state?.lastIndex === index) e.state.lastTerm = newTerm;
  }
  return { text: textOf(evs), line: k + 2 };
}

test('the merged fixture run passes, with elections in two terms and a restart', () => {
  const result = checkMergedTraceSafety(merged);
  expect(result.violation).toBeNull();
  expect(result.stats).toMatchObject({ restarts: 1, leaders: 2 });
  expect(result.stats.highestCommitted).toBeGreaterThan(10);
});

test('planted: two leaders in one term is ElectionSafety, and TLC rejects that line', async () => {
  const planted = twoLeadersInOneTerm();
  const result = checkMergedTraceSafety(planted.text);
  expect(result.violation).toMatchObject({ property: 'ElectionSafety', line: planted.line });
  const tlc = await tlcOnPrefix(planted.text, planted.line);
  expect(tlc.verdict).toBe('fail');
  expect(tlc.firstUnmatched?.line).toBe(planted.line);
});

test('planted: a follower holding an entry with another term breaks State Machine Safety or Log Matching, and TLC rejects it', async () => {
  const planted = changedEntryTerm();
  const result = checkMergedTraceSafety(planted.text);
  expect(['StateMachineSafety', 'LogMatching']).toContain(result.violation?.property);
  const tlc = await tlcOnPrefix(planted.text, planted.line);
  expect(tlc.verdict).toBe('fail');
  expect(tlc.firstUnmatched?.line).toBeLessThanOrEqual(planted.line);
});

test('planted: a leader elected without an entry committed in an earlier term is LeaderCompleteness', () => {
  // Needs the global order: n1 commits 1@1 before n2 is elected in term 2. With n2 holding the
  // entry (it received it from n1 first), the same run passes: the check is about the entry.
  const run = (n2HasEntry: boolean): string => {
    const last = n2HasEntry ? 1 : 0;
    const view = (term: number, role: string, vote: string | null, lastIndex: number, commit: number) =>
      ({ term, role, vote, lastIndex, lastTerm: lastIndex > 0 ? 1 : 0, commit, snapshotIndex: 0 });
    const granted = (term: number, to: string) => ({ type: 'RequestVoteResponse', from: 'n3', to, term, granted: true });
    const lines: Json[] = [
      { ev: 'Step', node: 'n1', input: 'Tick', actions: ['Timeout'], state: view(1, 'Candidate', 'n1', 0, 0) },
      { ev: 'Persist', node: 'n1', seq: 1, term: 1, votedFor: 'n1' },
      { ev: 'Step', node: 'n1', input: 'Receive', actions: ['BecomeLeader'], msg: granted(1, 'n1'), state: view(1, 'Leader', 'n1', 0, 0) },
      { ev: 'Step', node: 'n1', input: 'Propose', actions: ['ClientRequest'], state: view(1, 'Leader', 'n1', 1, 0) },
      { ev: 'Persist', node: 'n1', seq: 2, appendFrom: 1, entryTerms: [1] },
      ...(n2HasEntry
        ? [
          { ev: 'Step', node: 'n2', input: 'Receive', actions: ['UpdateTerm', 'HandleAppendEntriesRequest'], msg: { type: 'AppendEntriesRequest', from: 'n1', to: 'n2', term: 1 }, state: view(1, 'Follower', null, 1, 0) },
          { ev: 'Persist', node: 'n2', seq: 1, term: 1, votedFor: null, appendFrom: 1, entryTerms: [1] },
        ]
        : []),
      { ev: 'Step', node: 'n1', input: 'Receive', actions: ['AdvanceCommitIndex'], msg: { type: 'AppendEntriesResponse', from: 'n3', to: 'n1', term: 1 }, state: view(1, 'Leader', 'n1', 1, 1) },
      { ev: 'Apply', node: 'n1', from: 1, to: 1 },
      { ev: 'Step', node: 'n2', input: 'Tick', actions: ['Timeout'], state: view(2, 'Candidate', 'n2', last, 0) },
      { ev: 'Persist', node: 'n2', seq: 2, term: 2, votedFor: 'n2' },
      { ev: 'Step', node: 'n2', input: 'Receive', actions: ['BecomeLeader'], msg: granted(2, 'n2'), state: view(2, 'Leader', 'n2', last, 0) },
    ];
    return textOf(lines.map((e, k) => ({ i: k + 1, t: k, ...e })));
  };
  expect(checkMergedTraceSafety(run(false)).violation).toMatchObject({ property: 'LeaderCompleteness', node: 'n2', line: 11 });
  expect(checkMergedTraceSafety(run(true)).violation).toBeNull();
});

test('a trace that contradicts itself or is not a trace is reported, not thrown', () => {
  const evs = events();
  const k = evs.findIndex((e) => e.ev === 'Step' && e.state.lastIndex > 0);
  evs[k].state.lastIndex += 5;
  expect(checkMergedTraceSafety(textOf(evs)).violation).toMatchObject({ property: 'TraceConsistent', line: k + 2 });
  expect(checkMergedTraceSafety('not json\n').violation?.property).toBe('MalformedTrace');
  // A merged trace cut short is not judged as if it were the whole run.
  const cut = merged.split('\n').slice(0, 100).join('\n');
  expect(checkMergedTraceSafety(cut).violation).toMatchObject({ property: 'MalformedTrace', detail: expect.stringContaining('incomplete trace'), line: 101 });
});
