/**
 * The time source of the loop executor, its rate limiter and deadline scopes.
 * Injectable so tests can step time by hand instead of asserting on wall time.
 * `now()` is on the `performance.now()` scale, like `Scope.deadline`.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
