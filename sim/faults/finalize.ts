import type { NetworkParams, NetworkParamsPatch } from '../network/params';
import type { FaultPlan, TimedFault } from './types';

/** The network a quiet period returns to: the plan's delays and capacity, with no loss, copies, reorders or tail. */
export function quietNetworkPatch(base: NetworkParams): NetworkParamsPatch {
  return {
    dropProbability: 0,
    duplicateProbability: 0,
    reorderProbability: 0,
    linkCapacity: base.linkCapacity,
    delay: { ...base.delay, tailProbability: 0 },
  };
}

/**
 * Turns raw fault events (from a generator, or shrunk by fast-check) into a consistent plan:
 * sorted; nothing disruptive at or after quietAfterMs; pauses and clogs cut to end by it; no crash
 * of a down node nor restart of an up one; then the quiet block that heals, restarts, clears drift
 * and calms the network. Both the profiles and the fast-check arbitrary go through here, so every
 * plan obeys the same rules however it was made.
 */
export function finalizePlan(nodes: readonly string[], network: NetworkParams, events: readonly TimedFault[], quietAfterMs: number): FaultPlan {
  const sorted = events
    .map((event, order) => ({ event, order }))
    .sort((x, y) => x.event.atMs - y.event.atMs || x.order - y.order)
    .map((x) => x.event);
  const down = new Set<string>();
  const drift = new Map<string, number>();
  const schedule: TimedFault[] = [];
  for (const f of sorted) {
    if (!(f.atMs >= 0) || f.atMs >= quietAfterMs) continue;
    switch (f.kind) {
      case 'crash':
        if (down.has(f.node)) continue;
        down.add(f.node);
        break;
      case 'restart':
        if (!down.has(f.node)) continue;
        down.delete(f.node);
        break;
      case 'pause':
      case 'clog': {
        const durationMs = Math.min(f.durationMs, quietAfterMs - f.atMs);
        if (!(durationMs > 0)) continue;
        schedule.push({ ...f, durationMs });
        continue;
      }
      case 'clockDrift':
        drift.set(f.node, f.ratePpm);
        break;
      default:
        break;
    }
    schedule.push(f);
  }
  const atMs = quietAfterMs;
  schedule.push({ atMs, kind: 'heal' });
  for (const node of nodes) if (down.has(node)) schedule.push({ atMs, kind: 'restart', node });
  for (const node of nodes) if ((drift.get(node) ?? 0) !== 0) schedule.push({ atMs, kind: 'clockDrift', node, ratePpm: 0 });
  schedule.push({ atMs, kind: 'setNetwork', params: quietNetworkPatch(network) });
  return { network, schedule, quietAfterMs };
}
