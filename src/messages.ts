/**
 * A task's messages as an async iterable: `messages(executor, t.x, input)` runs the
 * task and yields what it sends with `context.emit()`, in order; the loop ends when
 * the task settles, and its error is thrown from the loop. The result is on
 * `.result`. Built on `run(…, { onMessage })`, so it works on every executor
 * (and on a user's own) without a line in any of them.
 *
 *   task ──emit(m)──▶ onMessage ──▶ buffer ──next()──▶ for await (const m of call)
 *   task settles ───────────────────▶ done (ok) │ throw (error)
 *
 * Messages that arrive before the loop asks for them are buffered (the task decides
 * how many it sends). Leaving the loop early (`break`) stops buffering; the task goes
 * on: cancel it with a `signal`.
 */
import type { Executor, RunOptions } from './executor.js';
import type { Task, TaskContext, TaskRef } from './task.js';

/** A running task's messages (`for await`) and its outcome (`result`). */
export interface TaskCall<O, M = unknown> extends AsyncIterable<M> {
  /** What `run()` returns for the same call: the task's output, or its error. */
  readonly result: Promise<O>;
}

/** Where messages() runs the task: any executor (only its `run` is used). */
export type MessageSource = Pick<Executor, 'run'>;

/**
 * Run `task` on `executor` and iterate over its messages:
 * `for await (const m of messages(pool, t.x, input)) …`, then `await call.result`.
 * The message type comes from the task's `TaskContext<M>` parameter. `options` are
 * run()'s; an `onMessage` among them is called too.
 */
export function messages<I, O, M = unknown>(
  executor: MessageSource,
  task: TaskRef<I, O, M> | ((input: I, context: TaskContext<M>) => O | Promise<O>),
  input: NoInfer<I>,
  options?: RunOptions,
): TaskCall<O, M> {
  const buffer: M[] = [];
  let listening = true;
  let settled: { ok: true } | { ok: false; error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const own = options?.onMessage;
  const run = executor.run as (task: Task, input: unknown, options: RunOptions) => Promise<O>;
  const result = run.call(executor, task as Task, input, {
    ...options,
    onMessage: (message) => {
      own?.(message);
      if (!listening) return;
      buffer.push(message as M);
      wake?.();
    },
  });
  const done = (outcome: NonNullable<typeof settled>) => {
    settled = outcome;
    wake?.();
  };
  // Handled here, so a caller who only iterates (and sees the error there) has no unhandled rejection.
  result.then(
    () => done({ ok: true }),
    (error: unknown) => done({ ok: false, error }),
  );
  const iterator: AsyncIterator<M> & AsyncIterable<M> = {
    async next(): Promise<IteratorResult<M>> {
      for (;;) {
        if (buffer.length > 0) return { done: false, value: buffer.shift() as M };
        if (!listening) return { done: true, value: undefined };
        if (settled) {
          listening = false;
          if (!settled.ok) throw settled.error;
          return { done: true, value: undefined };
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    async return(): Promise<IteratorResult<M>> {
      listening = false;
      buffer.length = 0;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return { result, [Symbol.asyncIterator]: () => iterator };
}
