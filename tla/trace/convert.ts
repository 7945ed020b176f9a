/**
 * Trace NDJSON -> a generated TLA+ module that TLC can read.
 *
 * TLC 2.18 has no Json module and a .cfg cannot hold records or sequences, so the trace becomes a
 * module: `TraceRaftMC_<hash>` EXTENDS TraceRaft and defines the events as one sequence of records.
 * Every value is reduced to what the spec models (message fields core's handlers read, the node
 * view, persist records), using the spec's vocabulary: strings for node ids, roles and message
 * types, "nil" for no vote, entries as sequences of terms.
 *
 * Membership changes: a configuration entry is traced as an object `{ term, config }` (or core's
 * own `{ term, type: 'Config', data }` with the configuration JSON-encoded in `data`) where other
 * entries are their term, in AppendEntries `entries` and in Persist `entryTerms`. The spec gets the
 * terms as before plus the configurations among them as a set of <<offset, configuration>> pairs
 * (`mconfs`, `confs`). A ProposeConfChange step carries its `changes` (and `leaveJoint`); a node
 * view may carry its `config`. The initial configuration is the header's `initialConfig`, else the
 * first `config.initialVoters` of the header's nodes, else all of them as voters.
 *
 * Lines without a meaning for the spec are left out, and each kept event remembers its trace line
 * so a failure is reported against the file the user has: client bookkeeping (ClientInvoke,
 * ClientComplete), the fault schedule (Fault, Pause: their effects are the Crash, Restart, Drop and
 * Duplicate lines) and the simulator's own Violation verdict.
 */
import { createHash } from 'crypto';
import { TraceFormatError, parseTrace } from '../../trace/read';
import { printTla, tla, type TlaValue } from '../tla-value';
import { MAX_TERM, isTerm } from '../../core/terms';

/**
 * TLC's integers are 32-bit: a larger index would overflow inside TLC with an error far from the
 * trace line. Terms have their own, equal, bound (core/terms.ts: MAX_TERM was chosen to be this).
 */
const TLC_MAX_INT = 2 ** 31 - 1;

/** Event kinds the spec ignores, by design (see the module comment). */
export const IGNORED_EVENT_KINDS: ReadonlySet<string> = new Set(['ClientInvoke', 'ClientComplete', 'Fault', 'Pause', 'Violation']);

const ROLES = new Set(['Follower', 'PreCandidate', 'Candidate', 'Leader']);
const INPUTS = new Set(['Tick', 'Receive', 'Propose', 'Read', 'PersistAck', 'Snapshot', 'TransferLeadership', 'ProposeConfChange']);
const CHANGE_KINDS = new Set(['AddVoter', 'AddLearner', 'RemoveNode']);
const LEAVE_JOINT = new Set(['auto', 'explicit']);

/** One event the spec must match, and where it came from. */
export interface ConvertedEvent {
  /** Line number in the trace file, 1-based (the header is line 1, event i is line i + 1). */
  readonly line: number;
  readonly kind: string;
  readonly value: TlaValue;
}

export interface ConvertedTrace {
  readonly nodes: readonly string[];
  /** The configuration before any configuration entry (RaftReconfig's InitConfig). */
  readonly initialConfig: TlaValue;
  readonly events: readonly ConvertedEvent[];
  /** Raw trace lines, header first (index 0), for reporting. */
  readonly lines: readonly string[];
  /** Trace lines whose kind the spec ignores by design. */
  readonly ignoredLines: number;
}

// ------------------------------------------------------------------------------------------------
// Field readers: each names the trace line on failure.
// ------------------------------------------------------------------------------------------------

class Fields {
  constructor(private readonly index: number, private readonly obj: Record<string, unknown>, private readonly where = '') {}

  fail(message: string): never {
    throw new TraceFormatError(this.index, `${this.where}${message}`);
  }

  nat(key: string): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > TLC_MAX_INT) this.fail(`${key} must be an integer in [0, ${TLC_MAX_INT}], got ${JSON.stringify(v)}`);
    return v;
  }

  /** A term: the range every layer shares (core/terms.ts). */
  term(key: string): number {
    const v = this.obj[key];
    if (!isTerm(v)) this.fail(`${key} must be a term (an integer in [0, ${MAX_TERM}]), got ${JSON.stringify(v)}`);
    return v;
  }

  termArray(key: string): number[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || !v.every(isTerm)) this.fail(`${key} must be an array of terms (integers in [0, ${MAX_TERM}])`);
    return v as number[];
  }

  /**
   * Log entries: a term each, or a configuration entry `{ term, config }` / `{ term, type: 'Config',
   * data }`. Returns the terms and the configurations by 1-based offset.
   */
  entries(key: string, nodes: ReadonlySet<string>): { terms: number[]; confs: TlaValue } {
    const v = this.obj[key];
    if (!Array.isArray(v)) this.fail(`${key} must be an array of entries (terms, or configuration entries { term, config })`);
    const terms: number[] = [];
    const confs: TlaValue[] = [];
    v.forEach((entry: unknown, k: number) => {
      if (isTerm(entry)) {
        terms.push(entry);
        return;
      }
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) this.fail(`${key}[${k}] must be a term or a configuration entry { term, config }`);
      const f = new Fields(this.index, entry as Record<string, unknown>, `${this.where}${key}[${k}].`);
      terms.push(f.term('term'));
      confs.push(tla.seq([tla.int(k + 1), f.configuration(nodes)]));
    });
    return { terms, confs: tla.set(confs) };
  }

  /** The configuration of a configuration entry: `config`, or core's JSON in `data`. */
  configuration(nodes: ReadonlySet<string>): TlaValue {
    if (this.has('config')) return this.object('config').config(nodes);
    if (this.obj.type !== 'Config' || typeof this.obj.data !== 'string') this.fail('a configuration entry needs config, or type "Config" with its JSON in data');
    let decoded: unknown;
    try {
      decoded = JSON.parse(this.obj.data as string);
    } catch {
      this.fail('data is not a JSON configuration');
    }
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) this.fail('data must encode a configuration object');
    return new Fields(this.index, decoded as Record<string, unknown>, `${this.where}data.`).config(nodes);
  }

  /** This object as a configuration: voters, votersOutgoing (joint only), learners. */
  config(nodes: ReadonlySet<string>): TlaValue {
    const voters = this.nodeList('voters', nodes);
    if (voters.length === 0) this.fail('voters must not be empty');
    const outgoing = this.has('votersOutgoing') ? this.nodeList('votersOutgoing', nodes) : [];
    if (this.has('votersOutgoing') && outgoing.length === 0) this.fail('votersOutgoing, when present, must not be empty');
    const learners = this.has('learners') ? this.nodeList('learners', nodes) : [];
    const set = (ids: string[]): TlaValue => tla.set([...ids].sort().map(tla.str));
    return tla.rec({ voters: set(voters), outgoing: set(outgoing), learners: set(learners) });
  }

  nodeList(key: string, nodes: ReadonlySet<string>): string[] {
    const v = this.obj[key];
    if (!Array.isArray(v)) this.fail(`${key} must be an array of node ids`);
    v.forEach((id: unknown, k: number) => {
      if (typeof id !== 'string' || !nodes.has(id)) this.fail(`${key}[${k}] ${JSON.stringify(id)} is not a node of the header`);
    });
    if (new Set(v).size !== v.length) this.fail(`${key} has duplicates`);
    return v as string[];
  }

  /** A ProposeConfChange's changes: a list of { kind: AddVoter | AddLearner | RemoveNode, node }. */
  changes(key: string, nodes: ReadonlySet<string>): TlaValue {
    const v = this.obj[key];
    if (!Array.isArray(v)) this.fail(`${key} must be an array of { kind, node }`);
    return tla.seq(v.map((change: unknown, k: number) => {
      if (typeof change !== 'object' || change === null || Array.isArray(change)) this.fail(`${key}[${k}] must be an object { kind, node }`);
      const f = new Fields(this.index, change as Record<string, unknown>, `${this.where}${key}[${k}].`);
      const kind = f.str('kind');
      if (!CHANGE_KINDS.has(kind)) f.fail(`kind ${JSON.stringify(kind)} is not one of ${[...CHANGE_KINDS].join(', ')}`);
      return tla.rec({ kind: tla.str(kind), node: tla.str(f.node('node', nodes)) });
    }));
  }

  optNat(key: string): number | undefined {
    return this.obj[key] === undefined ? undefined : this.nat(key);
  }

  str(key: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || v === '') this.fail(`${key} must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }

  bool(key: string): boolean {
    const v = this.obj[key];
    if (typeof v !== 'boolean') this.fail(`${key} must be a boolean, got ${JSON.stringify(v)}`);
    return v;
  }

  node(key: string, nodes: ReadonlySet<string>): string {
    const v = this.str(key);
    if (!nodes.has(v)) this.fail(`${key} ${JSON.stringify(v)} is not a node of the header`);
    return v;
  }

  /** A vote: a node id, or null for "no vote" (the spec's Nil). */
  vote(key: string, nodes: ReadonlySet<string>): string {
    const v = this.obj[key];
    if (v === null) return 'nil';
    return this.node(key, nodes);
  }

  object(key: string): Fields {
    const v = this.obj[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${key} must be an object`);
    return new Fields(this.index, v as Record<string, unknown>, `${this.where}${key}.`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }
}

// ------------------------------------------------------------------------------------------------
// Values
// ------------------------------------------------------------------------------------------------

function nodeViewValue(f: Fields, nodes: ReadonlySet<string>): TlaValue {
  const role = f.str('role');
  if (!ROLES.has(role)) f.fail(`role ${JSON.stringify(role)} is not one of ${[...ROLES].join(', ')}`);
  return tla.rec({
    term: tla.int(f.term('term')),
    role: tla.str(role),
    vote: tla.str(f.vote('vote', nodes)),
    lastIndex: tla.int(f.nat('lastIndex')),
    lastTerm: tla.int(f.term('lastTerm')),
    commit: tla.int(f.nat('commit')),
    snapshotIndex: tla.int(f.nat('snapshotIndex')),
  });
}

/**
 * A message reduced to the fields the spec reads. Fields that only steer flow control or reads
 * (round, conflict hints, snapshot offsets and bytes, read request ids) are dropped; two messages
 * that differ only there are the same message to the spec.
 */
export function messageValue(f: Fields, nodes: ReadonlySet<string>): TlaValue {
  const type = f.str('type');
  const envelope = {
    mtype: tla.str(type),
    msource: tla.str(f.node('from', nodes)),
    mdest: tla.str(f.node('to', nodes)),
    mterm: tla.int(f.term('term')),
  };
  switch (type) {
    case 'RequestVoteRequest':
      return tla.rec({ ...envelope, mlastLogIndex: tla.int(f.nat('lastLogIndex')), mlastLogTerm: tla.int(f.term('lastLogTerm')), mtransfer: tla.bool(f.bool('transfer')) });
    case 'PreVoteRequest':
      return tla.rec({ ...envelope, mlastLogIndex: tla.int(f.nat('lastLogIndex')), mlastLogTerm: tla.int(f.term('lastLogTerm')) });
    case 'RequestVoteResponse':
    case 'PreVoteResponse':
      return tla.rec({ ...envelope, mvoteGranted: tla.bool(f.bool('granted')) });
    case 'AppendEntriesRequest': {
      const entries = f.entries('entries', nodes);
      return tla.rec({
        ...envelope,
        mprevLogIndex: tla.int(f.nat('prevLogIndex')),
        mprevLogTerm: tla.int(f.term('prevLogTerm')),
        mentries: tla.seq(entries.terms.map(tla.int)),
        mconfs: entries.confs,
        mcommitIndex: tla.int(f.nat('leaderCommit')),
      });
    }
    case 'AppendEntriesResponse':
      return tla.rec({ ...envelope, msuccess: tla.bool(f.bool('success')), mmatchIndex: tla.int(f.nat('matchIndex')) });
    case 'InstallSnapshotRequest':
      return tla.rec({
        ...envelope,
        mlastIncludedIndex: tla.int(f.nat('lastIncludedIndex')),
        mlastIncludedTerm: tla.int(f.term('lastIncludedTerm')),
        mdone: tla.bool(f.bool('done')),
      });
    case 'InstallSnapshotResponse':
      return tla.rec({ ...envelope, mlastIncludedIndex: tla.int(f.nat('lastIncludedIndex')), minstalled: tla.bool(f.bool('installed')) });
    case 'TimeoutNowRequest':
    case 'ReadIndexRequest':
    case 'ReadIndexResponse':
      return tla.rec(envelope);
    default:
      return f.fail(`unknown message type ${JSON.stringify(type)}`);
  }
}

/** A persist record: absent parts get neutral values (-1 term, hasVote FALSE, 0 indexes). */
function persistValue(f: Fields, nodes: ReadonlySet<string>): TlaValue {
  const hasAppend = f.has('appendFrom') || f.has('entryTerms');
  const { terms: entries, confs } = hasAppend ? f.entries('entryTerms', nodes) : { terms: [], confs: tla.set([]) };
  const appendFrom = hasAppend ? f.nat('appendFrom') : 0;
  if (hasAppend && appendFrom < 1) f.fail('appendFrom must be at least 1');
  const hasSnapshot = f.has('snapshotIndex') || f.has('snapshotTerm');
  const truncateFrom = f.optNat('truncateFrom') ?? 0;
  if (f.has('truncateFrom') && truncateFrom < 1) f.fail('truncateFrom must be at least 1');
  return tla.rec({
    term: tla.int(f.has('term') ? f.term('term') : -1),
    hasVote: tla.bool(f.has('votedFor')),
    vote: tla.str(f.has('votedFor') ? f.vote('votedFor', nodes) : 'nil'),
    trunc: tla.int(truncateFrom),
    app: tla.int(appendFrom),
    ents: tla.seq(entries.map(tla.int)),
    confs,
    snap: tla.int(hasSnapshot ? f.nat('snapshotIndex') : 0),
    snapTerm: tla.int(hasSnapshot ? f.term('snapshotTerm') : 0),
  });
}

function convertEvent(index: number, raw: Record<string, unknown>, nodes: ReadonlySet<string>): ConvertedEvent | null {
  const f = new Fields(index, raw);
  const kind = f.str('ev');
  if (IGNORED_EVENT_KINDS.has(kind)) return null;
  const line = index + 1;
  const base = { ev: tla.str(kind), line: tla.int(line) };
  switch (kind) {
    case 'Step': {
      const input = f.str('input');
      if (!INPUTS.has(input)) f.fail(`input ${JSON.stringify(input)} is not one of ${[...INPUTS].join(', ')}`);
      const actions = raw.actions;
      if (!Array.isArray(actions) || !actions.every((a) => typeof a === 'string')) f.fail('actions must be an array of action names');
      if (input === 'Receive' && !f.has('msg')) f.fail('a Receive step needs the received msg');
      // Batched ticks (--skip-idle-ticks): the spec's Tick step reads only the actions, so a count of
      // ticks is checked for form and otherwise means what one tick means.
      if (f.has('count') && (input !== 'Tick' || f.nat('count') < 1)) f.fail('count must be a positive integer, on a Tick step only');
      if (f.has('idleTicks') && f.nat('idleTicks') < 1) f.fail('idleTicks must be a positive integer');
      const fields: Record<string, TlaValue> = {
        ...base,
        node: tla.str(f.node('node', nodes)),
        input: tla.str(input),
        acts: tla.set([...new Set(actions as string[])].sort().map(tla.str)),
        st: nodeViewValue(f.object('state'), nodes),
      };
      if (input === 'Receive') fields.msg = messageValue(f.object('msg'), nodes);
      if (input === 'ProposeConfChange') {
        fields.changes = f.changes('changes', nodes);
        const leave = f.has('leaveJoint') ? f.str('leaveJoint') : 'none';
        if (leave !== 'none' && !LEAVE_JOINT.has(leave)) f.fail(`leaveJoint ${JSON.stringify(leave)} is not one of auto, explicit`);
        fields.leave = tla.str(leave);
      }
      const view = f.object('state');
      if (view.has('config')) fields.cfg = view.object('config').config(nodes);
      return { line, kind, value: tla.rec(fields) };
    }
    case 'Send':
    case 'Drop':
    case 'Duplicate':
      return { line, kind, value: tla.rec({ ...base, msg: messageValue(f.object('msg'), nodes) }) };
    case 'Persist':
      return { line, kind, value: tla.rec({ ...base, node: tla.str(f.node('node', nodes)), seq: tla.int(f.nat('seq')), rec: persistValue(f, nodes) }) };
    case 'Apply': {
      const from = f.nat('from');
      const to = f.nat('to');
      if (from < 1 || to < from) f.fail(`apply range ${from}..${to} is empty or starts before 1`);
      return { line, kind, value: tla.rec({ ...base, node: tla.str(f.node('node', nodes)), from: tla.int(from), to: tla.int(to) }) };
    }
    case 'Crash':
      return {
        line, kind,
        value: tla.rec({ ...base, node: tla.str(f.node('node', nodes)), lost: tla.int(f.optNat('lostRecords') ?? -1), torn: tla.bool(f.has('torn') ? f.bool('torn') : false) }),
      };
    case 'Restart':
      return { line, kind, value: tla.rec({ ...base, node: tla.str(f.node('node', nodes)), st: nodeViewValue(f.object('state'), nodes) }) };
    default:
      return f.fail(`unknown event kind ${JSON.stringify(kind)}`);
  }
}

/**
 * The header's `initialConfig` ({ voters, learners }), else its simulator config's `initialVoters`
 * (the first that many nodes vote, the rest start outside), else every node a voter.
 */
function initialConfigValue(header: Record<string, unknown>, nodeList: readonly string[], nodes: ReadonlySet<string>): TlaValue {
  const f = new Fields(0, header, 'header.');
  if (f.has('initialConfig')) return f.object('initialConfig').config(nodes);
  const simConfig = header.config;
  const count = typeof simConfig === 'object' && simConfig !== null ? (simConfig as Record<string, unknown>).initialVoters : undefined;
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > nodeList.length)) {
    f.fail(`config.initialVoters must be an integer in [1, ${nodeList.length}], got ${JSON.stringify(count)}`);
  }
  const voters = nodeList.slice(0, (count as number | undefined) ?? nodeList.length);
  return new Fields(0, { voters }, 'header.').config(nodes);
}

/** Parses and reduces a trace; throws TraceFormatError naming the line of the first problem. */
export function convertTrace(text: string): ConvertedTrace {
  const parsed = parseTrace(text);
  const nodeList = parsed.header.nodes;
  if (nodeList.length === 0) throw new TraceFormatError(0, 'header.nodes is empty');
  if (new Set(nodeList).size !== nodeList.length) throw new TraceFormatError(0, 'header.nodes has duplicates');
  if (nodeList.includes('nil')) throw new TraceFormatError(0, 'a node may not be called "nil" (the spec\'s name for no vote)');
  const nodes = new Set(nodeList);
  const initialConfig = initialConfigValue(parsed.header as unknown as Record<string, unknown>, nodeList, nodes);
  const events: ConvertedEvent[] = [];
  let ignoredLines = 0;
  parsed.events.forEach((raw, k) => {
    const event = convertEvent(k + 1, raw, nodes);
    if (event) events.push(event);
    else ignoredLines++;
  });
  return { nodes: nodeList, initialConfig, events, lines: parsed.lines, ignoredLines };
}

export interface GeneratedModule {
  /** Module name; the file is `${name}.tla` and its config `${name}.cfg`. */
  readonly name: string;
  readonly tla: string;
  readonly cfg: string;
}

export interface GenerateOptions {
  /** > 0: print the spec's candidates at that event (1-based) instead of matching it. */
  readonly diagnoseAt?: number;
  /**
   * Merge states by trace position (`VIEW TraceView`, run with -view): TLC keeps one state per
   * event, and a passing run prints only `l` in its counterexample instead of whole states. A
   * pass stays sound (the path found is a genuine behaviour); a fail may not be, because a
   * branch needed later can have been merged away, so a fail must be confirmed without it.
   */
  readonly mergeByPosition?: boolean;
}

/** The root module TLC runs: the trace as a definition, bound to TraceRaft's constants by the cfg. */
export function generateModule(trace: ConvertedTrace, options: GenerateOptions = {}): GeneratedModule {
  const events = trace.events.map((e) => printTla(e.value)).join(',\n  ');
  const servers = printTla(tla.set(trace.nodes.map(tla.str)));
  const initConfig = printTla(trace.initialConfig);
  const body = `TraceServers == ${servers}\n\nTraceInitConfig == ${initConfig}\n\nTraceEvents == <<\n  ${events}\n>>\n`;
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const name = `TraceRaftMC_${hash}`;
  const tlaText = [
    `---- MODULE ${name} ----`,
    '\\* Generated by tla/trace/convert.ts from a raftbed trace. Do not edit.',
    'EXTENDS TraceRaft, Integers',
    '',
    'NoValues == {}',
    '',
    body,
    '====',
    '',
  ].join('\n');
  const cfg = [
    'CONSTANTS',
    '  Server <- TraceServers',
    '  Value <- NoValues',
    '  InitConfig <- TraceInitConfig',
    '  Trace <- TraceEvents',
    `  DiagnoseAt = ${options.diagnoseAt ?? 0}`,
    'INIT TraceInit',
    'NEXT TraceNext',
    ...(options.mergeByPosition ? ['VIEW TraceView'] : []),
    'INVARIANT TraceNotFullyMatched',
    'CHECK_DEADLOCK FALSE',
    '',
  ].join('\n');
  return { name, tla: tlaText, cfg };
}
