/**
 * Where calls to a task that is still unknown wait while no thread is free to
 * probe it: a line ordered by priority (FIFO within one), that a call leaves
 * at once when its signal aborts. Released as threads free up, or all at once
 * when the task's measurements arrive and it can be routed.
 */

interface Waiter {
  priority: number;
  /** run(…, { id }), for setPriority(). */
  id: string | undefined;
  resolve: () => void;
  reject: (reason: unknown) => void;
  cleanup: (() => void) | undefined;
  /** Called at once (before the promise rejects) when the call leaves by abort or rejectAll. */
  onCancel: () => void;
}

export class Gate {
  private waiters: Waiter[] = [];

  get size(): number {
    return this.waiters.length;
  }

  /**
   * `again`: a call that was let go but found no free thread keeps its place at the front of its priority.
   * `onCancel` runs synchronously when the call leaves without being released (its signal aborted,
   * already or later, or rejectAll), so that counts kept by the caller never lag behind.
   */
  wait(priority: number, signal: AbortSignal | undefined, onCancel: () => void, again = false, id?: string): Promise<void> {
    if (signal?.aborted) {
      onCancel();
      return Promise.reject(signal.reason);
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { priority, id, resolve, reject, cleanup: undefined, onCancel };
      if (signal) {
        const abort = () => {
          const k = this.waiters.indexOf(waiter);
          if (k >= 0) this.waiters.splice(k, 1);
          onCancel();
          reject(signal.reason);
        };
        signal.addEventListener('abort', abort, { once: true });
        waiter.cleanup = () => signal.removeEventListener('abort', abort);
      }
      this.insert(waiter, again);
    });
  }

  private insert(waiter: Waiter, again: boolean): void {
    const last = this.waiters[this.waiters.length - 1];
    // The common case (same priority, first wait) appends in O(1).
    if (!again && (!last || last.priority >= waiter.priority)) this.waiters.push(waiter);
    else {
      const at = this.waiters.findIndex((w) => (again ? w.priority <= waiter.priority : w.priority < waiter.priority));
      this.waiters.splice(at < 0 ? this.waiters.length : at, 0, waiter);
    }
  }

  /** setPriority(): move the waiting call with this id (to the back of its new priority). */
  move(id: string, priority: number): boolean {
    const k = this.waiters.findIndex((w) => w.id === id);
    if (k < 0) return false;
    const [waiter] = this.waiters.splice(k, 1) as [Waiter];
    waiter.priority = priority;
    this.insert(waiter, false);
    return true;
  }

  /** Let the first `n` go on; returns how many did. */
  release(n = Infinity): number {
    const out = this.waiters.splice(0, Math.min(n, this.waiters.length));
    for (const w of out) {
      w.cleanup?.();
      w.resolve();
    }
    return out.length;
  }

  rejectAll(reason: unknown): number {
    const out = this.waiters.splice(0);
    for (const w of out) {
      w.cleanup?.();
      w.onCancel();
      w.reject(reason);
    }
    return out.length;
  }
}
