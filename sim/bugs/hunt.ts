// Hunting a planted bug: run seeds in order until a run shows a violation (a safety property
// during the run, or linearizability of the client history at its end). Wall time is measured
// with a clock the caller injects, so nothing here reads a real clock.

import type { PropertyName } from '../../checkers/violation';
import type { PlantedBug, TrapViolation } from './types';
import { bugSimConfig, runJudged } from './run';

export interface HuntOptions {
  readonly fromSeed: number;
  readonly maxSeeds: number;
  /** Overrides the bug's own run duration. */
  readonly durationMs?: number;
  /** Stop starting new seeds once this much wall time has passed (measured with `now`). */
  readonly wallBudgetMs?: number;
  /** Milliseconds from any origin: the CLI supplies the wall clock; tests supply a constant. */
  readonly now: () => number;
  /**
   * Keep hunting past violations of properties the bug does not declare in caughtBy (they are
   * listed in `undeclared`). Off by default: any violation ends the hunt.
   */
  readonly declaredOnly?: boolean;
}

export interface HuntResult {
  readonly bug: string;
  readonly caught: boolean;
  /** The first seed that showed a violation. */
  readonly seed?: number;
  readonly property?: PropertyName;
  readonly detail?: string;
  readonly seedsTried: number;
  /** Wall time from the start of the hunt to the first detection (or to giving up). */
  readonly wallMs: number;
  /** The trace line of the violation, as a traced replay of the seed would number it. */
  readonly eventIndex?: number;
  /**
   * Seeds skipped because the unmodified core showed the very same violation there: evidence
   * against the simulator or a checker, not for the bug (report them).
   */
  readonly controlFlagged: readonly number[];
  /** With declaredOnly: seeds passed over because an undeclared property broke there. */
  readonly undeclared: readonly { readonly seed: number; readonly property: PropertyName }[];
}

export class HuntOptionsError extends Error {
  override readonly name = 'HuntOptionsError';
}

function validate(o: HuntOptions): void {
  if (!Number.isSafeInteger(o.fromSeed) || o.fromSeed < 0) throw new HuntOptionsError(`fromSeed must be a non-negative integer, got ${o.fromSeed}`);
  if (!Number.isSafeInteger(o.maxSeeds) || o.maxSeeds < 1) throw new HuntOptionsError(`maxSeeds must be a positive integer, got ${o.maxSeeds}`);
  if (o.wallBudgetMs !== undefined && !(o.wallBudgetMs > 0)) throw new HuntOptionsError(`wallBudgetMs must be positive, got ${o.wallBudgetMs}`);
  if (typeof o.now !== 'function') throw new HuntOptionsError('now must be a clock function returning milliseconds (the CLI passes the wall clock)');
}

function sameViolation(a: TrapViolation, b: TrapViolation | null): boolean {
  return b !== null && a.property === b.property && a.detail === b.detail && a.atMs === b.atMs;
}

/**
 * Runs seeds fromSeed, fromSeed+1, ... until one shows a violation that the unmodified core does
 * not show on the same seed.
 */
export function huntBug(bug: PlantedBug, options: HuntOptions): HuntResult {
  validate(options);
  const start = options.now();
  let tried = 0;
  const controlFlagged: number[] = [];
  const undeclared: { seed: number; property: PropertyName }[] = [];
  for (let seed = options.fromSeed; seed < options.fromSeed + options.maxSeeds; seed++) {
    if (options.wallBudgetMs !== undefined && tried > 0 && options.now() - start >= options.wallBudgetMs) break;
    const config = bugSimConfig(bug, seed, options.durationMs !== undefined ? { durationMs: options.durationMs } : {});
    const trap = bug.trap;
    const violation = trap !== undefined ? trap(seed, bug) : runJudged(config, bug).violation;
    tried++;
    const control = (): TrapViolation | null => (trap !== undefined ? trap(seed, null) : runJudged(config, null).violation);
    if (violation !== null && sameViolation(violation, control())) {
      controlFlagged.push(seed);
      continue;
    }
    if (violation !== null && options.declaredOnly === true && !bug.caughtBy.includes(violation.property)) {
      undeclared.push({ seed, property: violation.property });
      continue;
    }
    if (violation !== null) {
      return {
        bug: bug.name, caught: true, seed, property: violation.property, detail: violation.detail,
        seedsTried: tried, wallMs: options.now() - start, eventIndex: violation.eventIndex, controlFlagged, undeclared,
      };
    }
  }
  return { bug: bug.name, caught: false, seedsTried: tried, wallMs: options.now() - start, controlFlagged, undeclared };
}
