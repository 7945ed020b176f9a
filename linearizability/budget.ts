/**
 * The search's stopping rule. Steps are counted, not timed, so a check is
 * reproducible. Anything else that may stop a search early (a wall-clock
 * deadline, another partition's violation) is asked through `poll`, which the
 * caller supplies: code under sim/ never reads the clock itself.
 */
export type StopReason = 'deadline' | 'cancelled';

export class SearchBudget {
  private stoppedBy: StopReason | undefined;

  constructor(
    readonly maxSteps: number,
    private readonly poll?: () => StopReason | undefined,
  ) {}

  /** How often, in steps, `poll` is consulted; asking every step would dominate small searches. */
  static readonly pollInterval = 1024;

  /** Why the search must stop now, if it must; once stopped, stays stopped. */
  stopped(): StopReason | undefined {
    if (this.stoppedBy === undefined && this.poll !== undefined) this.stoppedBy = this.poll();
    return this.stoppedBy;
  }
}
