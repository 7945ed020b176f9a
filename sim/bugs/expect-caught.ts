// Shared by the catalogue tests: a bug must be caught within a bounded number of seeds by a
// property it declares, and the unmodified core must come through the same seed clean.

import type { PlantedBug, TrapViolation } from './types';
import { huntBug, type HuntResult } from './hunt';
import { bugSimConfig, runJudged } from './run';

export interface CatchOutcome {
  readonly hunt: HuntResult;
  /** The unmodified core on the seed (and settings) that caught the bug; null if it was not caught. */
  readonly control: { readonly violation: TrapViolation | null } | null;
}

/** `now` is a constant: tests never look at wall time. */
export function huntWithControl(bug: PlantedBug, maxSeeds: number): CatchOutcome {
  const hunt = huntBug(bug, { fromSeed: 1, maxSeeds, now: () => 0 });
  if (!hunt.caught || hunt.seed === undefined) return { hunt, control: null };
  // A bug with a scripted trap is controlled by the same script without the bug.
  if (bug.trap !== undefined) return { hunt, control: { violation: bug.trap(hunt.seed, null) } };
  return { hunt, control: runJudged(bugSimConfig(bug, hunt.seed), null) };
}
