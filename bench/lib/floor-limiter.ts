/**
 * The floor of bench (a): the least a concurrency limiter can do per task and
 * still keep the semantics loop() and p-limit promise — a promise per call that
 * settles later (so its two resolving functions), and, for a task that has to
 * wait, a capture of the caller's async context (one AsyncResource, the
 * cheapest public way; p-limit uses a promise chain instead). No stats, no
 * cancellation, no priorities, no validation: nobody should ship this; it shows
 * how much of loop()'s time is bookkeeping and how much is the floor. With
 * `keepContext = false` it shows what the context capture alone costs.
 */
import { AsyncResource } from 'node:async_hooks';

export function floorLimiter(concurrency: number, keepContext = true): (task: () => Promise<unknown>) => Promise<unknown> {
  let running = 0;
  const waiting: { task: () => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void; context: AsyncResource | undefined }[] = [];
  let head = 0;
  const start = (task: () => Promise<unknown>, resolve: (v: unknown) => void, reject: (e: unknown) => void): void => {
    running++;
    task().then(
      (value) => {
        resolve(value);
        next();
      },
      (error: unknown) => {
        reject(error);
        next();
      },
    );
  };
  const next = (): void => {
    running--;
    if (head < waiting.length) {
      const w = waiting[head]!;
      waiting[head++] = undefined as never;
      if (w.context === undefined) start(w.task, w.resolve, w.reject);
      else w.context.runInAsyncScope(start, null, w.task, w.resolve, w.reject);
    }
  };
  return (task) =>
    new Promise((resolve, reject) => {
      if (running < concurrency && head === waiting.length) start(task, resolve, reject);
      else waiting.push({ task, resolve, reject, context: keepContext ? new AsyncResource('floor') : undefined });
    });
}
