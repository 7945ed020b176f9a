/**
 * The search's stopping rule. Steps are counted, not timed, so a check is
 * reproducible; an optional wall-clock deadline uses a clock the caller
 * injects (code under sim/ never reads the clock itself).
 */
export class SearchBudget {
  private deadlineHit = false;

  constructor(
    readonly maxStepsPerKey: number,
    private readonly now: (() => number) | undefined,
    private readonly deadline: number | undefined,
  ) {}

  /** How often, in steps, the injected clock is consulted; reading it every step would dominate small searches. */
  static readonly clockCheckInterval = 1024;

  get deadlinePassed(): boolean {
    if (this.deadlineHit) return true;
    if (this.now !== undefined && this.deadline !== undefined && this.now() >= this.deadline) this.deadlineHit = true;
    return this.deadlineHit;
  }
}
