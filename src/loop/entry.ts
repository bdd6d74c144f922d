/**
 * One submitted task of the loop executor, from `run()` to settlement.
 *
 *   QUEUED ──▶ RUNNING ──▶ DONE   (a rate-limited head stays QUEUED, in the line)
 *      └──────────── abort / close({ cancel }) ─────────────────────────────▶ DONE
 *
 * `settled` is separate from the state: a running task whose signal aborted
 * (or whose timeout passed) has its `run()` rejected at once, but JavaScript
 * cannot be stopped from outside, so it keeps its slot until its code settles.
 */
import { AsyncResource } from 'node:async_hooks';
import { threadId } from 'node:worker_threads';
import type { Queued } from '../queue.js';
import type { Task, TaskContext } from '../task.js';
import { abortError } from '../errors.js';

export const QUEUED = 0;
export const RUNNING = 2;
export const DONE = 3;

/** What only some entries need: kept out of Entry so the common entry stays small. */
export class Extra {
  /** The run's own signal combined with the ambient scope's (effectiveSignal). */
  source: AbortSignal | undefined = undefined;
  /** Listener on `source`, removed as soon as the entry settles. */
  onAbort: (() => void) | undefined = undefined;
  timeout = Infinity;
  timer: unknown = undefined;
  /** Created only when the task reads `context.signal`. */
  controller: AbortController | undefined = undefined;
  /** Why the task was aborted; undefined until then. */
  reason: unknown = undefined;
  /** run(…, { id }): the name setPriority() finds it by. */
  id: string | undefined = undefined;
  /** run(…, { onMessage }). */
  onMessage: ((message: unknown) => void) | undefined = undefined;
}

/**
 * Also the task's context: `signal` is a getter whose AbortController is only
 * created when the task reads it, so tasks that never look at it cost no
 * controller at all, and reusing the entry saves one allocation per task.
 * This object is the hot path of the 200k-tasks/s benchmark (up to 200k of
 * them wait at once, and what survives costs garbage-collector time): keep it small.
 */
export class Entry extends AsyncResource implements Queued, TaskContext {
  removed = false;
  state = QUEUED;
  /** The caller's promise has been resolved or rejected. */
  settled = false;
  /** Index in the executor's array of running entries. */
  slot = -1;
  /**
   * The task waited in the queue, so it starts from some other task's
   * completion and must run in its caller's async context (AsyncLocalStorage
   * stores, the ambient scope) — which this entry captured when it was made:
   * the entry is itself the AsyncResource, one object instead of two, since
   * 200k entries may wait at once. A task that starts inside run() needs none.
   */
  waited = false;
  x: Extra | undefined = undefined;
  startedAt = 0;

  constructor(
    readonly task: Task,
    readonly input: unknown,
    /** Submission time. */
    readonly at: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {
    super('boundwise.loop');
  }

  extra(): Extra {
    return (this.x ??= new Extra());
  }

  /** The task's `context.signal`. */
  get signal(): AbortSignal {
    const x = this.extra();
    if (x.controller === undefined) {
      x.controller = new AbortController();
      if (x.reason !== undefined) x.controller.abort(x.reason);
    }
    return x.controller.signal;
  }

  /**
   * context.emit(): straight to the caller's onMessage, while the run is not settled. A getter
   * so that `({ emit }) => …` works, and the closure is made only for tasks that use it.
   */
  get emit(): (message: unknown) => void {
    return (message) => {
      if (!this.settled) this.x?.onMessage?.(message);
    };
  }
  get workerId(): number {
    return 0;
  }
  get threadId(): number {
    return threadId;
  }
  get pid(): number {
    return process.pid;
  }

  /** Abort the task's signal (if it ever asked for one). */
  abortTask(reason: unknown): void {
    const x = this.extra();
    if (x.reason !== undefined) return;
    x.reason = reason ?? abortError();
    x.controller?.abort(x.reason);
  }

  get abortReason(): unknown {
    return this.x?.reason;
  }
}
