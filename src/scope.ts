/**
 * The ambient cancellation scope. Deadline and task-group scopes store their
 * signal here (AsyncLocalStorage), and every executor's `run()` picks it up, so
 * a deadline set around a block of code reaches each task started inside it, on
 * whichever executor, as that task's `context.signal`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Scope {
  /** Aborts when the scope is cancelled or its deadline passes. */
  readonly signal: AbortSignal;
  /** Absolute deadline on the `performance.now()` clock; Infinity when none. */
  readonly deadline: number;
}

const storage = new AsyncLocalStorage<Scope>();

export function currentScope(): Scope | undefined {
  return storage.getStore();
}

export function runInScope<T>(scope: Scope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** Run `fn` outside any scope (for work done on behalf of calls that each carry their own). */
export function outsideScope<T>(fn: () => T): T {
  return storage.exit(fn);
}

/**
 * The call's options with the ambient scope's signal made explicit, for a call that will be
 * started later from another async context (where the scope it was made in is not ambient).
 */
export function withScopeSignal<O extends { signal?: AbortSignal }>(options: O | undefined): O | undefined {
  const scope = storage.getStore();
  if (!scope) return options;
  const own = options?.signal;
  return { ...options, signal: !own || own === scope.signal ? scope.signal : AbortSignal.any([own, scope.signal]) } as O;
}

/**
 * The signal a task should obey: the caller's own, the ambient scope's, or both.
 * Returns undefined when there is nothing to obey, so the hot path allocates nothing.
 */
export function effectiveSignal(own: AbortSignal | undefined): AbortSignal | undefined {
  const scope = storage.getStore();
  if (!scope) return own;
  if (!own || own === scope.signal) return scope.signal;
  return AbortSignal.any([own, scope.signal]);
}
