// The shared shape of the catalogue tests (imported only by *.test.ts files, which provide jest's
// globals): each bug is caught within a bound by a property it declares, and the unmodified core
// passes the same seed.

import { findBug } from './catalogue';
import { huntWithControl } from './expect-caught';

export interface BugCase {
  readonly name: string;
  /** The first catching seed when the bound was set; the bound leaves room over it. */
  readonly firstSeed: number;
  readonly maxSeeds: number;
}

export function describeBugCases(cases: readonly BugCase[]): void {
  describe.each(cases)('$name (first caught at seed $firstSeed)', ({ name, maxSeeds }) => {
    const bug = findBug(name);
    const { hunt, control } = huntWithControl(bug, maxSeeds);

    it(`is caught within ${maxSeeds} seeds by a property it declares`, () => {
      expect(hunt.caught).toBe(true);
      expect(bug.caughtBy).toContain(hunt.property);
    });

    it('is not flagged without the bug on the same seed (the control)', () => {
      expect(control).not.toBeNull();
      expect(control?.violation).toBeNull();
    });
  });
}
