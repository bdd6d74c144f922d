/**
 * Deadline scopes: `withTimeout(ms, fn)`, `withDeadline(at, fn)`, `moveOnAfter(ms, fn)`.
 *
 * - They nest: the effective deadline is the earliest of all enclosing scopes;
 *   an inner scope can shorten it, never extend it.
 * - The deadline reaches every task started inside, on any executor, as its
 *   `context.signal` (the scope is ambient: each executor's `run()` obeys it).
 * - A scope whose own deadline passes settles at once at its own boundary:
 *   `withTimeout`/`withDeadline` reject with a `TimeoutError` naming the scope,
 *   `moveOnAfter` resolves `undefined`. An inner scope cut short by an outer
 *   one does not claim the timeout: the error passes through it unchanged and
 *   the outer scope, whose deadline it was, throws.
 * - Settling at the deadline does not wait for `fn`: JavaScript cannot be
 *   stopped from outside, so `fn` is told through its signal and whatever it
 *   does afterwards is ignored (the same rule as a running task's timeout).
 */
import { InvalidOptionError, timeoutError } from '../errors.js';
import { msOption, signalOption, knownOptions } from '../options.js';
import { runInScope } from '../scope.js';
import { CancelScope } from './cancel-scope.js';
import { systemClock, type Clock } from './clock.js';

/** What the body of withTimeout(), withDeadline() and moveOnAfter() receives. */
export interface DeadlineContext {
  /** Aborts when the effective deadline passes or an enclosing scope is cancelled. */
  readonly signal: AbortSignal;
  /** The effective deadline, on the `performance.now()` scale (Infinity when none). */
  readonly deadline: number;
}

/** Options of withTimeout(), withDeadline() and moveOnAfter(). Unknown keys throw InvalidOptionError. */
export interface DeadlineOptions {
  /** Cancels the scope too (with this signal's reason). Default: none. */
  signal?: AbortSignal;
  /** Time source (tests step it by hand). Its `now()` is the scale of numeric deadlines. Default: systemClock. */
  clock?: Clock;
}

/** The function a deadline scope runs: it gets the scope's signal and deadline. */
type Body<T> = (context: DeadlineContext) => T | PromiseLike<T>;

/** Run `fn` with a timeout of `ms` from now; throws `TimeoutError` if this scope's deadline passes. */
export function withTimeout<T>(ms: number, fn: Body<T>, options?: DeadlineOptions): Promise<T> {
  return scoped(`withTimeout(${ms} ms)`, (clock) => clock.now() + ms, fn, false, options, ms) as Promise<T>;
}

/**
 * Run `fn` until `at`: a `Date`, or a number on the `performance.now()` scale
 * (the scale of `Scope.deadline`; monotonic, unlike `Date.now()`).
 */
export function withDeadline<T>(at: number | Date, fn: Body<T>, options?: DeadlineOptions): Promise<T> {
  const shown = at instanceof Date && !Number.isNaN(at.getTime()) ? at.toISOString() : String(at);
  const label = `withDeadline(${shown})`;
  return scoped(label, (clock) => toClock(at, clock), fn, false, options) as Promise<T>;
}

/** Like `withTimeout`, but resolves `undefined` when this scope's deadline passes. */
export function moveOnAfter<T>(ms: number, fn: Body<T>, options?: DeadlineOptions): Promise<T | undefined> {
  return scoped(`moveOnAfter(${ms} ms)`, (clock) => clock.now() + ms, fn, true, options, ms);
}

function toClock(at: number | Date, clock: Clock): number {
  if (at instanceof Date) {
    const t = at.getTime();
    if (Number.isNaN(t)) throw new InvalidOptionError('deadline', 'withDeadline(): the Date is invalid');
    return clock.now() + (t - Date.now());
  }
  if (typeof at !== 'number' || Number.isNaN(at)) {
    throw new InvalidOptionError('deadline', `withDeadline(): the deadline must be a Date or a number, got ${String(at)}`);
  }
  return at;
}

function scoped<T>(
  label: string,
  deadlineOf: (clock: Clock) => number,
  fn: Body<T>,
  moveOn: boolean,
  options: DeadlineOptions | undefined,
  ms?: number,
): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    knownOptions(`${label}`, options, ['signal', 'clock']);
    signalOption(label, options?.signal);
    if (ms !== undefined) msOption(label, 'ms', ms, 0);
    if (typeof fn !== 'function') throw new InvalidOptionError('fn', `${label}: the body must be a function`);
    const clock = options?.clock ?? systemClock;
    let done = false;
    let ready = false; // the scope is constructed (its timer may fire during construction)
    const finish = (ok: boolean, value: unknown) => {
      if (done) return;
      done = true;
      s.dispose();
      if (ok) resolve(value as T | undefined);
      else reject(value);
    };
    const ownTimeout = () => (moveOn ? finish(true, undefined) : finish(false, s.signal.reason));
    const s: CancelScope = new CancelScope({
      deadline: deadlineOf(clock),
      signal: options?.signal,
      clock,
      timeoutReason: () => timeoutError(`${label}: the deadline passed`),
      onTimeout: () => {
        if (ready) ownTimeout(); // during construction (deadline already passed) it is handled below
      },
    });
    ready = true;
    if (s.timedOut) return ownTimeout(); // the deadline had already passed: fn never runs
    if (s.signal.aborted) return finish(false, s.signal.reason); // an enclosing scope is already cancelled
    let out: T | PromiseLike<T>;
    try {
      out = runInScope(s, () => fn({ signal: s.signal, deadline: s.deadline }));
    } catch (error) {
      return s.timedOut ? ownTimeout() : finish(false, error);
    }
    Promise.resolve(out).then(
      (value) => (s.timedOut ? ownTimeout() : finish(true, value)),
      (error: unknown) => (s.timedOut ? ownTimeout() : finish(false, error)),
    );
  });
}
