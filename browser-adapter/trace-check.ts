// Safety checks on exported browser traces (sim's NDJSON format, one file per node incarnation).
//
// sim's SafetyChecker judges full RaftStates and Outputs; a trace carries only NodeViews, persist
// records reduced to entry terms, and applied index ranges. This checker rebuilds what it can from
// those and checks, across every trace given:
//   ElectionSafety      at most one node is Leader in any term;
//   TermMonotonic       a node's term never decreases (across restarts too: the header says
//                       what the node restarted from);
//   CommitMonotonic     a node's commit index never decreases within an incarnation;
//   OneVotePerTerm      a node never persists two different votes in one term;
//   LogMatching         equal (index, term) entries follow equal terms (raft.tla's allLogs,
//                       checked inductively), and appends continue the persisted log;
//   PersistMatchesState every Step's log end (lastIndex, lastTerm, snapshotIndex) is what the
//                       Persist lines after it produce, so no write is missing from the trace;
//   StateMachineSafety  every node applies the same term at each index (by Log Matching, the same
//                       entry), applies in order and never beyond its commit index, and installs
//                       snapshots that agree with what was applied.
// Leader Completeness needs a global order of events, which one tab's trace lacks: trace-merge.ts
// builds a causal order of the whole run, and merged-trace-safety.ts runs sim's SafetyChecker
// (Leader Completeness included) over it, as TLA+ trace validation does.
//
// Each trace is read by the reader every trace tool shares (trace/read.ts): a trace that is
// cut short, edited after export, or in an older format is reported as MalformedTrace.

import { TraceFormatError, parseTrace as readTrace } from '../trace/read';
import { tracedTerm } from './traced-entry';

export type TraceProperty =
  | 'MalformedTrace' | 'ElectionSafety' | 'TermMonotonic' | 'CommitMonotonic' | 'OneVotePerTerm' | 'LogMatching'
  | 'PersistMatchesState' | 'StateMachineSafety';

export interface TraceViolation {
  readonly property: TraceProperty;
  readonly node: string | null;
  /** Which trace (position in the input) and which line of it. */
  readonly trace: number;
  readonly line: number;
  readonly detail: string;
}

export interface TraceCheckResult {
  readonly ok: boolean;
  readonly violations: readonly TraceViolation[];
  readonly stats: { readonly traces: number; readonly steps: number; readonly persists: number; readonly applies: number; readonly terms: number; readonly highestApplied: number };
}

interface Restored {
  incarnation: number;
  term: number;
  votedFor: string | null;
  snapshotIndex: number;
  snapshotTerm: number;
  entryTerms: number[];
}

interface ParsedTrace {
  readonly position: number;
  readonly node: string;
  readonly restored: Restored | null;
  readonly events: { line: number; ev: Record<string, unknown> }[];
}

/** A node's log as the trace shows it: terms only. */
class TermLog {
  snapshotIndex = 0;
  snapshotTerm = 0;
  terms: number[] = [];

  get lastIndex(): number {
    return this.snapshotIndex + this.terms.length;
  }

  get lastTerm(): number {
    return this.terms.length > 0 ? this.terms[this.terms.length - 1] : this.snapshotTerm;
  }

  termAt(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex) return undefined;
    return this.terms[index - this.snapshotIndex - 1];
  }

  installSnapshot(index: number, term: number): void {
    const keep = this.termAt(index) === term;
    this.terms = keep ? this.terms.slice(index - this.snapshotIndex) : [];
    this.snapshotIndex = index;
    this.snapshotTerm = term;
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** A trace given as its lines is read as the file those lines make. */
function textOf(trace: string | readonly string[]): string {
  return typeof trace === 'string' ? trace : trace.map((line) => `${line}\n`).join('');
}

export function checkTraceSafety(traces: readonly (string | readonly string[])[]): TraceCheckResult {
  const violations: TraceViolation[] = [];
  const parsed: ParsedTrace[] = [];
  traces.forEach((trace, position) => {
    const p = parseTrace(textOf(trace), position, violations);
    if (p) parsed.push(p);
  });

  // Incarnations of a node in order, so restarts continue from what the node held before.
  const byNode = new Map<string, ParsedTrace[]>();
  for (const p of parsed) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
  for (const list of byNode.values()) list.sort((a, b) => (a.restored?.incarnation ?? 0) - (b.restored?.incarnation ?? 0));

  const leaderOfTerm = new Map<number, string>();
  const votes = new Map<string, string>();
  /** index -> term -> prevTerm (undefined: unknown there). */
  const written = new Map<number, Map<number, number | undefined>>();
  const committed = new Map<number, number>();
  let steps = 0;
  let persists = 0;
  let applies = 0;
  let highestApplied = 0;

  for (const [node, incarnations] of byNode) {
    const log = new TermLog();
    let term = 0;
    for (const trace of incarnations) {
      const report = (property: TraceProperty, line: number, detail: string): void => {
        violations.push({ property, node, trace: trace.position, line, detail });
      };
      if (trace.restored) {
        const r = trace.restored;
        if (r.term < term) report('TermMonotonic', 0, `restarted with term ${r.term}, but term ${term} was reached before`);
        term = Math.max(term, r.term);
        log.snapshotIndex = r.snapshotIndex;
        log.snapshotTerm = r.snapshotTerm;
        log.terms = [...r.entryTerms];
      }
      let commit = log.snapshotIndex;
      let applied = log.snapshotIndex;
      let expected: { line: number; lastIndex: number; lastTerm: number; snapshotIndex: number } | null = null;
      const checkExpected = (): void => {
        if (expected === null) return;
        if (expected.lastIndex !== log.lastIndex || expected.lastTerm !== log.lastTerm || expected.snapshotIndex !== log.snapshotIndex) {
          report('PersistMatchesState', expected.line,
            `the step says log ends at ${expected.lastIndex}@${expected.lastTerm} (snapshot ${expected.snapshotIndex}); its persist records give ${log.lastIndex}@${log.lastTerm} (snapshot ${log.snapshotIndex})`);
        }
        expected = null;
      };

      for (const { line, ev } of trace.events) {
        switch (ev.ev) {
          case 'Step':
          case 'Restart': {
            checkExpected();
            const s = ev.state as Record<string, unknown> | undefined;
            if (!s || !isInt(s.term) || !isInt(s.commit) || !isInt(s.lastIndex) || !isInt(s.lastTerm) || !isInt(s.snapshotIndex) || typeof s.role !== 'string') {
              report('MalformedTrace', line, `${String(ev.ev)} line without a valid state`);
              break;
            }
            if (ev.ev === 'Step') steps++;
            if (s.term < term) report('TermMonotonic', line, `term went from ${term} to ${s.term}`);
            term = Math.max(term, s.term);
            if (s.commit < commit) report('CommitMonotonic', line, `commit index went from ${commit} to ${s.commit}`);
            commit = Math.max(commit, s.commit);
            if (s.role === 'Leader') {
              const other = leaderOfTerm.get(s.term);
              if (other !== undefined && other !== node) report('ElectionSafety', line, `${node} and ${other} are both leaders of term ${s.term}`);
              else leaderOfTerm.set(s.term, node);
            }
            expected = { line, lastIndex: s.lastIndex, lastTerm: s.lastTerm, snapshotIndex: s.snapshotIndex };
            break;
          }
          case 'Persist': {
            persists++;
            if (isInt(ev.snapshotIndex) && isInt(ev.snapshotTerm)) {
              const known = committed.get(ev.snapshotIndex);
              if (known !== undefined && known !== ev.snapshotTerm) {
                report('StateMachineSafety', line, `snapshot at ${ev.snapshotIndex}@${ev.snapshotTerm}, but ${ev.snapshotIndex}@${known} was applied`);
              }
              log.installSnapshot(ev.snapshotIndex, ev.snapshotTerm);
              applied = Math.max(applied, ev.snapshotIndex);
              commit = Math.max(commit, ev.snapshotIndex);
            }
            const persistTerm = isInt(ev.term) ? ev.term : term;
            if (typeof ev.votedFor === 'string') {
              const key = `${node}@${persistTerm}`;
              const previous = votes.get(key);
              if (previous !== undefined && previous !== ev.votedFor) report('OneVotePerTerm', line, `voted for ${previous} and then ${ev.votedFor} in term ${persistTerm}`);
              votes.set(key, ev.votedFor);
            }
            if (isInt(ev.truncateFrom)) {
              if (ev.truncateFrom <= log.snapshotIndex) report('LogMatching', line, `truncation at ${ev.truncateFrom} reaches into the snapshot at ${log.snapshotIndex}`);
              else log.terms.length = Math.min(log.terms.length, ev.truncateFrom - log.snapshotIndex - 1);
            }
            if (Array.isArray(ev.entryTerms) && ev.entryTerms.length > 0) {
              if (!isInt(ev.appendFrom) || ev.appendFrom !== log.lastIndex + 1) {
                report('LogMatching', line, `append at ${String(ev.appendFrom)} does not continue the log ending at ${log.lastIndex}`);
                break;
              }
              for (let k = 0; k < ev.entryTerms.length; k++) {
                const t = tracedTerm(ev.entryTerms[k]);
                if (t === null) {
                  report('MalformedTrace', line, `entryTerms[${k}] is neither a term nor { term, config }`);
                  break;
                }
                const index = log.lastIndex + 1;
                const prev = log.termAt(index - 1);
                let byTerm = written.get(index);
                if (!byTerm) written.set(index, (byTerm = new Map()));
                if (byTerm.has(t)) {
                  const seen = byTerm.get(t);
                  if (seen !== undefined && prev !== undefined && seen !== prev) {
                    report('LogMatching', line, `entry ${index}@${t} follows term ${prev} here but term ${seen} elsewhere`);
                  }
                } else {
                  byTerm.set(t, prev);
                }
                log.terms.push(t);
              }
            }
            break;
          }
          case 'Apply': {
            applies++;
            if (!isInt(ev.from) || !isInt(ev.to) || ev.to < ev.from) {
              report('MalformedTrace', line, 'Apply line without a valid range');
              break;
            }
            if (ev.from !== applied + 1) report('StateMachineSafety', line, `applied ${ev.from}..${ev.to} after ${applied}`);
            // The Step line that produced this Apply came first, so `commit` already includes it.
            if (ev.to > commit) report('StateMachineSafety', line, `applied up to ${ev.to} beyond commit index ${commit}`);
            for (let index = ev.from; index <= ev.to; index++) {
              const t = log.termAt(index);
              if (t === undefined) continue;
              const known = committed.get(index);
              if (known === undefined) committed.set(index, t);
              else if (known !== t) report('StateMachineSafety', line, `applied ${index}@${t}, but ${index}@${known} was applied elsewhere`);
            }
            applied = Math.max(applied, ev.to);
            highestApplied = Math.max(highestApplied, ev.to);
            break;
          }
          default:
            break;
        }
      }
      checkExpected();
    }
  }
  return {
    ok: violations.length === 0,
    violations,
    stats: { traces: parsed.length, steps, persists, applies, terms: leaderOfTerm.size, highestApplied },
  };
}

function parseTrace(text: string, position: number, violations: TraceViolation[]): ParsedTrace | null {
  const malformed = (line: number, detail: string): null => {
    violations.push({ property: 'MalformedTrace', node: null, trace: position, line, detail });
    return null;
  };
  let parsed: ReturnType<typeof readTrace>;
  try {
    parsed = readTrace(text);
  } catch (e) {
    if (e instanceof TraceFormatError) return malformed(e.line, `${e.name}: ${e.message}`);
    throw e;
  }
  const header = parsed.header as unknown as Record<string, unknown>;
  const events = parsed.events.map((ev, k) => ({ line: k + 1, ev }));
  const config = header.config as { raft?: { id?: unknown }; restored?: Restored } | undefined;
  const fromConfig = typeof config?.raft?.id === 'string' ? config.raft.id : undefined;
  const fromEvents = events.find((e) => typeof e.ev.node === 'string')?.ev.node as string | undefined;
  const node = fromConfig ?? fromEvents;
  if (node === undefined) return malformed(0, 'cannot tell which node this trace belongs to');
  // A sim trace covers every node; this checker reads one node per trace.
  if (events.some((e) => typeof e.ev.node === 'string' && e.ev.node !== node)) return malformed(0, 'trace mixes several nodes; give one trace per node');
  const r = config?.restored;
  let restored: Restored | null = null;
  if (r !== undefined) {
    if (!isInt(r.incarnation) || !isInt(r.term) || !isInt(r.snapshotIndex) || !isInt(r.snapshotTerm) || !Array.isArray(r.entryTerms) || !r.entryTerms.every(isInt)) {
      return malformed(0, 'header.config.restored is malformed');
    }
    restored = { ...r, entryTerms: [...r.entryTerms] };
  }
  return { position, node, restored, events };
}
