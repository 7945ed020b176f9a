// Merges the per-tab, per-incarnation traces of one browser run into ONE cluster trace in sim's
// NDJSON format (trace/format.ts), so the tools built for simulator traces read it: TLA+ trace
// validation (`raftbed tla validate`) and sim's SafetyChecker (merged-trace-safety.ts).
//
// Tabs share no clock, so the merged order is causal, built from what the traces themselves prove:
//   - each node's own events keep their order, incarnation after incarnation;
//   - a tab that ended before the run did (closed or reloaded) becomes a Crash of that node, and its
//     next incarnation's Restart line follows it;
//   - every delivered message comes after its send.
// Wall-clock times break ties between events no causal edge orders, and nothing more.
//
// The unit of ordering is a block: a Step (or Restart) line with the lines that follow it up to the
// node's next Step. TraceRaft.tla requires a step's persist record and messages to be logged before
// any other node steps, so a block is never split.
//
// Traced messages carry no identity. What is assumed to match deliveries to sends is
// MERGE_ASSUMPTIONS below; the continuity of incarnations is checked, not assumed.

import { TRACE_FORMAT } from '../trace/format';
import { TraceChecksumError, TraceFormatError, TraceIncompleteError, TraceLineOrderError, TraceVersionError, parseTrace } from '../trace/read';
import { completeTrace } from '../trace/sink';
import type { RestoredState } from './node/trace-recorder';
import { areTracedEntries, tracedTerms } from './traced-entry';

export const MERGE_ASSUMPTIONS: readonly string[] = [
  'each input is the complete trace of one node incarnation up to the moment it stopped (checked: the next incarnation must restart from exactly the state its Persist lines build)',
  'a tab that stopped lost no persist records: they are written and acknowledged within the task that logged them, and localStorage writes are durable when setItem returns',
  'the transport delivers a message at most once; it may lose or reorder messages',
  'messages with equal traced fields are interchangeable: on each link, the k-th delivery of such a message is matched to its k-th send, which cannot come after the delivery',
  'wall-clock times (page time origin + t) only break ties between events that no causal edge orders',
];

export type MergeErrorKind =
  /** A line is not JSON, lacks a field, or names another node. */
  | 'MalformedTrace'
  /** An input stops before its End line: its export was cut short (or lost lines past the recorder's limit). */
  | 'TraceIncomplete'
  /** An input's End line disagrees with its lines: lines were lost, added or edited after export. */
  | 'TraceChecksum'
  /** An input in an older trace format, without End line: export it again. */
  | 'TraceVersion'
  /** Line numbers (`i`) out of sequence or time (`t`) running backwards: lines were reordered or lost. */
  | 'LineOrder'
  /** The inputs disagree on format, source, cluster or membership, or are not browser traces. */
  | 'HeaderMismatch'
  /** Two inputs claim the same incarnation of one node. */
  | 'DuplicateIncarnation'
  /** A node's earliest input restarted from non-empty state: an earlier incarnation's trace is missing. */
  | 'MissingIncarnation'
  /** An incarnation's Persist lines do not build the state the next incarnation restarted from. */
  | 'IncompleteIncarnation'
  /** A node received a message that no input shows being sent. */
  | 'UnmatchedDelivery'
  /** No order puts every delivery after its send (for example a send moved after its reply's receipt). */
  | 'CausalCycle';

export class TraceMergeError extends Error {
  override readonly name = 'TraceMergeError';
  constructor(readonly kind: MergeErrorKind, message: string, readonly source: string | null = null, readonly line: number | null = null) {
    super(`${kind}: ${source === null ? '' : `${source}${line === null ? '' : `:${line}`}: `}${message}`);
  }
}

export interface TraceInput {
  /** A name for messages and provenance, usually the file name. */
  readonly name: string;
  readonly text: string;
}

export interface MergeStats {
  readonly traces: number;
  readonly nodes: number;
  readonly events: number;
  readonly sends: number;
  readonly deliveries: number;
  /** Sends no input shows delivered (lost when a tab closed, or still in flight at the end). */
  readonly undelivered: number;
  readonly crashes: number;
}

export interface MergedTrace {
  /** The merged NDJSON trace, header first, End line last, newline-terminated. */
  readonly text: string;
  readonly stats: MergeStats;
}

type Json = Record<string, unknown>;

/** What an incarnation restarted from, as its trace header records it. */
type Restored = RestoredState;

interface Incarnation {
  readonly name: string;
  readonly node: string;
  readonly restored: Restored;
  /** Epoch milliseconds of the trace's t = 0, when the recorder wrote it. */
  readonly timeOrigin: number | null;
  /** Events with their 1-based file line (the header is line 1). */
  readonly events: { readonly ev: Json; readonly line: number }[];
}

interface Block {
  readonly node: string;
  readonly inc: Incarnation;
  readonly source: string;
  readonly line: number;
  /** Tie-break time: page time origin + t when every input has an origin, else t alone. */
  readonly time: number;
  readonly lines: { readonly ev: Json; readonly line: number }[];
  /** The block holding the matched send, when this block's step is a delivery. */
  waitsFor: Block | null;
  emitted: boolean;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with object keys sorted, so equal messages give equal keys whatever their field order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// ------------------------------------------------------------------------------------------------
// Reading one input
// ------------------------------------------------------------------------------------------------

function readRestored(name: string, v: unknown): Restored {
  const r = v as Partial<Restored> | undefined;
  if (!isObject(r) || !isInt(r.incarnation) || !isInt(r.term) || !(r.votedFor === null || typeof r.votedFor === 'string')
    || !isInt(r.snapshotIndex) || !isInt(r.snapshotTerm) || !Array.isArray(r.entryTerms) || !r.entryTerms.every(isInt)) {
    throw new TraceMergeError('HeaderMismatch', 'header.config.restored is missing or malformed (is this a browser trace?)', name, 1);
  }
  return r as Restored;
}

/** The node an event belongs to, or null for lines that belong to none (client bookkeeping). */
function ownerOf(ev: Json): unknown {
  if (ev.ev === 'Send') return isObject(ev.msg) ? ev.msg.from : undefined;
  if (ev.ev === 'ClientInvoke' || ev.ev === 'ClientComplete') return null;
  return ev.node;
}

interface ReadInput {
  readonly incarnation: Incarnation;
  readonly header: Json;
}

/** The shared reader's error as a merge error of the matching kind, naming the input and line. */
function mergeErrorOf(name: string, e: TraceFormatError): TraceMergeError {
  const detail = e.message.replace(/^trace line \d+: /, '');
  const kind: MergeErrorKind = e instanceof TraceIncompleteError ? 'TraceIncomplete'
    : e instanceof TraceChecksumError ? 'TraceChecksum'
      : e instanceof TraceVersionError ? 'TraceVersion'
        : e instanceof TraceLineOrderError ? 'LineOrder'
          : e.line === 0 ? 'HeaderMismatch' : 'MalformedTrace';
  return new TraceMergeError(kind, detail, name, e.line + 1);
}

function readInput(input: TraceInput): ReadInput {
  const { name } = input;
  // The reader every tool shares: complete (End line), hash matching, lines numbered in order.
  let parsed: ReturnType<typeof parseTrace>;
  try {
    parsed = parseTrace(input.text);
  } catch (e) {
    if (e instanceof TraceFormatError) throw mergeErrorOf(name, e);
    throw e;
  }
  const header = parsed.header as unknown as Json;
  if (header.source !== 'browser') {
    throw new TraceMergeError('HeaderMismatch', `source is ${JSON.stringify(header.source)}, not "browser" (a sim trace is already one cluster trace: validate it directly)`, name, 1);
  }
  if ((header.nodes as string[]).length === 0) throw new TraceMergeError('HeaderMismatch', 'header.nodes must list node ids', name, 1);
  const config = isObject(header.config) ? header.config : {};
  const raft = isObject(config.raft) ? config.raft : {};
  const node = raft.id;
  if (typeof node !== 'string' || !(header.nodes as string[]).includes(node)) {
    throw new TraceMergeError('HeaderMismatch', `header.config.raft.id ${JSON.stringify(node)} is not one of header.nodes`, name, 1);
  }
  const restored = readRestored(name, config.restored);
  const timeOrigin = typeof config.timeOrigin === 'number' && Number.isFinite(config.timeOrigin) ? config.timeOrigin : null;

  const events: { ev: Json; line: number }[] = [];
  let lastT = -Infinity;
  for (const [k, ev] of parsed.events.entries()) {
    const line = k + 2;
    if ((ev.t as number) < lastT) throw new TraceMergeError('LineOrder', `time runs backwards (${ev.t} after ${lastT}): lines are out of order`, name, line);
    lastT = ev.t as number;
    const owner = ownerOf(ev);
    if (owner !== null && owner !== node) {
      throw new TraceMergeError('MalformedTrace', `${ev.ev} line belongs to ${JSON.stringify(owner)}, but this is ${node}'s trace`, name, line);
    }
    if (ev.ev === 'Crash') throw new TraceMergeError('MalformedTrace', 'browser traces have no Crash lines; the merger writes them', name, line);
    if (ev.ev === 'Step' && ev.input === 'Receive' && !isObject(ev.msg)) throw new TraceMergeError('MalformedTrace', 'a Receive step needs the received msg', name, line);
    events.push({ ev, line });
  }
  return { header, incarnation: { name, node, restored, timeOrigin, events } };
}

// ------------------------------------------------------------------------------------------------
// Incarnations: order, completeness
// ------------------------------------------------------------------------------------------------

const isEmptyStart = (r: Restored): boolean =>
  r.term === 0 && r.votedFor === null && r.snapshotIndex === 0 && r.snapshotTerm === 0 && r.entryTerms.length === 0;

/** The durable image an incarnation's Persist lines build from where it restarted (terms only). */
function persistedImage(inc: Incarnation): Omit<Restored, 'incarnation'> {
  let { term, votedFor, snapshotIndex, snapshotTerm } = inc.restored;
  let terms = [...inc.restored.entryTerms];
  for (const { ev, line } of inc.events) {
    if (ev.ev !== 'Persist') continue;
    const bad = (what: string): never => {
      throw new TraceMergeError('MalformedTrace', `Persist line with ${what}`, inc.name, line);
    };
    if (ev.snapshotIndex !== undefined || ev.snapshotTerm !== undefined) {
      if (!isInt(ev.snapshotIndex) || !isInt(ev.snapshotTerm)) bad('a malformed snapshot');
      const x = ev.snapshotIndex as number;
      const keep = x >= snapshotIndex && x <= snapshotIndex + terms.length && (x === snapshotIndex ? snapshotTerm : terms[x - snapshotIndex - 1]) === ev.snapshotTerm;
      terms = keep ? terms.slice(x - snapshotIndex) : [];
      snapshotIndex = x;
      snapshotTerm = ev.snapshotTerm as number;
    }
    if (ev.term !== undefined) term = isInt(ev.term) ? ev.term : bad('a malformed term');
    if (ev.votedFor !== undefined) votedFor = ev.votedFor === null || typeof ev.votedFor === 'string' ? ev.votedFor : bad('a malformed votedFor');
    if (ev.truncateFrom !== undefined) {
      if (!isInt(ev.truncateFrom)) bad('a malformed truncateFrom');
      terms.length = Math.max(0, Math.min(terms.length, (ev.truncateFrom as number) - snapshotIndex - 1));
    }
    if (ev.entryTerms !== undefined) {
      if (!isInt(ev.appendFrom) || !areTracedEntries(ev.entryTerms)) bad('a malformed append');
      terms.length = Math.max(0, Math.min(terms.length, (ev.appendFrom as number) - snapshotIndex - 1));
      // Configuration entries count by their term here: a restart's header lists terms only.
      terms.push(...tracedTerms(ev.entryTerms as unknown[]));
    }
  }
  return { term, votedFor, snapshotIndex, snapshotTerm, entryTerms: terms };
}

function describeImage(r: Omit<Restored, 'incarnation'>): string {
  const last = r.snapshotIndex + r.entryTerms.length;
  const lastTerm = r.entryTerms.length > 0 ? r.entryTerms[r.entryTerms.length - 1] : r.snapshotTerm;
  return `term ${r.term}, vote ${r.votedFor ?? 'none'}, snapshot ${r.snapshotIndex}@${r.snapshotTerm}, log to ${last}@${lastTerm}`;
}

function checkContinuity(prev: Incarnation, next: Incarnation): void {
  const built = persistedImage(prev);
  const r = next.restored;
  const same = built.term === r.term && built.votedFor === r.votedFor && built.snapshotIndex === r.snapshotIndex
    && built.snapshotTerm === r.snapshotTerm && canonicalJson(built.entryTerms) === canonicalJson(r.entryTerms);
  if (!same) {
    throw new TraceMergeError('IncompleteIncarnation',
      `${prev.node} incarnation ${prev.restored.incarnation} persisted ${describeImage(built)}, but incarnation ${r.incarnation} (${next.name}) restarted from ${describeImage(r)}: `
      + 'the earlier trace ends before its tab stopped (export it after stopping the node) or records were lost', prev.name, null);
  }
}

/** Each node's incarnations in order, checked to form one unbroken life. */
function orderIncarnations(read: readonly ReadInput[], nodes: readonly string[]): Map<string, Incarnation[]> {
  const byNode = new Map<string, Incarnation[]>(nodes.map((n) => [n, []]));
  for (const { incarnation } of read) (byNode.get(incarnation.node) as Incarnation[]).push(incarnation);
  for (const [node, list] of byNode) {
    list.sort((a, b) => a.restored.incarnation - b.restored.incarnation);
    for (let k = 1; k < list.length; k++) {
      if (list[k].restored.incarnation === list[k - 1].restored.incarnation) {
        throw new TraceMergeError('DuplicateIncarnation', `${list[k - 1].name} and ${list[k].name} are both incarnation ${list[k].restored.incarnation} of ${node}`);
      }
    }
    if (list.length === 0) continue;
    if (!isEmptyStart(list[0].restored)) {
      throw new TraceMergeError('MissingIncarnation',
        `${node}'s earliest trace (incarnation ${list[0].restored.incarnation}) restarted from ${describeImage(list[0].restored)}: the trace of an earlier incarnation is missing`, list[0].name, 1);
    }
    list.forEach((inc, k) => {
      const first = inc.events[0]?.ev;
      if (k > 0 && first?.ev !== 'Restart') throw new TraceMergeError('MalformedTrace', 'a later incarnation must begin with its Restart line', inc.name, 2);
      if (k > 0) checkContinuity(list[k - 1], inc);
    });
  }
  return byNode;
}

// ------------------------------------------------------------------------------------------------
// Blocks and causal order
// ------------------------------------------------------------------------------------------------

function blocksOf(inc: Incarnation, isFirst: boolean, timeOf: (inc: Incarnation, t: number) => number): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  for (const entry of inc.events) {
    // A node's first incarnation starts from the spec's initial state; a Restart line there (a
    // reload before anything was persisted) would restart a node that never crashed.
    if (isFirst && entry.ev.ev === 'Restart') continue;
    if (current === null || entry.ev.ev === 'Step' || entry.ev.ev === 'Restart') {
      current = { node: inc.node, inc, source: inc.name, line: entry.line, time: timeOf(inc, entry.ev.t as number), lines: [], waitsFor: null, emitted: false };
      blocks.push(current);
    }
    current.lines.push(entry);
  }
  return blocks;
}

function crashBlock(inc: Incarnation, timeOf: (inc: Incarnation, t: number) => number): Block {
  const last = inc.events[inc.events.length - 1];
  const t = last ? (last.ev.t as number) : 0;
  const line = last ? last.line + 1 : 2;
  const ev: Json = { t, ev: 'Crash', node: inc.node, lostRecords: 0, torn: false };
  return { node: inc.node, inc, source: inc.name, line, time: timeOf(inc, t), lines: [{ ev, line }], waitsFor: null, emitted: false };
}

interface Delivery {
  readonly block: Block;
  readonly key: string;
}

/** Matches every delivery to a send (k-th delivery of a message on its link <- its k-th send). */
function matchMessages(program: Map<string, Block[]>): { sends: number; deliveries: number; undelivered: number } {
  const sendsByKey = new Map<string, Block[]>();
  const deliveries: Delivery[] = [];
  for (const blocks of program.values()) {
    for (const block of blocks) {
      for (const { ev } of block.lines) {
        if (ev.ev === 'Send') {
          const key = canonicalJson(ev.msg);
          const list = sendsByKey.get(key);
          if (list) list.push(block);
          else sendsByKey.set(key, [block]);
        } else if (ev.ev === 'Step' && ev.input === 'Receive') {
          deliveries.push({ block, key: canonicalJson(ev.msg) });
        }
      }
    }
  }
  let sends = 0;
  for (const list of sendsByKey.values()) sends += list.length;
  const used = new Map<string, number>();
  for (const d of deliveries) {
    const k = used.get(d.key) ?? 0;
    const send = sendsByKey.get(d.key)?.[k];
    if (send === undefined) {
      const msg = JSON.parse(d.key) as Json;
      throw new TraceMergeError('UnmatchedDelivery',
        `${d.block.node} receives ${String(msg.type)} from ${String(msg.from)} (term ${String(msg.term)}), but ${k === 0 ? 'no input shows it sent' : `only ${k} send(s) of it appear, all matched to earlier deliveries`}: ${d.key}`,
        d.block.source, d.block.line);
    }
    used.set(d.key, k + 1);
    d.block.waitsFor = send;
  }
  return { sends, deliveries: deliveries.length, undelivered: sends - deliveries.length };
}

function describeCycle(program: Map<string, Block[]>, cursor: Map<string, number>): string {
  const next = (node: string): Block => (program.get(node) as Block[])[cursor.get(node) as number];
  const start = [...program.keys()].find((n) => (cursor.get(n) as number) < (program.get(n) as Block[]).length) as string;
  const seen = new Set<string>();
  const steps: string[] = [];
  let node = start;
  while (!seen.has(node)) {
    seen.add(node);
    const waiting = next(node);
    const send = waiting.waitsFor as Block;
    steps.push(`${waiting.source}:${waiting.line} (${node}) waits for the send at ${send.source}:${send.line} (${send.node})`);
    node = send.node;
  }
  return `no order puts every delivery after its send: ${steps.join('; ')}, which comes after the first`;
}

/** Emits blocks in a causal order, the earliest ready block first. */
function causalOrder(program: Map<string, Block[]>): Block[] {
  const cursor = new Map<string, number>([...program.keys()].map((n) => [n, 0]));
  const order: Block[] = [];
  const total = [...program.values()].reduce((s, b) => s + b.length, 0);
  const nodes = [...program.keys()];
  while (order.length < total) {
    let best: Block | null = null;
    for (const node of nodes) {
      const blocks = program.get(node) as Block[];
      const k = cursor.get(node) as number;
      if (k >= blocks.length) continue;
      const b = blocks[k];
      if (b.waitsFor !== null && !b.waitsFor.emitted) continue;
      if (best === null || b.time < best.time) best = b;
    }
    if (best === null) {
      const stuck = nodes.find((n) => (cursor.get(n) as number) < (program.get(n) as Block[]).length) as string;
      const waiting = (program.get(stuck) as Block[])[cursor.get(stuck) as number];
      throw new TraceMergeError('CausalCycle', describeCycle(program, cursor), waiting.source, waiting.line);
    }
    best.emitted = true;
    order.push(best);
    cursor.set(best.node, (cursor.get(best.node) as number) + 1);
  }
  return order;
}

// ------------------------------------------------------------------------------------------------
// The merge
// ------------------------------------------------------------------------------------------------

/** The voters a trace's node was configured with (its Raft config's cluster): the run's initial configuration. */
function initialVotersOf(r: ReadInput): string[] {
  const h = r.header;
  const voters = isObject(h.config) && isObject(h.config.raft) && isObject(h.config.raft.cluster) ? h.config.raft.cluster.voters : undefined;
  if (!Array.isArray(voters) || voters.length === 0 || !voters.every((v) => typeof v === 'string' && (h.nodes as string[]).includes(v))) {
    throw new TraceMergeError('HeaderMismatch', 'header.config.raft.cluster.voters must list some of header.nodes', r.incarnation.name, 1);
  }
  return voters as string[];
}

function checkHeadersAgree(read: readonly ReadInput[]): { nodes: string[]; clusterId: unknown; initialVoters: string[] } {
  const first = read[0];
  const nodes = first.header.nodes as string[];
  const clusterOf = (h: Json): unknown => (isObject(h.config) && isObject(h.config.raft) ? h.config.raft.clusterId : undefined);
  const clusterId = clusterOf(first.header);
  const initialVoters = initialVotersOf(first);
  for (const r of read.slice(1)) {
    const name = r.incarnation.name;
    if (canonicalJson(r.header.nodes) !== canonicalJson(nodes)) {
      throw new TraceMergeError('HeaderMismatch', `nodes ${JSON.stringify(r.header.nodes)} differ from ${JSON.stringify(nodes)} in ${first.incarnation.name}`, name, 1);
    }
    if (clusterOf(r.header) !== clusterId) {
      throw new TraceMergeError('HeaderMismatch', `cluster ${JSON.stringify(clusterOf(r.header))} differs from ${JSON.stringify(clusterId)} in ${first.incarnation.name}: traces of different runs`, name, 1);
    }
    // Every tab starts from the same configuration; later ones come from the log.
    if (canonicalJson(initialVotersOf(r)) !== canonicalJson(initialVoters)) {
      throw new TraceMergeError('HeaderMismatch', `initial voters ${JSON.stringify(initialVotersOf(r))} differ from ${JSON.stringify(initialVoters)} in ${first.incarnation.name}`, name, 1);
    }
  }
  return { nodes, clusterId, initialVoters };
}

/** Merges the traces of one run (any order) into one cluster trace; throws TraceMergeError. */
export function mergeBrowserTraces(inputs: readonly TraceInput[]): MergedTrace {
  if (inputs.length === 0) throw new TraceMergeError('MalformedTrace', 'no traces to merge');
  const read = inputs.map(readInput);
  const { nodes, clusterId, initialVoters } = checkHeadersAgree(read);
  const byNode = orderIncarnations(read, nodes);

  // Times: absolute when every trace knows its page's time origin, else each trace's own t.
  const origins = read.map((r) => r.incarnation.timeOrigin);
  const absolute = origins.every((o) => o !== null);
  const base = absolute ? Math.min(...(origins as number[])) : 0;
  const timeOf = (inc: Incarnation, t: number): number => (absolute ? (inc.timeOrigin as number) - base + t : t);

  const program = new Map<string, Block[]>();
  let crashes = 0;
  for (const node of nodes) {
    const blocks: Block[] = [];
    const list = byNode.get(node) as Incarnation[];
    list.forEach((inc, k) => {
      blocks.push(...blocksOf(inc, k === 0, timeOf));
      if (k < list.length - 1) {
        blocks.push(crashBlock(inc, timeOf));
        crashes++;
      }
    });
    program.set(node, blocks);
  }
  const messages = matchMessages(program);
  const order = causalOrder(program);

  const header = {
    type: 'header', format: TRACE_FORMAT, source: 'browser', seed: null,
    version: read[0].header.version ?? 'dev', commit: read[0].header.commit ?? 'unknown', nodes, profile: 'browser-merged',
    // The configuration every node started from (trace validation and the safety checker need it
    // once the log changes the membership); `nodes` is every node that may ever join.
    initialConfig: { voters: initialVoters, learners: [] },
    config: {
      clusterId,
      merged: {
        inputs: nodes.flatMap((n) => (byNode.get(n) as Incarnation[]).map((inc) => ({ name: inc.name, node: n, incarnation: inc.restored.incarnation, events: inc.events.length }))),
        times: absolute ? 'page time origin + t, from the earliest origin' : 'each trace\'s own t (no time origins recorded)',
        assumptions: MERGE_ASSUMPTIONS,
      },
    },
    faultPlan: null,
  };
  const out: string[] = [JSON.stringify(header)];
  let i = 0;
  for (const block of order) {
    for (const { ev, line } of block.lines) {
      const { i: _i, t, ...rest } = ev;
      void _i;
      const time = Math.round(timeOf(block.inc, t as number) * 1000) / 1000;
      out.push(JSON.stringify({ i: ++i, t: time, ...rest, src: `${block.source}:${line}` }));
    }
  }
  return {
    text: completeTrace(out),
    stats: { traces: inputs.length, nodes: nodes.length, events: i, crashes, ...messages },
  };
}
