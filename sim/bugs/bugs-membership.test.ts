// The membership bugs (dissertation ch. 4): each caught through its scripted trap by a property
// it declares, with the unmodified core clean on the same script and seed.

import { describeBugCases, type BugCase } from './describe-bug-cases';

const CASES: readonly BugCase[] = [
  { name: 'conf-change-before-term-commit', firstSeed: 1, maxSeeds: 3 },
  { name: 'overlapping-conf-changes', firstSeed: 1, maxSeeds: 3 },
  { name: 'joint-quorum-old-only', firstSeed: 1, maxSeeds: 3 },
  { name: 'removed-node-votes-counted', firstSeed: 1, maxSeeds: 3 },
];

describeBugCases(CASES);
