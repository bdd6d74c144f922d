/**
 * A cancellation scope, the common core of deadline scopes and task groups.
 *
 *   outer ambient scope ─┐
 *   options.signal ──────┼──▶ this scope's AbortController ──▶ Scope { signal, deadline }
 *   own deadline timer ──┘        (cancel() aborts it too)      stored in AsyncLocalStorage
 *
 * Deadlines nest: the effective deadline is the earliest of this scope's and
 * the enclosing one's. A timer is armed only when this scope's own deadline is
 * the earlier one, so `timedOut` is true only when *this* scope's deadline
 * passed — an inner scope cut short by an outer one never claims the timeout.
 */
import { currentScope, type Scope } from '../scope.js';
import type { Clock } from './clock.js';
import { clearTimer, setTimer } from '../durations.js';

export interface OpenScopeOptions {
  /** This scope's own deadline on the clock's scale; Infinity for none. */
  deadline: number;
  signal?: AbortSignal | undefined;
  clock: Clock;
  /** The reason the signal aborts with when this scope's own deadline passes. */
  timeoutReason: () => unknown;
  /** Called after the signal aborted because this scope's own deadline passed. */
  onTimeout?: () => void;
}

export class CancelScope implements Scope {
  readonly signal: AbortSignal;
  readonly deadline: number;
  /** This scope's own deadline passed (not an enclosing one's). */
  timedOut = false;
  private readonly controller = new AbortController();
  private readonly sources: AbortSignal[] = [];
  private timer: unknown = undefined;

  constructor(private readonly o: OpenScopeOptions) {
    this.signal = this.controller.signal;
    const parent = currentScope();
    const outer = parent?.deadline ?? Infinity;
    this.deadline = Math.min(o.deadline, outer);
    for (const source of [parent?.signal, o.signal]) {
      if (source === undefined) continue;
      if (source.aborted) {
        this.cancel(source.reason);
        return;
      }
      this.sources.push(source);
      source.addEventListener('abort', this.onSourceAbort, { once: true });
    }
    if (o.deadline < outer) {
      const ms = o.deadline - o.clock.now();
      if (ms <= 0) this.expire();
      else this.timer = setTimer(() => this.expire(), ms, { clock: o.clock });
    }
  }

  /** Abort the scope (first reason wins). */
  cancel(reason: unknown): void {
    if (this.signal.aborted) return;
    this.controller.abort(reason);
    this.dispose();
  }

  /** Remove every listener and timer: the scope's boundary has been crossed. */
  dispose(): void {
    for (const s of this.sources.splice(0)) s.removeEventListener('abort', this.onSourceAbort);
    if (this.timer !== undefined) {
      clearTimer(this.timer, this.o.clock);
      this.timer = undefined;
    }
  }

  private expire(): void {
    this.timer = undefined;
    if (this.signal.aborted) return;
    this.timedOut = true;
    this.cancel(this.o.timeoutReason());
    this.o.onTimeout?.();
  }

  private readonly onSourceAbort = (event: Event): void => {
    this.cancel((event.target as AbortSignal).reason);
  };
}
