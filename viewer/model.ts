// Turns a parsed trace into the compact, precomputed model the page draws from. Everything the
// page needs per frame (bands, arrows, intervals) is computed here once, in columnar arrays with
// string tables, so a 100,000-event trace embeds in a few MB and opens without per-event objects.

import type { ParsedTrace } from '../trace/read';
import { describeFault } from '../sim/faults/describe';
import type { TimedFault } from '../sim/faults/types';

/** What `raftbed tla validate --json` reports; only the first unmatched line is used. */
export interface TlaReport {
  readonly verdict?: string;
  readonly firstUnmatched?: { readonly line: number; readonly content?: string; readonly disagreeingFields?: readonly string[] };
}

export class TlaReportError extends Error {
  override readonly name = 'TlaReportError';
}

/** Message delivery outcome codes (MSG_STATUS in the page). */
export const DELIVERED = 0;
export const DROPPED = 1;
export const IN_FLIGHT = 2;
/** Still in flight when its destination crashed, never received: it vanished with the process. */
export const LOST_IN_CRASH = 3;

export interface ViewerModel {
  readonly title: string;
  readonly header: { readonly seed: number | null; readonly source: string; readonly profile: string; readonly version: string; readonly commit: string };
  readonly nodes: readonly string[];
  readonly strings: readonly string[];
  readonly eventCount: number;
  readonly t0: number;
  readonly t1: number;
  /** Steps (and Restarts, input "Restart") in trace order: the node view after each. */
  readonly steps: {
    i: number[]; t: number[]; node: number[]; input: number[]; actions: number[]; msgType: number[];
    term: number[]; role: number[]; vote: number[]; lastIndex: number[]; lastTerm: number[]; commit: number[]; snapshotIndex: number[];
  };
  /** One row per message copy: a Send, or a Duplicate's extra copy, or a Drop with no matching send. */
  readonly msgs: {
    sendI: number[]; sendT: number[]; from: number[]; to: number[]; type: number[]; term: number[];
    endI: number[]; endT: number[]; status: number[]; dup: number[]; reason: number[];
  };
  /** [i, node, truncateFrom|-1, appendFrom|-1, entryTerms, snapshotIndex|-1, snapshotTerm|-1, term|-1, votedFor|-2] */
  readonly persists: (number | number[])[][];
  /** [node, fromT, toT, fromI, toI|-1, lostRecords]: crash to restart; the crash loses its node's last lostRecords persist records. */
  readonly down: number[][];
  /** [node, fromT, toT, i]: pauses and clogs. */
  readonly pauses: number[][];
  readonly clogs: number[][];
  /** [node, t, deltaMs, i] */
  readonly clockSteps: number[][];
  /** [fromT, toT, label, cutNodes[], i] */
  readonly partitions: (number | number[])[][];
  /** [client, op, kind, key, invokeT, completeT|-1, outcome, invokeI] */
  readonly clientOps: number[][];
  readonly clients: readonly string[];
  /** [i, t, label] of every fault line, for the event list. */
  readonly faults: (number | string)[][];
  readonly violation: { readonly i: number; readonly t: number; readonly property: string; readonly detail: string } | null;
  readonly tla: { readonly i: number; readonly t: number; readonly fields: readonly string[] } | null;
}

class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let k = this.index.get(s);
    if (k === undefined) {
      k = this.list.length;
      this.list.push(s);
      this.index.set(s, k);
    }
    return k;
  }
}

type Ev = Record<string, unknown>;
type Msg = { type: string; from: string; to: string; term?: number };

/** Which nodes a partition cuts off from the majority side: their lanes are shaded. */
function cutNodes(f: Record<string, unknown>): string[] {
  const list = (k: string) => (Array.isArray(f[k]) ? (f[k] as string[]) : []);
  switch (f.shape) {
    case 'isolate':
      return [String(f.node)];
    case 'symmetric':
      return list('a').length <= list('b').length ? list('a') : list('b');
    case 'oneWay':
      return list('to');
    case 'majorityMinority':
      return list('minority');
    case 'bridge':
      return [...list('left'), ...list('right')];
    default:
      return [];
  }
}

/**
 * How a traced fault changes the partition in force, or null if it does not. A partition, a heal,
 * an isolateLeader and a leaderSplit replace whatever was cut before (the driver heals first); a
 * leaderSplit that cuts a fresh leader from one voter adds that cut to the ones in force. The
 * leader-relative faults name their nodes only in the trace (resolved by the driver when applied):
 * one traced before it applies, or with no leader to cut, changes nothing it has not named.
 */
function partitionChange(f: Record<string, unknown>): { cut: string[]; addsToOpen: boolean } | null {
  const list = (k: string) => (Array.isArray(f[k]) ? (f[k] as string[]) : []);
  switch (f.kind) {
    case 'partition':
      return { cut: cutNodes(f), addsToOpen: false };
    case 'heal':
      return { cut: [], addsToOpen: false };
    case 'isolateLeader':
      return { cut: typeof f.leader === 'string' ? [f.leader] : [], addsToOpen: false };
    case 'leaderSplit':
      if (f.side === 'nextLosesVoter') return typeof f.lost === 'string' ? { cut: [f.lost], addsToOpen: true } : null;
      // The side without the leader is the one cut off from it.
      return { cut: list('a').includes(String(f.leader)) ? list('b') : list('a'), addsToOpen: false };
    default:
      return null;
  }
}

export function buildModel(trace: ParsedTrace, tla?: TlaReport): ViewerModel {
  const { header, events } = trace;
  const nodes = [...header.nodes];
  const nodeIx = new Map(nodes.map((n, k) => [n, k]));
  const node = (n: unknown) => nodeIx.get(String(n)) ?? -1;
  const str = new StringTable();
  const clientTable = new StringTable();
  const steps: ViewerModel['steps'] = { i: [], t: [], node: [], input: [], actions: [], msgType: [], term: [], role: [], vote: [], lastIndex: [], lastTerm: [], commit: [], snapshotIndex: [] };
  const msgs: ViewerModel['msgs'] = { sendI: [], sendT: [], from: [], to: [], type: [], term: [], endI: [], endT: [], status: [], dup: [], reason: [] };
  const persists: ViewerModel['persists'] = [];
  const down: number[][] = [];
  const pauses: number[][] = [];
  const clogs: number[][] = [];
  const clockSteps: number[][] = [];
  const partitions: (number | number[])[][] = [];
  const clientOps: number[][] = [];
  const faults: (number | string)[][] = [];
  const openDown = new Map<number, number[]>();
  const openOps = new Map<string, number[]>();
  let openPartition: (number | number[])[] | null = null;
  let violation: ViewerModel['violation'] = null;
  // Messages carry no id: identical bodies are interchangeable, so pending copies queue per body.
  const pending = new Map<string, number[]>();

  const addMsg = (e: Ev, m: Msg, dup: boolean): number => {
    const k = msgs.sendI.length;
    msgs.sendI.push(e.i as number);
    msgs.sendT.push(e.t as number);
    msgs.from.push(node(m.from));
    msgs.to.push(node(m.to));
    msgs.type.push(str.id(m.type));
    msgs.term.push(typeof m.term === 'number' ? m.term : -1);
    msgs.endI.push(-1);
    msgs.endT.push(-1);
    msgs.status.push(IN_FLIGHT);
    msgs.dup.push(dup ? 1 : 0);
    msgs.reason.push(-1);
    return k;
  };
  const take = (key: string): number | undefined => {
    const q = pending.get(key);
    const k = q?.shift();
    if (q !== undefined && q.length === 0) pending.delete(key);
    return k;
  };
  const queue = (key: string, k: number) => {
    const q = pending.get(key);
    if (q) q.push(k);
    else pending.set(key, [k]);
  };
  const pushStep = (e: Ev, input: string, actions: string, msgType: number) => {
    const s = e.state as Record<string, unknown>;
    steps.i.push(e.i as number);
    steps.t.push(e.t as number);
    steps.node.push(node(e.node));
    steps.input.push(str.id(input));
    steps.actions.push(str.id(actions));
    steps.msgType.push(msgType);
    steps.term.push(Number(s.term));
    steps.role.push(str.id(String(s.role)));
    steps.vote.push(s.vote === null || s.vote === undefined ? -1 : node(s.vote));
    steps.lastIndex.push(Number(s.lastIndex));
    steps.lastTerm.push(Number(s.lastTerm));
    steps.commit.push(Number(s.commit));
    steps.snapshotIndex.push(Number(s.snapshotIndex));
  };

  for (const e of events) {
    const t = e.t as number;
    const i = e.i as number;
    switch (e.ev) {
      case 'Step': {
        const m = e.msg as Msg | undefined;
        let msgType = -1;
        if (m !== undefined && e.input === 'Receive') {
          const key = JSON.stringify(m);
          msgType = str.id(m.type);
          const k = take(key);
          if (k !== undefined) {
            msgs.endI[k] = i;
            msgs.endT[k] = t;
            msgs.status[k] = DELIVERED;
          }
        }
        pushStep(e, String(e.input), (e.actions as string[]).join(' '), msgType);
        break;
      }
      case 'Restart': {
        pushStep(e, 'Restart', '', -1);
        const d = openDown.get(node(e.node));
        if (d) {
          d[2] = t;
          d[4] = i;
          openDown.delete(node(e.node));
        }
        break;
      }
      case 'Send':
      case 'Duplicate': {
        const m = e.msg as Msg;
        const key = JSON.stringify(m);
        queue(key, addMsg(e, m, e.ev === 'Duplicate'));
        break;
      }
      case 'Drop': {
        // The network decides drops at send time: a Drop line stands instead of a Send line.
        const k = addMsg(e, e.msg as Msg, false);
        msgs.endI[k] = i;
        msgs.endT[k] = t;
        msgs.status[k] = DROPPED;
        msgs.reason[k] = str.id(String(e.reason));
        break;
      }
      case 'Persist': {
        const num = (v: unknown) => (typeof v === 'number' ? v : -1);
        const vote = e.votedFor === undefined ? -2 : e.votedFor === null ? -1 : node(e.votedFor);
        persists.push([i, node(e.node), num(e.truncateFrom), num(e.appendFrom), ((e.entryTerms as (number | { term: number })[] | undefined) ?? []).map((x) => (typeof x === 'number' ? x : x.term)), num(e.snapshotIndex), num(e.snapshotTerm), num(e.term), vote]);
        break;
      }
      case 'Crash': {
        const d = [node(e.node), t, -1, i, -1, Number(e.lostRecords)];
        down.push(d);
        openDown.set(node(e.node), d);
        break;
      }
      case 'Fault': {
        const f = e.fault as Record<string, unknown>;
        faults.push([i, t, describeFault(f as unknown as TimedFault)]);
        if (f.kind === 'pause') pauses.push([node(f.node), t, t + Number(f.durationMs), i]);
        if (f.kind === 'clog') clogs.push([node(f.node), t, t + Number(f.durationMs), i]);
        if (f.kind === 'clockStep') clockSteps.push([node(f.node), t, Number(f.deltaMs), i]);
        const change = partitionChange(f);
        if (change !== null) {
          const before: number[] = openPartition ? (openPartition[3] as number[]) : [];
          if (openPartition) openPartition[1] = t;
          openPartition = null;
          const cut: number[] = change.addsToOpen ? [...new Set([...before, ...change.cut.map(node)])] : change.cut.map(node);
          if (cut.length > 0) {
            openPartition = [t, -1, str.id(describeFault(f as unknown as TimedFault).replace(/^t=[-\d.]+ms /, '')), cut, i];
            partitions.push(openPartition);
          }
        }
        break;
      }
      case 'ClientInvoke': {
        const op = [clientTable.id(String(e.client)), Number(e.op), str.id(String(e.kind)), str.id(String(e.key)), t, -1, -1, i];
        clientOps.push(op);
        openOps.set(`${e.client}/${e.op}`, op);
        break;
      }
      case 'ClientComplete': {
        const op = openOps.get(`${e.client}/${e.op}`);
        if (op) {
          op[5] = t;
          op[6] = str.id(String(e.outcome));
          openOps.delete(`${e.client}/${e.op}`);
        }
        break;
      }
      case 'Violation':
        violation = { i, t, property: String(e.property), detail: String(e.detail) };
        break;
      default:
        break;
    }
  }

  const t0 = events.length > 0 ? (events[0].t as number) : 0;
  const t1 = events.length > 0 ? Math.max(t0 + 1, events[events.length - 1].t as number) : 1;
  for (const d of down) if (d[2] < 0) d[2] = t1;
  // A delivery to a crashed node leaves no line: a copy never received, whose destination crashed
  // after it was sent, vanished in that crash.
  for (let k = 0; k < msgs.status.length; k++) {
    if (msgs.status[k] !== IN_FLIGHT) continue;
    const crash = down.find((d) => d[0] === msgs.to[k] && d[3] > msgs.sendI[k]);
    if (crash === undefined) continue;
    msgs.status[k] = LOST_IN_CRASH;
    msgs.endI[k] = crash[3];
    msgs.endT[k] = crash[1];
  }
  for (const p of partitions) if ((p[1] as number) < 0) p[1] = t1;

  let tlaMark: ViewerModel['tla'] = null;
  if (tla?.firstUnmatched !== undefined) {
    // The report counts file lines from 1 with the header as line 1; event i sits on line i + 1.
    const i = tla.firstUnmatched.line - 1;
    const e = events[i - 1];
    if (e === undefined || e.i !== i) throw new TlaReportError(`the TLA report names line ${tla.firstUnmatched.line}, which is not an event of this trace`);
    // The report quotes the line: a report from another trace is refused, not drawn at random.
    const content = tla.firstUnmatched.content;
    if (content !== undefined && content !== trace.lines[i]) throw new TlaReportError(`the TLA report's line ${tla.firstUnmatched.line} differs from this trace's: was it made from another trace?`);
    tlaMark = { i, t: e.t as number, fields: [...(tla.firstUnmatched.disagreeingFields ?? [])] };
  }

  return {
    title: `raftbed trace: seed ${header.seed ?? '-'}, ${header.profile}, ${nodes.length} nodes`,
    header: { seed: header.seed, source: header.source, profile: header.profile, version: header.version, commit: header.commit },
    nodes, strings: str.list, eventCount: events.length, t0, t1,
    steps, msgs, persists, down, pauses, clogs, clockSteps, partitions, clientOps, clients: clientTable.list, faults, violation, tla: tlaMark,
  };
}
