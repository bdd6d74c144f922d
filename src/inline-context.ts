// Apart from task.ts, which the worker runner loads: this needs node:worker_threads,
// which a child process would otherwise load at start-up for nothing.
import { threadId } from 'node:worker_threads';
import type { TaskContext } from './task.js';

/** A context for a task called directly on this thread (inline): messages go nowhere. */
export function inlineContext(signal: AbortSignal, onMessage?: (message: unknown) => void): TaskContext {
  return { signal, emit: onMessage ?? (() => {}), workerId: 0, threadId, pid: process.pid };
}
