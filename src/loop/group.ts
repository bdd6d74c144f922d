/**
 * Task groups (asyncio `TaskGroup`, trio nurseries), and the two looser
 * helpers kept under other names: `gather` and `settle`.
 *
 *   group(body) ──▶ scope (signal, deadline) ──▶ body(g) ──g.spawn(fn)──▶ children
 *        ▲ first failure that is not a cancellation ──▶ scope.cancel() ──▶ every child's signal
 *        └── waits for body and every child ──▶ TaskGroupError([all failures]) | result
 *
 * Children see the group's signal twice: as `{ signal }` passed to them, and
 * as the ambient scope, so a child that calls `pool.run(t.x, input)` on any
 * executor is cancelled with the group without passing anything along.
 *
 * What counts as a failure: any rejection, except a cancellation error
 * (AbortError / TimeoutError, or the group signal's own reason) arriving after
 * the group's signal aborted — that is a child obeying the group, not a failure. A child's own timeout
 * before the group aborted is a failure.
 */
import { TaskGroupError, abortError, isCancellation, timeoutError, InvalidOptionError } from '../errors.js';
import type { Settled } from '../map.js';
import { knownOptions, msOption, signalOption } from '../options.js';
import { effectiveSignal, runInScope } from '../scope.js';
import { CancelScope } from './cancel-scope.js';
import { systemClock, type Clock } from './clock.js';

/** What a child of a group (or a function given to gather()/settle()) receives. */
export interface SpawnContext {
  /** The group's signal: aborts on the first failure, the outer signal, or the group's timeout. */
  readonly signal: AbortSignal;
}

/**
 * A started child. Not a promise itself, so `g.spawn(fn);` as a statement is
 * not a floating promise; `await g.spawn(fn).result` when the value is wanted.
 */
export interface Child<T> {
  /** The child's outcome. A failure is reported by the group too, never as an unhandled rejection. */
  readonly result: Promise<T>;
}

/** The handle group() passes to its body: spawn children on it. */
export interface TaskGroup {
  /** The group's signal: aborts on the first failure, the outer signal, or the group's timeout. */
  readonly signal: AbortSignal;
  /** Start a child: it gets `{ signal }`, and the group's scope is ambient inside it. */
  spawn<T>(fn: (context: SpawnContext) => T | PromiseLike<T>): Child<T>;
}

/** Options of group(body, options). Unknown keys throw InvalidOptionError. */
export interface GroupOptions {
  /** Milliseconds from now; then the group's signal aborts with a TimeoutError. Default: none. */
  timeout?: number;
  /** Cancels the whole group. Default: none. */
  signal?: AbortSignal;
  /** Time source of the timeout (tests step it by hand). Default: systemClock. */
  clock?: Clock;
}

const noop = () => {};

/**
 * Run `body` and everything it spawns as one unit: waits for all of them, and
 * on any failure cancels the rest and throws one TaskGroupError holding every
 * failure (even a single one). Cancelled from outside: throws the outer reason;
 * timed out: a TimeoutError. Otherwise resolves with the body's result.
 */
export function group<T>(body: (g: TaskGroup) => T | PromiseLike<T>, options?: GroupOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    knownOptions('group()', options, ['timeout', 'signal', 'clock']);
    const timeout = msOption('group()', 'timeout', options?.timeout, Infinity);
    signalOption('group()', options?.signal);
    if (typeof body !== 'function') throw new InvalidOptionError('body', 'group(): the body must be a function');
    const clock = options?.clock ?? systemClock;
    const scope = new CancelScope({
      deadline: timeout === Infinity ? Infinity : clock.now() + timeout,
      signal: options?.signal,
      clock,
      timeoutReason: () => timeoutError(`group(): timed out after ${timeout} ms`),
    });
    const failures: unknown[] = [];
    let open = 0;
    let closed = false;
    let result: T | undefined;

    const settled = () => {
      if (--open > 0) return;
      closed = true;
      const aborted = scope.signal.aborted;
      const reason: unknown = scope.signal.reason;
      scope.dispose();
      if (failures.length > 0) reject(new TaskGroupError(failures));
      else if (aborted) reject(reason);
      else resolve(result as T);
    };
    const failed = (error: unknown) => {
      const obeyed = scope.signal.aborted && (isCancellation(error) || error === scope.signal.reason);
      if (!obeyed) {
        failures.push(error);
        scope.cancel(abortError('group(): another task in the group failed'));
      }
      settled();
    };
    const start = <R>(
      fn: (context: SpawnContext) => R | PromiseLike<R>,
      arg: SpawnContext | TaskGroup,
      onValue: (value: R) => void = noop,
    ): Promise<R> => {
      open++;
      const p = new Promise<R>((res) => res(runInScope(scope, () => fn(arg as SpawnContext))));
      p.then((value) => {
        onValue(value);
        settled();
      }, failed);
      return p;
    };

    const g: TaskGroup = {
      signal: scope.signal,
      spawn<R>(fn: (context: SpawnContext) => R | PromiseLike<R>): Child<R> {
        if (closed) throw new Error('group(): spawn() after the group finished; spawn from inside the group');
        if (typeof fn !== 'function') throw new InvalidOptionError('fn', 'group(): spawn() takes a function');
        const result = start(fn, { signal: scope.signal });
        result.catch(noop); // reported by the group
        return { result };
      },
    };
    start(body as (context: SpawnContext) => T | PromiseLike<T>, g, (value) => (result = value)).catch(noop);
  });
}

type Item<T> = PromiseLike<T> | T | ((context: SpawnContext) => T | PromiseLike<T>);
/** What an item of gather()/settle() gives: a function's awaited result, or the awaited value itself. */
type ResultOf<X> = X extends (...args: any[]) => infer R ? Awaited<R> : Awaited<X>;

const never = new AbortController().signal;

function startAll(items: Iterable<Item<unknown>>, signal: AbortSignal | undefined): Promise<unknown>[] {
  const context: SpawnContext = { signal: effectiveSignal(signal) ?? never };
  return Array.from(items, (item) =>
    typeof item === 'function'
      ? new Promise((res) => res((item as (c: SpawnContext) => unknown)(context)))
      : Promise.resolve(item),
  );
}

/**
 * `Promise.all` semantics under its own name: the first failure rejects, the
 * others keep running (not cancelled). Functions receive `{ signal }` (the
 * given signal and the ambient scope's).
 */
export function gather<const T extends readonly unknown[]>(
  items: T,
  options?: { signal?: AbortSignal },
): Promise<{ -readonly [K in keyof T]: ResultOf<T[K]> }> {
  return Promise.all(startAll(items as Iterable<Item<unknown>>, options?.signal)) as Promise<any>;
}

/** Every outcome, in order: `{ ok: true, value }` or `{ ok: false, error }`; never rejects. */
export function settle<const T extends readonly unknown[]>(
  items: T,
  options?: { signal?: AbortSignal },
): Promise<{ -readonly [K in keyof T]: Settled<ResultOf<T[K]>> }> {
  return Promise.all(
    startAll(items as Iterable<Item<unknown>>, options?.signal).map((p) =>
      p.then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      ),
    ),
  ) as Promise<any>;
}
