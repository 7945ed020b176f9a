// Per-socket message rate limit. The clock is injected so tests can freeze or advance time.

export interface RateLimitOptions {
  /** Frames a socket may send back to back (bucket capacity). */
  burst: number;
  /** Sustained frames per second (refill rate). */
  perSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.tokens = options.burst;
    this.lastRefillMs = now();
  }

  /** Takes one token if available; returns false when the caller is over its rate. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const nowMs = this.now();
    // A clock that steps backwards (tests, NTP) must not mint tokens now or when it catches up again.
    if (nowMs <= this.lastRefillMs) return;
    const elapsedMs = nowMs - this.lastRefillMs;
    this.lastRefillMs = nowMs;
    this.tokens = Math.min(this.options.burst, this.tokens + (elapsedMs * this.options.perSecond) / 1000);
  }
}
