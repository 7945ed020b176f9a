// The configuration-aware invariants of membership changes (dissertation ch. 4), judged from the
// Config entries each node writes to its log (persist records) and nothing else of core's:
//
// - ConfigQuorumIntersection: any two consecutive configurations in a log have intersecting
//   quorums. True of a simple change (one voter added or removed) and of old -> joint -> new;
//   false of two voters changed at once without a joint configuration.
// - OneUncommittedConfig: a leader's log holds at most one configuration entry beyond the highest
//   index known committed (cluster-wide: a new leader's own commit index may lag the truth).

import type { ClusterConfig, NodeId } from '../core';
import { decodeConfigValue } from '../core/membership';
import { hasQuorum } from '../core/quorum';
import type { ObservedEntry, ObservedPersist } from './observed';
import { SafetyViolation } from './violation';

interface NodeConfigs {
  /** The configuration below every Config entry of the log: the snapshot's or the initial one. */
  base: ClusterConfig;
  /** Config entries in the log as written, ascending by index. */
  entries: { index: number; config: ClusterConfig }[];
}

/** Every node id a configuration names. */
function idsOf(c: ClusterConfig): NodeId[] {
  const ids = new Set<NodeId>([...c.voters, ...(c.votersOutgoing ?? []), ...(c.learners ?? [])]);
  return [...ids];
}

/**
 * Two quorums, one of each configuration, that share no node, or null if every pair intersects.
 * Quorums are upward closed, so it suffices to try each set S against its complement: there are
 * disjoint quorums exactly when some S is a quorum of `a` and its complement one of `b`.
 */
export function disjointQuorums(a: ClusterConfig, b: ClusterConfig): [NodeId[], NodeId[]] | null {
  const universe = [...new Set([...idsOf(a), ...idsOf(b)])];
  if (universe.length > 20) throw new Error(`ConfigQuorumIntersection: ${universe.length} node ids is more than this brute force is for`);
  for (let mask = 0; mask < 1 << universe.length; mask++) {
    const s: NodeId[] = [];
    const rest: NodeId[] = [];
    for (let k = 0; k < universe.length; k++) (mask & (1 << k) ? s : rest).push(universe[k]);
    if (hasQuorum(a, s) && hasQuorum(b, rest)) return [s, rest];
  }
  return null;
}

function describe(c: ClusterConfig): string {
  return c.votersOutgoing !== undefined ? `joint {${c.voters.join(',')}} & {${c.votersOutgoing.join(',')}}` : `{${c.voters.join(',')}}`;
}

/** Drops the Config entries at or after `from` (cheap when there are none: the usual case). */
function cutFrom(n: NodeConfigs, from: number): void {
  const e = n.entries;
  if (e.length > 0 && e[e.length - 1].index >= from) n.entries = e.filter((x) => x.index < from);
}

export class ConfigSafety {
  private readonly nodes = new Map<NodeId, NodeConfigs>();

  constructor(private readonly initial: (node: NodeId) => ClusterConfig) {}

  private of(node: NodeId): NodeConfigs {
    let n = this.nodes.get(node);
    if (n === undefined) {
      n = { base: this.initial(node), entries: [] };
      this.nodes.set(node, n);
    }
    return n;
  }

  /** Follows one persist record: snapshot, truncation, then appended entries (core/persist.ts's order). */
  onPersist(node: NodeId, record: ObservedPersist): void {
    const hasConfig = record.entries !== undefined && record.entries.some((e) => e.type === 'Config');
    if (record.snapshot === undefined && record.truncateFrom === undefined && !hasConfig && !this.nodes.has(node)) return;
    const n = this.of(node);
    if (record.snapshot !== undefined) {
      const cut = record.snapshot.index;
      // An implementation that does not track configurations sends none: the base stays as it was.
      if (record.snapshot.config !== undefined) n.base = record.snapshot.config;
      n.entries = n.entries.filter((e) => e.index > cut);
    }
    if (record.truncateFrom !== undefined) cutFrom(n, record.truncateFrom);
    if (record.entries !== undefined && record.appendFrom !== undefined) {
      const from = record.appendFrom;
      cutFrom(n, from);
      if (!hasConfig) return;
      record.entries.forEach((entry: ObservedEntry, k: number) => {
        if (entry.type !== 'Config') return;
        const config = decodeConfigValue(JSON.parse(entry.data));
        if (typeof config === 'string') throw new SafetyViolation('LogMatching', `a Config entry at ${from + k} does not hold a configuration: ${config}`, node);
        const previous = n.entries.length > 0 ? n.entries[n.entries.length - 1].config : n.base;
        const disjoint = disjointQuorums(previous, config);
        if (disjoint !== null) {
          throw new SafetyViolation(
            'ConfigQuorumIntersection',
            `configuration ${describe(config)} at index ${from + k} follows ${describe(previous)}, and their quorums {${disjoint[0].join(',')}} and {${disjoint[1].join(',')}} share no node`,
            node,
          );
        }
        n.entries.push({ index: from + k, config });
      });
    }
  }

  /** After a restart the log is what storage kept: start over from it. */
  onRestart(node: NodeId, base: ClusterConfig, entries: readonly { index: number; entry: ObservedEntry }[]): void {
    const n: NodeConfigs = { base, entries: [] };
    for (const { index, entry } of entries) {
      if (entry.type !== 'Config') continue;
      const config = decodeConfigValue(JSON.parse(entry.data));
      if (typeof config !== 'string') n.entries.push({ index, config });
    }
    this.nodes.set(node, n);
  }

  /** A leader's log may hold one configuration entry beyond the highest index known committed, no more. */
  checkLeader(node: NodeId, committedMax: number): void {
    const n = this.nodes.get(node);
    // Called on every leader step: the usual case (at most one entry beyond the commit) costs O(1).
    if (n === undefined || n.entries.length < 2 || n.entries[n.entries.length - 2].index <= committedMax) return;
    const uncommitted = n.entries.filter((e) => e.index > committedMax);
    if (uncommitted.length > 1) {
      throw new SafetyViolation('OneUncommittedConfig', `leader ${node} holds ${uncommitted.length} uncommitted configuration entries (at ${uncommitted.map((e) => e.index).join(', ')}; committed up to ${committedMax})`, node);
    }
  }
}
