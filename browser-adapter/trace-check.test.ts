// checkTraceSafety on real BrowserRaftNode traces (three nodes over an in-memory transport, one
// restart), then on doctored copies: each planted bug must be reported as the right property.

import { MemoryStore } from './storage';
import { BrowserRaftNode } from './node/browser-raft-node';
import { browserRaftConfig } from './node/browser-config';
import { LoopbackHub } from './test-support/loopback';
import { waitFor } from './test-support/node-cluster';
import { checkTraceSafety, type TraceProperty } from './trace-check';
import { parseTrace } from '../trace/read';
import { completeTrace } from '../trace/sink';
import { TRACE_FORMAT } from '../trace/format';

const ids = ['n1', 'n2', 'n3'];
/** The traces as exported, and their header and event lines (what the planted tests doctor). */
let exportedTexts: string[] = [];
let traces: string[][] = [];

function makeNode(hub: LoopbackHub, store: MemoryStore, id: string, k: number, incarnation: number): BrowserRaftNode {
  const config = browserRaftConfig({ clusterId: 'trace-check', id, voters: ids, seed: 17 + k * 101 + incarnation * 7 });
  return new BrowserRaftNode({ config, store, transport: hub.transport(id), incarnation, tickMs: 15, snapshotEvery: 40, retryMs: 1000, opTimeoutMs: 60_000 });
}

beforeAll(async () => {
  const hub = new LoopbackHub();
  const stores = ids.map(() => new MemoryStore());
  const nodes = ids.map((id, k) => makeNode(hub, stores[k], id, k, 0));
  nodes.forEach((n) => n.start());
  // exportTrace takes the lines at once; only their hash is awaited, after the run.
  const exported: Promise<string>[] = [];
  try {
    // Generous timeouts: this must not fail just because the machine is busy.
    await waitFor('a leader', () => nodes.some((n) => n.status().role === 'Leader'), 60_000);
    await Promise.all(nodes.flatMap((n, k) => Array.from({ length: 30 }, (_, i) => n.put(`k${k}.${i}`, 'x'))));
    // Restart a follower from its storage: a second incarnation with its own trace.
    const f = nodes.findIndex((n) => n.status().role !== 'Leader');
    exported.push(nodes[f].exportTrace());
    nodes[f].stop();
    await Promise.all(nodes.filter((_, k) => k !== f).map((n, i) => n.put(`while-down-${i}`, 'y')));
    nodes[f] = makeNode(hub, stores[f], ids[f], f, 1);
    expect(nodes[f].start()).toBe(true);
    await Promise.all(Array.from({ length: 60 }, (_, i) => nodes[f].put(`after-${i}`, 'z')));
    await waitFor('everyone applied everything', () => new Set(nodes.map((n) => n.status().applied)).size === 1, 60_000);
  } finally {
    for (const n of nodes) {
      exported.push(n.exportTrace());
      n.stop();
    }
  }
  exportedTexts = await Promise.all(exported);
  traces = exportedTexts.map((t) => body(t.trim().split('\n')));
});

const clone = (): string[][] => traces.map((t) => [...t]);
const parse = (line: string) => JSON.parse(line) as Record<string, any>;

/** Header and event lines (the End line checked and left out), and a doctored copy resealed. */
const body = (trace: readonly string[]): string[] => [...parseTrace(trace.map((l) => `${l}\n`).join('')).lines];
const reseal = (lines: readonly string[]): string[] =>
  completeTrace(lines.map((l, k) => (k === 0 ? l : JSON.stringify({ ...parse(l), i: k })))).trimEnd().split('\n');

/** The properties violated by doctored traces, resealed (renumbered, new End line) as if recorded so. */
function properties(input: string[][]): TraceProperty[] {
  return [...new Set(checkTraceSafety(input.map(reseal)).violations.map((v) => v.property))];
}

/** Rewrites the first line (after `from`) of any trace that `pick` accepts. */
function doctor(input: string[][], pick: (ev: Record<string, any>, trace: number) => boolean, change: (ev: Record<string, any>) => void): string[][] {
  for (let t = 0; t < input.length; t++) {
    for (let i = 1; i < input[t].length; i++) {
      const ev = parse(input[t][i]);
      if (!pick(ev, t)) continue;
      change(ev);
      input[t][i] = JSON.stringify(ev);
      return input;
    }
  }
  throw new Error('nothing to doctor');
}

test('the undoctored traces pass, and cover elections, persists, applies, snapshots and a restart', () => {
  const result = checkTraceSafety(exportedTexts);
  expect(result.violations).toEqual([]);
  expect(result.stats.traces).toBe(4);
  expect(result.stats.highestApplied).toBeGreaterThan(150);
  expect(traces.some((t) => t.some((l) => l.includes('"snapshotIndex":') && l.includes('"ev":"Persist"')))).toBe(true);
  expect(traces.some((t) => t.some((l) => l.includes('"ev":"Restart"')))).toBe(true);
});

test('planted: a second leader in a term is ElectionSafety', () => {
  const input = clone();
  const leaderLine = input.flatMap((t) => t.slice(1).map(parse)).find((e) => e.ev === 'Step' && e.state.role === 'Leader')!;
  const doctored = doctor(input, (ev) => ev.ev === 'Step' && ev.node !== leaderLine.node && ev.state.term === leaderLine.state.term, (ev) => {
    ev.state.role = 'Leader';
  });
  expect(properties(doctored)).toContain('ElectionSafety');
});

test('planted: a different entry term at an applied index is caught', () => {
  // Node n1 persisted a different term for one entry of its log: the entries after it no longer
  // follow the same terms as elsewhere, and what it applies there disagrees with the others.
  const doctored = doctor(clone(), (ev) => ev.ev === 'Persist' && ev.node === 'n1' && Array.isArray(ev.entryTerms) && ev.entryTerms.length > 1 && ev.appendFrom > 3, (ev) => {
    ev.entryTerms[0] += 1;
  });
  const found = properties(doctored);
  expect(found).toEqual(expect.arrayContaining(['StateMachineSafety']));
  expect(found.some((p) => p === 'LogMatching' || p === 'PersistMatchesState')).toBe(true);
});

test('planted: commit index going backwards, and a term going backwards', () => {
  let seen = 0;
  const commitBack = doctor(clone(), (ev) => ev.ev === 'Step' && ev.state.commit > 5 && ++seen === 3, (ev) => {
    ev.state.commit = 1;
  });
  expect(properties(commitBack)).toContain('CommitMonotonic');
  let termSteps = 0;
  const termBack = doctor(clone(), (ev) => ev.ev === 'Step' && ev.state.term >= 1 && ++termSteps === 20, (ev) => {
    ev.state.term -= 1;
  });
  expect(properties(termBack)).toContain('TermMonotonic');
});

test('planted: a missing Persist line and a vote change are caught', () => {
  const input = clone();
  const t = input.findIndex((tr) => tr.some((l) => l.includes('"entryTerms":[')));
  const k = input[t].findIndex((l, i) => i > 0 && parse(l).ev === 'Persist' && Array.isArray(parse(l).entryTerms));
  input[t].splice(k, 1);
  expect(properties(input)).toContain('PersistMatchesState');

  // The same node persists a second, different vote in the term of one of its votes.
  const doubled = clone();
  const tv = doubled.findIndex((tr) => tr.some((l) => parse(l).ev === 'Persist' && typeof parse(l).votedFor === 'string'));
  const kv = doubled[tv].findIndex((l, i) => i > 0 && parse(l).ev === 'Persist' && typeof parse(l).votedFor === 'string');
  const copy = parse(doubled[tv][kv]);
  copy.votedFor = copy.votedFor === 'n1' ? 'n2' : 'n1';
  delete copy.entryTerms;
  delete copy.appendFrom;
  doubled[tv].splice(kv + 1, 0, JSON.stringify(copy));
  expect(properties(doubled)).toContain('OneVotePerTerm');
});

test('malformed input is reported, never thrown', () => {
  const check = (input: string[][]) => [...new Set(checkTraceSafety(input).violations.map((v) => v.property))];
  expect(check([['not json']])).toEqual(['MalformedTrace']);
  expect(check([[JSON.stringify({ type: 'header', format: TRACE_FORMAT, config: {} }), '{"ev":"Step","node":"n1"}']])).toEqual(['MalformedTrace']);
  expect(check([[]])).toEqual(['MalformedTrace']);
});

test('a trace cut short, edited after export, or in the older format is MalformedTrace, naming why', () => {
  const whole = reseal(traces[0]);
  const detail = (trace: string[]) => checkTraceSafety([trace, ...traces.slice(1).map(reseal)]).violations.map((v) => `${v.property} ${v.detail}`);
  expect(detail(whole)).toEqual([]);
  expect(detail(whole.slice(0, 30))).toEqual([expect.stringMatching(/^MalformedTrace TraceIncompleteError: trace line 31: incomplete trace/)]);
  expect(detail(whole.slice(0, -1))).toEqual([expect.stringMatching(/^MalformedTrace TraceIncompleteError: .*incomplete trace/)]);
  const edited = [...whole];
  edited[5] = edited[5].replace(/"t":[0-9.]+/, '"t":0.125');
  expect(detail(edited)).toEqual([expect.stringMatching(/^MalformedTrace TraceChecksumError: /)]);
  expect(detail([whole[0].replace(TRACE_FORMAT, 'raftbed-trace/1'), ...whole.slice(1, -1)])).toEqual([expect.stringMatching(/^MalformedTrace TraceVersionError: /)]);
});
