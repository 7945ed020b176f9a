import { networkParamsProblems, NetworkParamsError, patchNetworkParams, type NetworkParams, type NetworkParamsPatch } from '../network/params';
import { FAULT_KINDS, LEADER_SPLIT_SIDES, MEMBERSHIP_OPS, PARTITION_SHAPES, type FaultEvent, type FaultKind, type FaultPlan, type LeaderSplitSide, type MembershipOp, type PartitionShape, type TimedFault } from './types';

/** A plan that cannot be replayed as given; `path` points at the offending field, e.g. "schedule[3].node". */
export class FaultPlanError extends Error {
  override readonly name = 'FaultPlanError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`invalid fault plan at ${path}: ${problem}`);
  }
}

export interface ParseFaultPlanOptions {
  /** When given, every node named in the plan must be one of these. */
  readonly nodes?: readonly string[];
}

/** Faults allowed at or after quietAfterMs: only those that end faults. */
const QUIET_KINDS: ReadonlySet<FaultKind> = new Set(['heal', 'restart', 'clockDrift', 'setNetwork']);

type Obj = Record<string, unknown>;

class Reader {
  constructor(private readonly nodes: ReadonlySet<string> | null) {}

  object(x: unknown, path: string): Obj {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new FaultPlanError(path, `expected an object, got ${describe(x)}`);
    return x as Obj;
  }

  number(o: Obj, key: string, path: string, check: (n: number) => boolean, what: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new FaultPlanError(`${path}.${key}`, `expected ${what}, got ${describe(v)}`);
    return v;
  }

  node(o: Obj, key: string, path: string): string {
    const v = o[key];
    if (typeof v !== 'string' || v.length === 0) throw new FaultPlanError(`${path}.${key}`, `expected a node id, got ${describe(v)}`);
    if (this.nodes && !this.nodes.has(v)) throw new FaultPlanError(`${path}.${key}`, `unknown node ${JSON.stringify(v)}; known: ${[...this.nodes].join(', ')}`);
    return v;
  }

  group(o: Obj, key: string, path: string): string[] {
    const v = o[key];
    if (!Array.isArray(v) || v.length === 0) throw new FaultPlanError(`${path}.${key}`, `expected a non-empty array of node ids, got ${describe(v)}`);
    const out = v.map((_, i) => this.node(v as unknown as Obj, String(i), `${path}.${key}`));
    if (new Set(out).size !== out.length) throw new FaultPlanError(`${path}.${key}`, 'a node appears twice');
    return out;
  }
}

function describe(x: unknown): string {
  if (x === undefined) return 'nothing';
  const text = JSON.stringify(x);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function disjoint(path: string, ...groups: (readonly string[])[]): void {
  const seen = new Set<string>();
  for (const g of groups) {
    for (const node of g) {
      if (seen.has(node)) throw new FaultPlanError(path, `node ${node} is on both sides of the partition`);
      seen.add(node);
    }
  }
}

function readEvent(r: Reader, o: Obj, path: string, network: NetworkParams): FaultEvent {
  const kind = o.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new FaultPlanError(`${path}.kind`, `expected one of ${FAULT_KINDS.join(', ')}, got ${describe(kind)}`);
  }
  const positive = (n: number) => n > 0;
  switch (kind as FaultKind) {
    case 'partition':
      return readPartition(r, o, path);
    case 'heal':
      return { kind: 'heal' };
    case 'crash':
    case 'restart':
      return { kind: kind as 'crash' | 'restart', node: r.node(o, 'node', path) };
    case 'pause':
    case 'clog':
    case 'diskStall':
      return { kind: kind as 'pause' | 'clog' | 'diskStall', node: r.node(o, 'node', path), durationMs: r.number(o, 'durationMs', path, positive, 'a duration > 0 ms') };
    case 'clockDrift':
      // Below -1e6 ppm a clock would run backwards.
      return { kind: 'clockDrift', node: r.node(o, 'node', path), ratePpm: r.number(o, 'ratePpm', path, (n) => n > -1_000_000, 'a rate in ppm > -1000000') };
    case 'clockStep':
      return { kind: 'clockStep', node: r.node(o, 'node', path), deltaMs: r.number(o, 'deltaMs', path, () => true, 'a number of ms') };
    case 'setNetwork':
      return { kind: 'setNetwork', params: readPatch(r, o.params, `${path}.params`, network) };
    case 'isolateLeader':
      if (o.next === undefined) return { kind: 'isolateLeader' };
      if (o.next !== true) throw new FaultPlanError(`${path}.next`, `expected true or nothing, got ${describe(o.next)}`);
      return { kind: 'isolateLeader', next: true };
    case 'membership': {
      const op = o.op;
      if (typeof op !== 'string' || !(MEMBERSHIP_OPS as readonly string[]).includes(op)) {
        throw new FaultPlanError(`${path}.op`, `expected one of ${MEMBERSHIP_OPS.join(', ')}, got ${describe(op)}`);
      }
      if (o.atNextLeader !== undefined && o.atNextLeader !== true) throw new FaultPlanError(`${path}.atNextLeader`, `expected true or absent, got ${describe(o.atNextLeader)}`);
      return o.atNextLeader === true ? { kind: 'membership', op: op as MembershipOp, atNextLeader: true } : { kind: 'membership', op: op as MembershipOp };
    }
    case 'leaderSplit': {
      const side = o.side;
      if (typeof side !== 'string' || !(LEADER_SPLIT_SIDES as readonly string[]).includes(side)) {
        throw new FaultPlanError(`${path}.side`, `expected one of ${LEADER_SPLIT_SIDES.join(', ')}, got ${describe(side)}`);
      }
      return { kind: 'leaderSplit', side: side as LeaderSplitSide };
    }
  }
}

function readPartition(r: Reader, o: Obj, path: string): FaultEvent {
  const shape = o.shape;
  if (typeof shape !== 'string' || !(PARTITION_SHAPES as readonly string[]).includes(shape)) {
    throw new FaultPlanError(`${path}.shape`, `expected one of ${PARTITION_SHAPES.join(', ')}, got ${describe(shape)}`);
  }
  switch (shape as PartitionShape) {
    case 'symmetric': {
      const a = r.group(o, 'a', path);
      const b = r.group(o, 'b', path);
      disjoint(path, a, b);
      return { kind: 'partition', shape: 'symmetric', a, b };
    }
    case 'oneWay': {
      const from = r.group(o, 'from', path);
      const to = r.group(o, 'to', path);
      disjoint(path, from, to);
      return { kind: 'partition', shape: 'oneWay', from, to };
    }
    case 'isolate':
      return { kind: 'partition', shape: 'isolate', node: r.node(o, 'node', path) };
    case 'majorityMinority': {
      const majority = r.group(o, 'majority', path);
      const minority = r.group(o, 'minority', path);
      disjoint(path, majority, minority);
      return { kind: 'partition', shape: 'majorityMinority', majority, minority };
    }
    case 'bridge': {
      const left = r.group(o, 'left', path);
      const right = r.group(o, 'right', path);
      const bridge = r.node(o, 'bridge', path);
      disjoint(path, left, right, [bridge]);
      return { kind: 'partition', shape: 'bridge', left, right, bridge };
    }
  }
}

const PATCH_KEYS = new Set(['dropProbability', 'delay', 'duplicateProbability', 'reorderProbability', 'linkCapacity']);
const DELAY_KEYS = new Set(['minMs', 'meanMs', 'tailProbability', 'tailMeanMs']);

function readPatch(r: Reader, x: unknown, path: string, network: NetworkParams): NetworkParamsPatch {
  const o = r.object(x, path);
  // A misspelt parameter would otherwise be ignored without a word.
  for (const key of Object.keys(o)) if (!PATCH_KEYS.has(key)) throw new FaultPlanError(`${path}.${key}`, `unknown network parameter; known: ${[...PATCH_KEYS].join(', ')}`);
  if (o.delay !== undefined) {
    for (const key of Object.keys(r.object(o.delay, `${path}.delay`))) {
      if (!DELAY_KEYS.has(key)) throw new FaultPlanError(`${path}.delay.${key}`, `unknown delay parameter; known: ${[...DELAY_KEYS].join(', ')}`);
    }
  }
  const patch = structuredClone(o) as NetworkParamsPatch;
  try {
    patchNetworkParams(network, patch);
  } catch (err) {
    if (err instanceof NetworkParamsError) throw new FaultPlanError(path, err.problems.join('; '));
    throw err;
  }
  return patch;
}

/**
 * Validates untrusted JSON (a printed counterexample, a hand-written scenario) and returns a clean
 * copy holding only known fields. Throws FaultPlanError naming the first bad field.
 */
export function parseFaultPlan(json: unknown, opts: ParseFaultPlanOptions = {}): FaultPlan {
  const r = new Reader(opts.nodes ? new Set(opts.nodes) : null);
  const top = r.object(json, 'plan');
  const problems = networkParamsProblems(top.network, 'network');
  if (problems.length > 0) throw new FaultPlanError('network', problems.join('; '));
  const network = structuredClone(top.network) as NetworkParams;
  const quietAfterMs = r.number(top, 'quietAfterMs', 'plan', (n) => n >= 0, 'a time >= 0 ms');
  if (!Array.isArray(top.schedule)) throw new FaultPlanError('schedule', `expected an array, got ${describe(top.schedule)}`);

  // setNetwork patches are checked against the parameters in force when they apply.
  let current = network;
  let previousAt = 0;
  const schedule: TimedFault[] = top.schedule.map((item, i) => {
    const path = `schedule[${i}]`;
    const o = r.object(item, path);
    const atMs = r.number(o, 'atMs', path, (n) => n >= 0, 'a time >= 0 ms');
    if (atMs < previousAt) throw new FaultPlanError(`${path}.atMs`, `${atMs} is before the previous fault's ${previousAt}; the schedule must be sorted`);
    previousAt = atMs;
    const event = readEvent(r, o, path, current);
    if (atMs >= quietAfterMs) {
      const calming = QUIET_KINDS.has(event.kind) && !(event.kind === 'clockDrift' && event.ratePpm !== 0);
      if (!calming) throw new FaultPlanError(path, `${event.kind} at ${atMs}ms is inside the quiet period (from ${quietAfterMs}ms), where only heal, restart, clearing drift and setNetwork may happen`);
    }
    if ((event.kind === 'pause' || event.kind === 'clog') && atMs + event.durationMs > quietAfterMs) {
      throw new FaultPlanError(`${path}.durationMs`, `${event.kind} lasts until ${atMs + event.durationMs}ms, past the quiet period start ${quietAfterMs}ms`);
    }
    if (event.kind === 'setNetwork') current = patchNetworkParams(current, event.params);
    return { atMs, ...event } as TimedFault;
  });
  checkFaultsStop(schedule);
  return { network, schedule, quietAfterMs };
}

/** Liveness is judged after the quiet period, so by the end of the schedule every fault must be undone. */
function checkFaultsStop(schedule: readonly TimedFault[]): void {
  const down = new Set<string>();
  const drifting = new Set<string>();
  let partitioned = false;
  for (const f of schedule) {
    if (f.kind === 'partition' || f.kind === 'isolateLeader' || (f.kind === 'leaderSplit' && f.side !== 'nextLosesVoter')) partitioned = true;
    else if (f.kind === 'heal') partitioned = false;
    else if (f.kind === 'crash') down.add(f.node);
    else if (f.kind === 'restart') down.delete(f.node);
    else if (f.kind === 'clockDrift') f.ratePpm === 0 ? drifting.delete(f.node) : drifting.add(f.node);
  }
  const left: string[] = [];
  if (partitioned) left.push('a partition is never healed');
  if (down.size > 0) left.push(`never restarted: ${[...down].join(', ')}`);
  if (drifting.size > 0) left.push(`clock drift never cleared: ${[...drifting].join(', ')}`);
  if (left.length > 0) throw new FaultPlanError('schedule', `faults must stop by the quiet period, but ${left.join('; ')}`);
}
