// Per-channel rate limit: `rate` alerts per second on average, up to `burst` at once.

export interface RateLimit {
  /** Tokens added per second. */
  rate: number;
  /** Bucket size: alerts that may pass back to back after a quiet period. */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(limit.rate > 0) || !(limit.burst >= 1)) throw new RangeError('rate limit needs rate > 0 and burst >= 1');
    this.tokens = limit.burst;
    this.last = now();
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    const t = this.now();
    if (t > this.last) {
      this.tokens = Math.min(this.limit.burst, this.tokens + ((t - this.last) / 1000) * this.limit.rate);
      this.last = t;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
