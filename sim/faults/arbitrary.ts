import fc from 'fast-check';
import { CALM_NETWORK, type NetworkParams } from '../network/params';
import { finalizePlan } from './finalize';
import type { FaultPlan, PartitionFault, TimedFault } from './types';

export interface FaultScheduleArbOptions {
  readonly nodes: readonly string[];
  readonly durationMs: number;
  /** Default 0.7, as for generateFaultPlan. */
  readonly quietFraction?: number;
  /** Most episodes in one plan. Default 12. */
  readonly maxEpisodes?: number;
  readonly baseNetwork?: NetworkParams;
}

/**
 * Every fault comes as an episode (a crash and its restart, a partition and its heal, ...), placed
 * `beforeQuietMs` before the quiet period and lasting `durationMs`. Shrinking therefore removes
 * episodes, moves them later (towards the quiet period) and makes them shorter, and the plan is
 * rebuilt through finalizePlan, so a shrunk plan obeys the same rules as a generated one.
 */
export function faultScheduleArb(opts: FaultScheduleArbOptions): fc.Arbitrary<FaultPlan> {
  const nodes = [...opts.nodes];
  const quietAfterMs = Math.round(opts.durationMs * (opts.quietFraction ?? 0.7));
  const base = opts.baseNetwork ?? CALM_NETWORK;
  if (nodes.length === 0 || quietAfterMs < 2) throw new RangeError('faultScheduleArb needs nodes and a quiet period start of at least 2 ms');

  const node = fc.constantFrom(...nodes);
  const beforeQuiet = fc.integer({ min: 1, max: quietAfterMs });
  const duration = fc.integer({ min: 1, max: quietAfterMs });
  const perMille = (max: number) => fc.integer({ min: 0, max }).map((x) => x / 1000);
  // Two disjoint non-empty groups: a non-empty proper subset and its complement.
  const split = fc
    .subarray(nodes, { minLength: 1, maxLength: Math.max(1, nodes.length - 1) })
    .map((a) => [a, nodes.filter((x) => !a.includes(x))] as const)
    .filter(([, b]) => b.length > 0);

  const partitionArbs: fc.Arbitrary<PartitionFault>[] = [node.map((n) => ({ kind: 'partition' as const, shape: 'isolate' as const, node: n }))];
  if (nodes.length >= 2) {
    partitionArbs.push(
      split.map(([a, b]) => ({ kind: 'partition' as const, shape: 'symmetric' as const, a, b })),
      split.map(([from, to]) => ({ kind: 'partition' as const, shape: 'oneWay' as const, from, to })),
    );
  }
  if (nodes.length >= 3) {
    partitionArbs.push(
      // Equal halves have no majority, so they are left to the symmetric shape.
      split
        .filter(([x, y]) => x.length !== y.length)
        .map(([x, y]) => {
          const [majority, minority] = x.length > y.length ? [x, y] : [y, x];
          return { kind: 'partition' as const, shape: 'majorityMinority' as const, majority, minority };
        }),
      fc.tuple(node, fc.subarray(nodes)).map(([bridge, chosen]) => {
        const others = nodes.filter((x) => x !== bridge);
        const left = others.filter((x) => chosen.includes(x));
        const right = others.filter((x) => !chosen.includes(x));
        // Both halves must be non-empty for this to be a bridge.
        if (left.length === 0) left.push(right.pop()!);
        if (right.length === 0) right.push(left.pop()!);
        return { kind: 'partition' as const, shape: 'bridge' as const, left, right, bridge };
      }),
    );
  }

  type Episode = (atMs: number, d: number) => TimedFault[];
  const episode: fc.Arbitrary<Episode> = fc.oneof(
    fc.oneof(...partitionArbs).map((p): Episode => (atMs, d) => [{ atMs, ...p }, { atMs: atMs + d, kind: 'heal' }]),
    node.map((n): Episode => (atMs, d) => [{ atMs, kind: 'crash', node: n }, { atMs: atMs + d, kind: 'restart', node: n }]),
    node.map((n): Episode => (atMs, d) => [{ atMs, kind: 'pause', node: n, durationMs: d }]),
    node.map((n): Episode => (atMs, d) => [{ atMs, kind: 'clog', node: n, durationMs: d }]),
    fc.tuple(node, fc.integer({ min: -200_000, max: 200_000 })).map(([n, ratePpm]): Episode => (atMs, d) => [
      { atMs, kind: 'clockDrift', node: n, ratePpm },
      { atMs: atMs + d, kind: 'clockDrift', node: n, ratePpm: 0 },
    ]),
    fc.tuple(node, fc.integer({ min: -1000, max: 1000 })).map(([n, deltaMs]): Episode => (atMs) => [{ atMs, kind: 'clockStep', node: n, deltaMs }]),
    perMille(600).map((drop): Episode => (atMs, d) => [
      { atMs, kind: 'setNetwork', params: { dropProbability: drop } },
      { atMs: atMs + d, kind: 'setNetwork', params: { dropProbability: base.dropProbability } },
    ]),
    // A chain of leader isolations spread over the episode (see isolateLeader in types.ts); shrinking
    // shortens the chain towards a single isolation.
    fc.integer({ min: 1, max: 4 }).map((links): Episode => (atMs, d) => [
      ...Array.from({ length: links }, (_, k) => ({ atMs: atMs + Math.floor((k * d) / links), kind: 'isolateLeader' as const })),
      { atMs: atMs + d, kind: 'heal' },
    ]),
  );

  const network: fc.Arbitrary<NetworkParams> = fc
    .record({ drop: perMille(200), duplicate: perMille(200), reorder: perMille(300), tail: perMille(50) })
    .map(({ drop, duplicate, reorder, tail }) => ({
      ...base,
      dropProbability: drop,
      duplicateProbability: duplicate,
      reorderProbability: reorder,
      delay: { ...base.delay, tailProbability: tail, tailMeanMs: Math.max(base.delay.tailMeanMs, base.delay.meanMs * 20) },
    }));

  const placed = fc.tuple(episode, beforeQuiet, duration).map(([make, before, d]) => make(quietAfterMs - before, d));
  return fc
    .record({ network, episodes: fc.array(placed, { maxLength: opts.maxEpisodes ?? 12 }) })
    .map(({ network: net, episodes }) => finalizePlan(nodes, net, episodes.flat(), quietAfterMs));
}
