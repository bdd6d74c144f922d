/**
 * `threads()`: a pool of worker threads for calculating and for blocking calls.
 * In Node, unlike under Python's GIL, worker threads run JavaScript truly in
 * parallel, one event loop each.
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { Pool, type PoolStats } from '../pool/pool.js';
import { intOption, knownOptions, msOption, objectOption, stringArrayOption } from '../options.js';
import { OptionRangeError } from '../errors.js';
import { ThreadTransport } from './transport.js';

export interface ThreadsOptions {
  /** Threads kept alive even when idle. Default 0. */
  min?: number;
  /** Most threads at once. Default: available parallelism. */
  max?: number;
  /** ms an idle thread above `min` lives before it exits. Default 10,000. */
  idleTimeout?: number;
  /** Most tasks waiting (not running); more reject with QueueFullError. Default Infinity. */
  maxQueue?: number;
  /** ms a cancelled or timed-out task has to notice its signal before its thread is terminated. Default 1,000. */
  cancelGrace?: number;
  /** Replace a thread after this many tasks (contain slow leaks). Default Infinity. */
  maxTasksPerWorker?: number;
  /** Heap limits per thread; a thread that exceeds them fails its task with WorkerCrashedError. */
  resourceLimits?: ResourceLimits;
  /** Environment of the threads (a copy); default: the parent's. */
  env?: Record<string, string | undefined>;
  /** Node flags of the threads; default: the parent's (so `--import tsx` is inherited). */
  execArgv?: string[];
  /** Passed to every thread as `workerData` from node:worker_threads. */
  workerData?: unknown;
}

const KNOWN = [
  'min',
  'max',
  'idleTimeout',
  'maxQueue',
  'cancelGrace',
  'maxTasksPerWorker',
  'resourceLimits',
  'env',
  'execArgv',
  'workerData',
] as const;

export type ThreadsStats = PoolStats;

export class ThreadPool extends Pool<ThreadsStats> {
  readonly kind = 'threads' as const;
}

export function threads(options: ThreadsOptions = {}): ThreadPool {
  const owner = 'threads()';
  knownOptions(owner, options, KNOWN);
  const max = intOption(owner, 'max', options.max, availableParallelism(), { min: 1, max: 1024 });
  const min = intOption(owner, 'min', options.min, 0, { min: 0, max: 1024 });
  if (min > max) throw new OptionRangeError('min', `${owner}: option "min" (${min}) must not exceed "max" (${max})`);
  const resourceLimits = objectOption<ResourceLimits>(owner, 'resourceLimits', options.resourceLimits);
  if (resourceLimits) {
    for (const [k, v] of Object.entries(resourceLimits)) intOption(owner, `resourceLimits.${k}`, v, 0, { min: 1 });
  }
  return new ThreadPool({
    owner,
    min,
    max,
    idleTimeout: msOption(owner, 'idleTimeout', options.idleTimeout, 10_000),
    maxQueue: intOption(owner, 'maxQueue', options.maxQueue, Infinity, { min: 0, max: Infinity }),
    cancelGrace: msOption(owner, 'cancelGrace', options.cancelGrace, 1_000),
    maxTasksPerWorker: intOption(owner, 'maxTasksPerWorker', options.maxTasksPerWorker, Infinity, { min: 1, max: Infinity }),
    maxMemoryMb: Infinity,
    startAttempts: 3,
    transport: new ThreadTransport({
      resourceLimits,
      env: objectOption(owner, 'env', options.env),
      execArgv: stringArrayOption(owner, 'execArgv', options.execArgv),
      workerData: options.workerData,
    }),
  });
}
