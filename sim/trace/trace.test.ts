// The NDJSON trace: written by MemoryTrace, read back by parseTrace without loss, carrying the
// node view after every step and every kind of event a faulty run produces.

import { createHash } from 'node:crypto';
import { Simulation } from '../cluster/simulation';
import { makeSimConfig } from '../config';
import { TRACE_FORMAT, type NodeView } from './format';
import { parseTrace, TraceFormatError } from './read';
import { MemoryTrace } from './sink';
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

describe('parseTrace rejects malformed input with TraceFormatError naming the line', () => {
  const good = tracedRun(2, 'none', 500).trace.text;
  const cases: [string, string, RegExp][] = [
    ['empty', '', /^trace line 1: empty trace$/],
    ['header not JSON', `{${good.slice(1).join('\n')}`, /^trace line 1: not JSON$/],
    ['header a string', ['"header"', ...good.slice(1)].join('\n'), /^trace line 1: not a JSON object$/],
    ['header without nodes', [good[0].replace(/"nodes":\[[^\]]*\]/, '"nodes":"n1"'), ...good.slice(1)].join('\n'), /^trace line 1: header.nodes must list node ids$/],
    ['event without t', [...good.slice(0, 2), good[2].replace(/"t":[0-9.]+,/, ''), ...good.slice(3)].join('\n'), /^trace line 3: an event needs a numeric t and a string ev$/],
    ['event without i', [...good.slice(0, 2), good[2].replace('"i":2,', ''), ...good.slice(3)].join('\n'), /^trace line 3: event index undefined where 2 was expected/],
    ['blank line inside', [...good.slice(0, 2), '', ...good.slice(2)].join('\n'), /^trace line 3: not JSON$/],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    let error: unknown;
    try {
      parseTrace(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TraceFormatError);
    expect((error as Error).message).toMatch(message);
  });

  it('accepts the trace with or without its final newline', () => {
    expect(parseTrace(good.join('\n')).lines).toEqual(good);
    expect(parseTrace(good.join('\n') + '\n').lines).toEqual(good);
  });
});
