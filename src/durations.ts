/**
 * Every timer boundwise arms goes through here: run timeouts, loop() deadlines,
 * withTimeout/withDeadline/moveOnAfter, group({ timeout }), close({ timeout }),
 * cancelGrace, idleTimeout, killTimeout and the rate limit's wait.
 *
 * Why: Node's timers hold a signed 32-bit millisecond count. A longer delay
 * (`timeout: 3e9`, 35 days) does not wait longer: Node prints a
 * TimeoutOverflowWarning and fires it after 1 ms. So a duration above
 * MAX_TIMER_MS is accepted and kept correctly by chaining timers — each link
 * waits at most MAX_TIMER_MS, then re-arms for what is left of the deadline on
 * the same clock — instead of being clamped or rejected.
 *
 * The common case (a delay that fits) costs nothing extra: the host's own
 * handle is returned, and only a long delay gets a LongTimer object.
 */

/** The longest delay one Node timer keeps: 2^31 − 1 ms (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a timer needs from a clock; loop()'s injectable Clock has exactly this shape. */
export interface TimerHost {
  /** The current time in ms, on the performance.now() scale. */
  now(): number;
  /** Call `fn` after `ms` milliseconds (at most 2^31-1; longer delays are chained by setTimer()); returns a handle. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Disarm a handle that setTimeout returned. */
  clearTimeout(handle: unknown): void;
}

/** The real clock, on the performance.now() scale. */
export const systemTimers: TimerHost = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** An armed timer; opaque — pass it back to clearTimer(). */
export type Timer = unknown;

export interface TimerOptions {
  /** Whose timers and time (default: the real ones). */
  clock?: TimerHost;
  /** The timer does not keep the process alive (idle reaping). Real timers only. */
  unref?: boolean;
}

/** A delay longer than one timer can hold: links of at most MAX_TIMER_MS up to the deadline. */
class LongTimer {
  private handle: unknown;
  private readonly deadline: number;
  private cleared = false;

  constructor(
    private readonly fn: () => void,
    ms: number,
    private readonly host: TimerHost,
    private readonly unref: boolean,
  ) {
    this.deadline = host.now() + ms;
    this.handle = this.arm(ms);
  }

  clear(): void {
    this.cleared = true;
    this.host.clearTimeout(this.handle);
  }

  private arm(ms: number): unknown {
    const h = this.host.setTimeout(this.tick, Math.min(ms, MAX_TIMER_MS));
    if (this.unref) unrefHandle(h);
    return h;
  }

  private readonly tick = (): void => {
    if (this.cleared) return;
    const left = this.deadline - this.host.now();
    // A link can fire a little early on its clock; re-arm for the rest rather than fire early.
    if (left > 0) this.handle = this.arm(left);
    else this.fn();
  };
}

/**
 * Call `fn` after `ms` milliseconds, however long. `Infinity` arms nothing and
 * returns undefined (a duration of "never"); a negative or NaN delay counts as 0.
 */
export function setTimer(fn: () => void, ms: number, options?: TimerOptions): Timer {
  if (ms === Infinity) return undefined;
  const host = options?.clock ?? systemTimers;
  const unref = options?.unref === true;
  if (ms > MAX_TIMER_MS) return new LongTimer(fn, ms, host, unref);
  const h = host.setTimeout(fn, ms > 0 ? ms : 0);
  if (unref) unrefHandle(h);
  return h;
}

/** Disarm a timer from setTimer() (undefined is fine: nothing was armed). */
export function clearTimer(timer: Timer, clock?: TimerHost): void {
  if (timer === undefined) return;
  if (timer instanceof LongTimer) timer.clear();
  else (clock ?? systemTimers).clearTimeout(timer);
}

function unrefHandle(h: unknown): void {
  (h as { unref?: () => void } | null)?.unref?.();
}
