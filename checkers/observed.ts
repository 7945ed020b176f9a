// What the safety checker sees of a node: the node protocol's observable view (docs/node-protocol.md
// §6), its persist records, the entries it applied and the (index, term) pairs of the log those
// records fold into. Never an implementation's memory. The shapes are structural, so any driver's
// values fit (the protocol's NodeView and NodeOutput, core's own types in core's unit tests), and
// this shared layer imports no driver and not the protocol module itself.

import type { ClusterConfig } from '../core';

export interface ObservedView {
  readonly term: number;
  readonly role: string;
  readonly votedFor: string | null;
  readonly commitIndex: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
}

/** The node's log as its persist records wrote it (durable or not): protocol/observed-log.ts, or a disk's fold. */
export interface ObservedLogReader {
  /** 0 at index 0; undefined when compacted into the snapshot or beyond the end. */
  termAt(index: number): number | undefined;
  readonly snapshotIndex: number;
  readonly lastIndex: number;
}

export interface ObservedEntry {
  readonly term: number;
  readonly type: string;
  readonly data: string;
}

export interface ObservedPersist {
  readonly seq: number;
  readonly term?: number;
  readonly votedFor?: string | null;
  readonly truncateFrom?: number;
  readonly appendFrom?: number;
  readonly entries?: readonly ObservedEntry[];
  /** The configuration as of `index`, when the implementation tracks one (capability `membership`). */
  readonly snapshot?: { readonly index: number; readonly config?: ObservedConfig };
}

/**
 * A configuration as the protocol writes it: the same shape as core's ClusterConfig (the protocol's
 * ClusterConfig restates it on purpose; checkers may not import protocol/, so they use core's).
 */
export type ObservedConfig = ClusterConfig;

/** What survived a crash, as far as configuration safety reads it: the Config entries in the log. */
export interface ObservedDurable {
  readonly snapshot: { readonly index: number; readonly config?: ObservedConfig } | null;
  /** Entries from (snapshot ? snapshot.index + 1 : 1) on. */
  readonly entries: readonly ObservedEntry[];
}

export interface ObservedInput {
  readonly type: string;
  readonly message?: { readonly type: string; readonly from: string; readonly term: number; readonly granted?: boolean };
  readonly seq?: number;
}

export interface ObservedOutput {
  readonly persist: readonly ObservedPersist[];
  readonly apply: readonly { readonly index: number; readonly entry: ObservedEntry }[];
  readonly restore: { readonly index: number; readonly term: number } | null;
  /** Spec actions (capability `actions`); absent means none, or an implementation that does not report them. */
  readonly actions?: readonly string[];
}
