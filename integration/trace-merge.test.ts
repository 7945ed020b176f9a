// trace-merge on the committed fixture run (testdata/merge-small, made by make-merge-fixtures.ts):
// the merged order is causal and TLC accepts it; doctored inputs give the right typed error.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { validateTraceText } from '../tla/validate';
import { TRACE_FORMAT } from '../trace/format';
import { parseTrace } from '../trace/read';
import { completeTrace } from '../trace/sink';
import { TraceMergeError, canonicalJson, mergeBrowserTraces, type MergeErrorKind, type TraceInput } from '../browser-adapter/trace-merge';

const FIXTURE_DIR = path.join(__dirname, '..', 'browser-adapter', 'testdata', 'merge-small');

const fixture = (): TraceInput[] =>
  readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.ndjson')).sort().map((name) => ({ name, text: readFileSync(path.join(FIXTURE_DIR, name), 'utf8') }));

type Json = Record<string, any>;
/** The header and event lines of a complete trace (its End line checked and left out). */
const linesOf = (text: string): string[] => [...parseTrace(text).lines];
const eventsOf = (text: string): Json[] => linesOf(text).slice(1).map((l) => JSON.parse(l));

/**
 * Rewrites one input's events (header kept), renumbering `i` and resealing the End line, so only
 * the planted change remains: as if the tab had recorded it.
 */
function rewrite(inputs: TraceInput[], name: string, change: (events: Json[]) => Json[]): TraceInput[] {
  return inputs.map((input) => {
    if (input.name !== name) return input;
    const [header, ...rest] = linesOf(input.text);
    const events = change(rest.map((l) => JSON.parse(l))).map((e, k) => ({ ...e, i: k + 1 }));
    return { name, text: completeTrace([header, ...events.map((e) => JSON.stringify(e))]) };
  });
}

function mergeError(inputs: TraceInput[]): TraceMergeError {
  try {
    mergeBrowserTraces(inputs);
  } catch (e) {
    if (e instanceof TraceMergeError) return e;
    throw e;
  }
  throw new Error('the merge succeeded');
}

const kindOf = (inputs: TraceInput[]): MergeErrorKind => mergeError(inputs).kind;

/** A message sent exactly once in the whole run and delivered: removing or moving its send is detectable. */
function uniqueDeliveredSend(inputs: TraceInput[]): { name: string; key: string; type: string } {
  const sends = new Map<string, { name: string; count: number; type: string }>();
  const delivered = new Set<string>();
  for (const { name, text } of inputs) {
    for (const e of eventsOf(text)) {
      if (e.ev === 'Send') {
        const key = canonicalJson(e.msg);
        const s = sends.get(key);
        sends.set(key, { name, count: (s?.count ?? 0) + 1, type: e.msg.type });
      } else if (e.ev === 'Step' && e.input === 'Receive') delivered.add(canonicalJson(e.msg));
    }
  }
  // An AppendEntriesRequest carrying entries: its receiver replies, which the sender then receives.
  for (const [key, s] of sends) if (s.count === 1 && delivered.has(key) && s.type === 'AppendEntriesRequest' && key.includes('"entries":[1')) return { name: s.name, key, type: s.type };
  throw new Error('fixture has no unique delivered AppendEntriesRequest with entries');
}

describe('merging the fixture run', () => {
  const inputs = fixture();
  const merged = mergeBrowserTraces(inputs);
  const events = eventsOf(merged.text);

  test('covers every input line, one crash, and the restart after it', () => {
    expect(inputs).toHaveLength(4);
    const inputEvents = inputs.reduce((s, i) => s + linesOf(i.text).length - 1, 0);
    // Every input line, plus one Crash for the tab that stopped early.
    expect(merged.stats).toMatchObject({ traces: 4, nodes: 3, crashes: 1, events: inputEvents + 1 });
    expect(merged.stats.deliveries).toBeGreaterThan(50);
    const crash = events.findIndex((e) => e.ev === 'Crash');
    const restart = events.findIndex((e) => e.ev === 'Restart');
    expect(crash).toBeGreaterThan(0);
    expect(restart).toBeGreaterThan(crash);
    expect(events[restart].node).toBe(events[crash].node);
    expect(events.map((e) => e.i)).toEqual(events.map((_, k) => k + 1));
  });

  test('keeps each trace\'s own order and puts every delivery after a send of that message', () => {
    const lastLine = new Map<string, number>();
    const sent = new Map<string, number>();
    for (const e of events) {
      const [source, line] = String(e.src).split(':');
      expect(Number(line)).toBeGreaterThan(lastLine.get(source) ?? 0);
      lastLine.set(source, Number(line));
      if (e.ev === 'Send') sent.set(canonicalJson(e.msg), (sent.get(canonicalJson(e.msg)) ?? 0) + 1);
      if (e.ev === 'Step' && e.input === 'Receive') {
        const key = canonicalJson(e.msg);
        expect(sent.get(key) ?? 0).toBeGreaterThan(0);
        sent.set(key, (sent.get(key) as number) - 1);
      }
    }
  });

  test('keeps a step and the lines it produced together', () => {
    let stepNode: string | null = null;
    for (const e of events) {
      if (e.ev === 'Step' || e.ev === 'Restart' || e.ev === 'Crash') stepNode = e.node;
      else if (e.ev === 'Persist' || e.ev === 'Apply') expect(e.node).toBe(stepNode);
      else if (e.ev === 'Send') expect(e.msg.from).toBe(stepNode);
    }
  });

  test('does not depend on the order the inputs are given in', () => {
    expect(mergeBrowserTraces([...inputs].reverse()).text).toBe(merged.text);
  });

  test('TLC accepts the merged trace as a behaviour of TraceRaft', async () => {
    const result = await validateTraceText(merged.text, { skipDiagnosis: true });
    expect(result.verdict).toBe('pass');
    expect(result.eventsMatched).toBeGreaterThan(400);
  });
});

describe('inconsistent input gives a typed error', () => {
  const inputs = fixture();

  test('a delivery whose send is missing: UnmatchedDelivery', () => {
    const { name, key } = uniqueDeliveredSend(inputs);
    const doctored = rewrite(inputs, name, (evs) => evs.filter((e) => !(e.ev === 'Send' && canonicalJson(e.msg) === key)));
    const error = mergeError(doctored);
    expect(error.kind).toBe('UnmatchedDelivery');
    expect(error.message).toContain('AppendEntriesRequest');
  });

  test('a send logged after the reply to it arrived (delivery before send): CausalCycle', () => {
    const { name, key } = uniqueDeliveredSend(inputs);
    const doctored = rewrite(inputs, name, (evs) => {
      const k = evs.findIndex((e) => e.ev === 'Send' && canonicalJson(e.msg) === key);
      const [send] = evs.splice(k, 1);
      // Its sender's last line: long after the follower's response came back.
      return [...evs, { ...send, t: evs[evs.length - 1].t }];
    });
    expect(kindOf(doctored)).toBe('CausalCycle');
  });

  test('two lines swapped: LineOrder, whether or not their numbers were swapped too', () => {
    const swapped = inputs.map((input) => {
      if (input.name !== 'n1-0.ndjson') return input;
      const lines = linesOf(input.text);
      [lines[10], lines[11]] = [lines[11], lines[10]];
      return { ...input, text: completeTrace(lines) };
    });
    expect(kindOf(swapped)).toBe('LineOrder');
    const renumbered = rewrite(inputs, 'n1-0.ndjson', (evs) => {
      const k = evs.findIndex((e, j) => j > 0 && e.t > evs[j - 1].t);
      [evs[k - 1], evs[k]] = [evs[k], evs[k - 1]];
      return evs;
    });
    expect(kindOf(renumbered)).toBe('LineOrder');
  });

  test('headers of different runs or memberships: HeaderMismatch', () => {
    const withHeader = (change: (h: Json) => void): TraceInput[] => inputs.map((input, k) => {
      if (k !== 1) return input;
      const [header, ...rest] = linesOf(input.text);
      const h = JSON.parse(header);
      change(h);
      return { ...input, text: completeTrace([JSON.stringify(h), ...rest]) };
    });
    expect(kindOf(withHeader((h) => { h.nodes = ['n1', 'n2', 'n4']; }))).toBe('HeaderMismatch');
    expect(kindOf(withHeader((h) => { h.config.raft.clusterId = 'another-run'; }))).toBe('HeaderMismatch');
    expect(kindOf(withHeader((h) => { h.source = 'sim'; }))).toBe('HeaderMismatch');
    expect(kindOf(withHeader((h) => { delete h.config.restored; }))).toBe('HeaderMismatch');
  });

  test('a missing or repeated incarnation, or one cut short: Missing-, Duplicate-, IncompleteIncarnation', () => {
    expect(kindOf(inputs.filter((i) => i.name !== 'n2-0.ndjson'))).toBe('MissingIncarnation');
    expect(kindOf([...inputs, { ...inputs[0], name: 'copy.ndjson' }])).toBe('DuplicateIncarnation');
    // The trace taken before the tab stopped: its last persist records are not in it.
    const cut = rewrite(inputs, 'n2-0.ndjson', (evs) => evs.slice(0, evs.map((e) => e.ev).lastIndexOf('Persist')));
    expect(kindOf(cut)).toBe('IncompleteIncarnation');
  });

  test('garbage never crashes the merger: every damaged input merges or gives a TraceMergeError', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const kinds = new Set<string>();
    for (let round = 0; round < 60; round++) {
      const k = random(inputs.length);
      const lines = inputs[k].text.trimEnd().split('\n');
      const at = random(lines.length);
      const damage = random(3);
      if (damage === 0) lines.splice(at, 1);
      else if (damage === 1) lines[at] = lines[at].slice(0, random(lines[at].length));
      else lines[at] = lines[at].replace(/"(n[123])"/, '"n9"').replace(/:(\d+)/, ':-$1');
      const doctored = inputs.map((input, j) => (j === k ? { ...input, text: lines.join('\n') } : input));
      try {
        mergeBrowserTraces(doctored);
        kinds.add('merged');
      } catch (e) {
        expect(e).toBeInstanceOf(TraceMergeError);
        kinds.add((e as TraceMergeError).kind);
      }
    }
    // Deleted lines are LineOrder, cut lines MalformedTrace, renamed nodes MalformedTrace or HeaderMismatch.
    expect(kinds.size).toBeGreaterThanOrEqual(2);
  });
});

describe('a cut, edited or older input is refused, naming it and the line', () => {
  const inputs = fixture();
  const replace = (name: string, text: string): TraceInput[] => inputs.map((input) => (input.name === name ? { name, text } : input));
  const n2 = inputs.find((i) => i.name === 'n2-0.ndjson') as TraceInput;
  const lines = linesOf(n2.text);

  test.each([
    ['cut at a line boundary', `${lines.slice(0, 30).join('\n')}\n`, 31, /incomplete trace: it stops after event 29 without the End line/],
    ['cut without its End line alone', `${lines.join('\n')}\n`, lines.length + 1, /incomplete trace/],
    ['cut inside a line', n2.text.slice(0, n2.text.indexOf(lines[30]) + 40), 31, /incomplete trace: the last line is cut off mid-line/],
    ['empty', '', 1, /empty trace/],
  ])('a tab\'s trace %s: TraceIncomplete', (_name, text, line, message) => {
    const error = mergeError(replace('n2-0.ndjson', text));
    expect(error.kind).toBe('TraceIncomplete');
    expect(error.source).toBe('n2-0.ndjson');
    expect(error.line).toBe(line);
    expect(error.message).toMatch(message);
  });

  test('an edited line: TraceChecksum; an older format: TraceVersion', () => {
    const edited = n2.text.replace(lines[20], lines[20].replace(/"t":[0-9.]+/, '"t":0.125'));
    expect(edited).not.toBe(n2.text);
    expect(kindOf(replace('n2-0.ndjson', edited))).toBe('TraceChecksum');
    const old = `${[lines[0].replace(TRACE_FORMAT, 'raftbed-trace/1'), ...lines.slice(1)].join('\n')}\n`;
    const error = mergeError(replace('n2-0.ndjson', old));
    expect(error.kind).toBe('TraceVersion');
    expect(error.message).toMatch(/export it again|exporting it again/);
  });

  test('inputs saved with a byte-order mark and CRLF line endings merge as the clean ones', () => {
    const windows = inputs.map((input) => ({ ...input, text: `\uFEFF${input.text.replace(/\n/g, '\r\n')}` }));
    expect(mergeBrowserTraces(windows).text).toBe(mergeBrowserTraces(inputs).text);
  });

  test('the merged trace ends with its own End line', () => {
    const merged = mergeBrowserTraces(inputs).text;
    expect(parseTrace(merged).end.events).toBe(mergeBrowserTraces(inputs).stats.events);
  });
});
