// For tests that show a check can fail: the SafetyViolation a check throws.

import { SafetyViolation, type PropertyName } from '../violation';

/**
 * The SafetyViolation `check` throws (only of `property`, when given: any other error is rethrown);
 * fails the test when it throws nothing.
 */
export function thrownViolation(check: () => void, property?: PropertyName): SafetyViolation {
  try {
    check();
  } catch (e) {
    if (e instanceof SafetyViolation && (property === undefined || e.property === property)) return e;
    throw e;
  }
  throw new Error(`expected a ${property ?? 'SafetyViolation'} violation, but nothing was thrown`);
}
