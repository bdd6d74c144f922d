/**
 * When to send several tasks in one message. A message costs far more than a
 * tiny task, so when the queue is deep the pool sends a worker a batch of the
 * next tasks of the same kind; the worker runs them in order and answers once.
 *
 * Only plain tasks are batched: not those with a timeout (it counts from the
 * start of running, which only the worker would know), a transfer list, a
 * profile request or a chunk of their own; and not a task that was in a batch
 * whose worker died (it runs alone, so a crash is pinned on the right task).
 * A signal is fine: an aborted task in a batch is skipped or aborted by the worker.
 */
import type { Job } from './records.js';

/**
 * Most tasks in one message: enough to amortise the message, small enough to keep latency fair.
 * (A batch is also bounded to ~2 ms of work below, so only tiny tasks reach it.) 64 → 256: a burst
 * of 100,000 no-op tasks on threads() cost the main thread ~12% less CPU (fewer postMessage calls,
 * fewer answers to take apart), bench/threads.ts (a).
 */
export const MAX_BATCH = 256;

export function batchable(job: Job): boolean {
  return !job.chunk && !job.solo && job.timeout === Infinity && job.transfer === undefined && job.onProfile === undefined && job.onAsync === undefined;
}

/** A batch should take about this long at most: longer, and workers finish unevenly. */
export const BATCH_BUDGET_MS = 2;

/**
 * How many tasks to give a worker now: an equal share of the queue, at most
 * MAX_BATCH, and no more than fit in BATCH_BUDGET_MS at the task's usual run time
 * (`taskMs`, undefined while unknown). Long tasks gain nothing from batching and
 * would only be spread unevenly, so they go one by one.
 */
export function batchSize(queued: number, workers: number, taskMs: number | undefined = 0): number {
  const share = Math.floor(queued / Math.max(1, workers));
  const fit = taskMs > 0 ? Math.floor(BATCH_BUDGET_MS / taskMs) : MAX_BATCH;
  return Math.max(1, Math.min(MAX_BATCH, share, fit));
}
