// The CI sample's baseline: which sampled mutants the product's checks detected when it was
// recorded. CI fails when the sample detects fewer than that, or when a mutant recorded as
// detected now survives (a check got weaker). A sample that no longer matches the baseline (core
// changed under it) is reported, and judged on the mutants both share.

import { isDetected, type MutationSummary } from './summary';
import { mutantKey } from './mutants';

export interface Baseline {
  readonly detected: number;
  readonly total: number;
  /** mutant key -> detected when recorded */
  readonly mutants: Record<string, boolean>;
}

export function recordBaseline(s: MutationSummary): Baseline {
  const mutants = Object.fromEntries(s.mutants.map((m) => [mutantKey(m), isDetected(m.status)]));
  return { detected: Object.values(mutants).filter(Boolean).length, total: s.mutants.length, mutants };
}

export interface BaselineVerdict {
  readonly ok: boolean;
  readonly messages: readonly string[];
}

export function checkBaseline(baseline: Baseline, s: MutationSummary): BaselineVerdict {
  const now = recordBaseline(s);
  const messages: string[] = [`sample: ${now.detected} of ${now.total} detected; baseline: ${baseline.detected} of ${baseline.total}`];
  const shared = Object.keys(now.mutants).filter((k) => k in baseline.mutants);
  const lost = shared.filter((k) => baseline.mutants[k] && !now.mutants[k]);
  const gained = shared.filter((k) => !baseline.mutants[k] && now.mutants[k]);
  for (const k of lost) messages.push(`no longer detected: ${k}`);
  for (const k of gained) messages.push(`newly detected (re-record the baseline): ${k}`);
  const unknown = Object.keys(now.mutants).filter((k) => !(k in baseline.mutants));
  if (unknown.length > 0) messages.push(`${unknown.length} sampled mutants are not in the baseline (core changed; re-record with --record-baseline): ${unknown.slice(0, 3).join('; ')}`);
  const sameSample = unknown.length === 0 && shared.length === Object.keys(baseline.mutants).length;
  const ok = lost.length === 0 && (!sameSample || now.detected >= baseline.detected);
  return { ok, messages };
}
