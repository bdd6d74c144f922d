/**
 * The rate limit of a loop executor: at most `limit` starts in any window of
 * `interval` ms. A sliding log (the times of the last `limit` starts in a
 * ring), so the bound holds for every window, not only aligned ones — a token
 * bucket would allow 2 × limit across a window boundary.
 *
 * Pure: the caller passes the time, so it is tested with plain numbers.
 */
export interface RateOptions {
  /** Starts allowed per interval. */
  limit: number;
  /** Window length in milliseconds. */
  interval: number;
}

export class RateLimiter {
  private readonly starts: Float64Array;
  private next = 0;
  private count = 0;

  constructor(
    readonly limit: number,
    readonly interval: number,
  ) {
    this.starts = new Float64Array(limit);
  }

  /** Milliseconds until one more start is allowed at `now`; 0 when it is allowed now. */
  delay(now: number): number {
    if (this.count < this.limit) return 0;
    // The ring is full: `next` points at the oldest of the last `limit` starts.
    const wait = (this.starts[this.next] as number) + this.interval - now;
    return wait > 0 ? wait : 0;
  }

  /** Note a start at `now` (the caller checked `delay(now) === 0`). */
  record(now: number): void {
    this.starts[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    if (this.count < this.limit) this.count++;
  }
}
