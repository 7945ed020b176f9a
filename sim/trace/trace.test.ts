// The NDJSON trace: written by MemoryTrace, read back by parseTrace without loss, carrying the
// node view after every step and every kind of event a faulty run produces, and ending in the End
// line without which every reader refuses it.

import { createHash } from 'node:crypto';
import { Simulation } from '../cluster/simulation';
import { makeSimConfig } from '../config';
import { TRACE_FORMAT, type NodeView } from '../../trace/format';
import { parseTrace, TraceChecksumError, TraceFormatError, TraceIncompleteError, TraceLineOrderError, TraceVersionError } from '../../trace/read';
import { completeTrace, MemoryTrace } from '../../trace/sink';
import { deafCandidates } from '../test-support/test-bugs';

function tracedRun(seed: number, faults: 'all' | 'crashes' | 'none', durationMs = 3_000) {
  const trace = new MemoryTrace(true);
  const sim = new Simulation(makeSimConfig({ seed, faults, durationMs }), { trace, version: 'test', commit: 'c0ffee' });
  const result = sim.run();
  return { trace, result, sim };
}

const NODE_VIEW_FIELDS: readonly (keyof NodeView)[] = ['term', 'role', 'vote', 'lastIndex', 'lastTerm', 'commit', 'snapshotIndex'];

/** What is wrong with a traced node view, or null. Plain checks: a trace has tens of thousands. */
function nodeViewProblem(view: unknown): string | null {
  if (typeof view !== 'object' || view === null) return 'no node view';
  const keys = Object.keys(view).sort().join(',');
  if (keys !== [...NODE_VIEW_FIELDS].sort().join(',')) return `fields ${keys}`;
  const v = view as NodeView;
  for (const k of ['term', 'lastIndex', 'lastTerm', 'commit', 'snapshotIndex'] as const) if (!(Number.isInteger(v[k]) && v[k] >= 0)) return `${k} = ${v[k]}`;
  if (!['Follower', 'PreCandidate', 'Candidate', 'Leader'].includes(v.role)) return `role ${v.role}`;
  if (!(v.vote === null || typeof v.vote === 'string')) return `vote ${v.vote}`;
  if (v.lastTerm > v.term) return `lastTerm ${v.lastTerm} > term ${v.term}`;
  if (v.snapshotIndex > v.commit) return `snapshotIndex ${v.snapshotIndex} > commit ${v.commit}`;
  return null;
}

describe('trace format', () => {
  const { trace, result, sim } = tracedRun(6, 'all');
  const text = trace.ndjson();
  const parsed = parseTrace(text);

  it('round-trips through parseTrace: same lines, one event per line, numbered from 1', () => {
    expect(result.violation).toBeNull();
    expect(parsed.lines).toEqual(trace.text);
    expect(parsed.events).toHaveLength(trace.lines - 1);
    const mismatched = parsed.events.filter((e, k) => e.i !== k + 1 || JSON.stringify(e) !== parsed.lines[k + 1]);
    expect(mismatched).toEqual([]);
    expect(parsed.header).toMatchObject({ type: 'header', format: TRACE_FORMAT, source: 'sim', seed: 6, version: 'test', commit: 'c0ffee', nodes: sim.nodeIds, profile: 'all' });
    expect(parsed.header.faultPlan).toEqual(JSON.parse(JSON.stringify(result.faultPlan)));
    // Times never go backwards.
    const backwards = parsed.events.filter((e, k) => k > 0 && (e.t as number) < (parsed.events[k - 1].t as number));
    expect(backwards).toEqual([]);
  });

  it('ends with the End line: the event count and the sha256 of every line before it', () => {
    const all = text.split('\n');
    expect(all.pop()).toBe('');
    const end = JSON.parse(all[all.length - 1]);
    expect(end).toEqual({ type: 'End', events: trace.lines - 1, sha256: createHash('sha256').update(`${trace.text.join('\n')}\n`).digest('hex') });
    expect(all[all.length - 1]).toBe(`{"type":"End","events":${trace.lines - 1},"sha256":"${end.sha256}"}`);
    expect(parsed.end).toEqual(end);
    expect(all).toHaveLength(trace.lines + 1);
  });

  it('the same seed gives the same bytes, End line included', () => {
    expect(tracedRun(6, 'all').trace.ndjson()).toBe(text);
  });

  it('digest() is the sha256 of exactly the NDJSON bytes', () => {
    expect(trace.digest()).toBe(createHash('sha256').update(text).digest('hex'));
    const counted = new MemoryTrace(false);
    new Simulation(makeSimConfig({ seed: 6, faults: 'all', durationMs: 3_000 }), { trace: counted, version: 'test', commit: 'c0ffee' }).run();
    expect(counted.digest()).toBe(trace.digest());
    expect(counted.lines).toBe(trace.lines);
    expect(counted.text).toEqual([]);
  });

  it('every Step line carries the node view, and the message exactly when the input is a Receive', () => {
    const steps = parsed.events.filter((e) => e.ev === 'Step');
    expect(steps.length).toBeGreaterThan(1000);
    const problems: string[] = [];
    for (const s of steps) {
      const where = `line ${s.i}`;
      if (!sim.nodeIds.includes(s.node as string)) problems.push(`${where}: node ${s.node}`);
      if (!Array.isArray(s.actions)) problems.push(`${where}: actions`);
      const view = nodeViewProblem(s.state);
      if (view !== null) problems.push(`${where}: ${view}`);
      if (s.input === 'Receive') {
        const msg = s.msg as { type?: unknown; to?: unknown; term?: unknown } | undefined;
        if (msg === undefined || msg.to !== s.node || typeof msg.type !== 'string' || !Number.isInteger(msg.term)) problems.push(`${where}: message ${JSON.stringify(msg)}`);
      } else if (s.msg !== undefined) {
        problems.push(`${where}: a ${s.input} step carries a message`);
      }
    }
    expect(problems).toEqual([]);
    // AppendEntries are traced with entry terms only; snapshots with their length only.
    const appends = steps.map((s) => s.msg as { type?: string; entries?: unknown }).filter((m) => m?.type === 'AppendEntriesRequest');
    expect(appends.length).toBeGreaterThan(0);
    for (const m of appends) expect((m.entries as unknown[]).every((t) => Number.isInteger(t))).toBe(true);
  });

  it('a faulty run traces every kind of event', () => {
    const kinds = new Set(parsed.events.map((e) => e.ev));
    for (const ev of ['Step', 'Send', 'Drop', 'Duplicate', 'Persist', 'Apply', 'Crash', 'Restart', 'Fault', 'ClientInvoke', 'ClientComplete']) {
      expect({ ev, present: kinds.has(ev) }).toEqual({ ev, present: true });
    }
    expect(parsed.events.filter((e) => e.ev === 'Restart' && nodeViewProblem(e.state) !== null)).toEqual([]);
    const persists = parsed.events.filter((e) => e.ev === 'Persist');
    expect(persists.some((p) => p.votedFor !== undefined)).toBe(true);
    expect(persists.some((p) => Array.isArray(p.entryTerms) && (p.entryTerms as unknown[]).length > 0)).toBe(true);
  });

  it('a violation is the last line of the trace and names the property', () => {
    const failing = new MemoryTrace(true);
    const r = new Simulation(makeSimConfig({ seed: 1, faults: 'none', durationMs: 3_000, livenessLeaderBoundMs: 300 }), { trace: failing, bug: deafCandidates }).run();
    expect(r.violation?.property).toBe('LivenessLeader');
    const events = parseTrace(failing.ndjson()).events;
    expect(events[events.length - 1]).toMatchObject({ ev: 'Violation', property: 'LivenessLeader' });
    expect(r.violation?.eventIndex).toBe(events.length);
  });
});

function errorOf(text: string): Error {
  try {
    parseTrace(text);
  } catch (e) {
    return e as Error;
  }
  throw new Error('parseTrace accepted it');
}

describe('parseTrace rejects malformed input with TraceFormatError naming the line', () => {
  const good = tracedRun(2, 'none', 500).trace.text;
  const sealed = (lines: readonly string[]) => completeTrace(lines);
  const cases: [string, string, RegExp][] = [
    ['header not JSON', sealed([`{${good[0]}`, ...good.slice(1)]), /^trace line 1: not JSON$/],
    ['header a string', sealed(['"header"', ...good.slice(1)]), /^trace line 1: not a JSON object$/],
    ['header without nodes', sealed([good[0].replace(/"nodes":\[[^\]]*\]/, '"nodes":"n1"'), ...good.slice(1)]), /^trace line 1: header.nodes must list node ids$/],
    ['an unknown format', sealed([good[0].replace(TRACE_FORMAT, 'other-trace/1'), ...good.slice(1)]), /^trace line 1: unsupported format "other-trace\/1" \(expected raftbed-trace\/2\)$/],
    ['event without t', sealed([...good.slice(0, 2), good[2].replace(/"t":[0-9.]+,/, ''), ...good.slice(3)]), /^trace line 3: an event needs a numeric t and a string ev$/],
    ['blank line inside', sealed([...good.slice(0, 2), '', ...good.slice(2)]), /^trace line 3: not JSON$/],
    ['a line after the End line', `${sealed(good)}${good[1]}\n`, new RegExp(`^trace line ${good.length + 2}: a line after the End line`)],
    ['a malformed End line', `${good.join('\n')}\n{"type":"End","events":"many"}\n`, new RegExp(`^trace line ${good.length + 1}: the End line needs an events count and a sha256`)],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    const error = errorOf(text);
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['event without i', sealed([...good.slice(0, 2), good[2].replace('"i":2,', ''), ...good.slice(3)]), /^trace line 3: event index undefined where 2 was expected/],
    ['a missing line', sealed([...good.slice(0, 4), ...good.slice(5)]), /^trace line 5: event index 5 where 4 was expected \(a line is missing or out of order\)$/],
  ])('%s is a TraceLineOrderError', (_name, text, message) => {
    const error = errorOf(text);
    expect(error).toBeInstanceOf(TraceLineOrderError);
    expect(error.message).toMatch(message);
  });

  it('accepts the trace with or without its final newline', () => {
    expect(parseTrace(sealed(good)).lines).toEqual(good);
    expect(parseTrace(sealed(good).slice(0, -1)).lines).toEqual(good);
  });
});

describe('a trace without its End line is incomplete, for every way of cutting it', () => {
  const good = tracedRun(2, 'none', 500).trace;
  const text = good.ndjson();
  const lines = good.text;

  it.each([
    ['an empty file', '', /^trace line 1: empty trace: no header/],
    ['the header alone', `${lines[0]}\n`, /^trace line 2: incomplete trace: it stops after its header without the End line/],
    ['a cut at a line boundary', `${lines.slice(0, 40).join('\n')}\n`, /^trace line 41: incomplete trace: it stops after event 39 without the End line/],
    ['every event but no End line', `${lines.join('\n')}\n`, new RegExp(`^trace line ${lines.length + 1}: incomplete trace: it stops after event ${lines.length - 1} without the End line`)],
    ['a cut inside an event line', text.slice(0, text.indexOf(lines[40]) + 25), /^trace line 41: incomplete trace: the last line is cut off mid-line/],
    ['a cut inside the End line', text.slice(0, -30), new RegExp(`^trace line ${lines.length + 1}: incomplete trace: the last line is cut off mid-line`)],
  ])('%s: TraceIncompleteError', (_name, cut, message) => {
    const error = errorOf(cut);
    expect(error).toBeInstanceOf(TraceIncompleteError);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/regenerate it|no header/);
  });

  it('an edited line or a lost line fails the End line check: TraceChecksumError', () => {
    const edited = text.replace(lines[30], lines[30].replace(/"t":[0-9.]+/, '"t":0.5'));
    expect(edited).not.toBe(text);
    expect(errorOf(edited)).toBeInstanceOf(TraceChecksumError);
    expect(errorOf(edited).message).toMatch(new RegExp(`^trace line ${lines.length + 1}: the lines before the End line do not hash to its sha256`));
    // The last event dropped: the count says so before the hash does.
    const lost = `${lines.slice(0, -1).join('\n')}\n${text.split('\n').slice(-2)[0]}\n`;
    expect(errorOf(lost)).toBeInstanceOf(TraceChecksumError);
    expect(errorOf(lost).message).toMatch(new RegExp(`the End line counts ${lines.length - 1} events, but ${lines.length - 2} precede it`));
  });

  it('a trace in the older format without End line is a TraceVersionError that says how to regenerate it', () => {
    const old = `${[lines[0].replace(TRACE_FORMAT, 'raftbed-trace/1'), ...lines.slice(1)].join('\n')}\n`;
    const error = errorOf(old);
    expect(error).toBeInstanceOf(TraceVersionError);
    expect(error.message).toMatch(/^trace line 1: format raftbed-trace\/1 is older than raftbed-trace\/2: it has no End line/);
    expect(error.message).toContain('raftbed run ... --trace FILE');
  });
});

describe('byte-order marks and CRLF line endings are accepted', () => {
  const trace = tracedRun(3, 'crashes', 500).trace;
  const text = trace.ndjson();
  const clean = parseTrace(text);

  it.each([
    ['a byte-order mark', `\uFEFF${text}`],
    ['CRLF line endings', text.replace(/\n/g, '\r\n')],
    ['both, without the final line ending', `\uFEFF${text.replace(/\n/g, '\r\n').slice(0, -2)}`],
  ])('%s: the same lines, events and End line as the clean trace', (_name, variant) => {
    const read = parseTrace(variant);
    expect(read.lines).toEqual(clean.lines);
    expect(read.events).toEqual(clean.events);
    expect(read.end).toEqual(clean.end);
  });
});
