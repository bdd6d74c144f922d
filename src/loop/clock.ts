/**
 * The time source of the loop executor, its rate limiter and deadline scopes.
 * Injectable so tests can step time by hand instead of asserting on wall time.
 * `now()` is on the `performance.now()` scale, like `Scope.deadline`.
 * Timers on it are armed through durations.ts (setTimer), which keeps delays
 * longer than one Node timer can hold.
 */
import { systemTimers, type TimerHost } from '../durations.js';

/** loop()'s injectable time source: `now()` in ms on the performance.now() scale, and timers on it. */
export type Clock = TimerHost;

/** The real clock: `performance.now()` and Node's timers (delays over 2^31-1 ms kept). The default wherever a `clock` option is taken. */
export const systemClock: Clock = systemTimers;
