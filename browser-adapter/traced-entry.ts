// An entry as a trace's Persist `entryTerms` and AppendEntries `entries` carry it
// (trace/format.ts traceEntry): its term, or `{ term, config }` for a configuration entry. The
// browser trace tools mostly need the term; the merged safety check also needs the configuration.

import type { ClusterConfig } from '../core';
import { decodeConfigValue } from '../core/membership';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** The entry's term, or null when it is neither an integer nor `{ term: integer, config }`. */
export function tracedTerm(x: unknown): number | null {
  if (isInt(x)) return x;
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
    const o = x as { term?: unknown; config?: unknown };
    if (isInt(o.term) && o.config !== undefined) return o.term;
  }
  return null;
}

/** The configuration a traced Config entry carries, null for a normal entry, or why it is malformed. */
export function tracedConfig(x: unknown): ClusterConfig | null | string {
  if (isInt(x)) return null;
  if (tracedTerm(x) === null) return 'neither a term nor { term, config }';
  return decodeConfigValue((x as { config: unknown }).config);
}

/** True when every element is a well-formed traced entry. */
export function areTracedEntries(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.every((x) => tracedTerm(x) !== null);
}

/** The terms of a list checked with areTracedEntries. */
export function tracedTerms(v: readonly unknown[]): number[] {
  return v.map((x) => tracedTerm(x) as number);
}
