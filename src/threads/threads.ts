/**
 * `threads()`: a pool of worker threads for calculating and for blocking calls.
 * In Node, unlike under Python's GIL, worker threads run JavaScript truly in
 * parallel, one event loop each.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { Pool, type PoolStats } from '../pool/pool.js';
import { RUN_DEFAULT_OPTIONS } from '../executor.js';
import { commonPoolConfig } from '../pool/options.js';
import { cloneableOption, envOption, intOption, knownOptions, objectOption, stringArrayOption } from '../options.js';
import { ThreadTransport } from './transport.js';

/** Options of threads(options). Unknown keys throw InvalidOptionError. */
export interface ThreadsOptions {
  /** Threads kept alive even when idle. Default 0. */
  min?: number;
  /** Most threads at once. Default: available parallelism. Between 0 and 1: a share of the cores, rounded down, at least 1 (`0.5` = half). */
  max?: number;
  /** ms an idle thread above `min` lives before it exits. Default 10,000. */
  idleTimeout?: number;
  /** Most tasks waiting (not running); more reject with QueueFullError. Default Infinity. */
  maxQueue?: number;
  /**
   * Tasks one thread runs at once (piscina's and tinypool's name): for async tasks that mostly wait,
   * so that a wait does not hold a whole thread. Each task is sent alone (no batching); the pool's
   * capacity is \`max\` × this. If the thread crashes, every task it was running fails with
   * WorkerCrashedError. An integer ≥ 1; default 1.
   */
  concurrentTasksPerWorker?: number;
  /**
   * ms a stopping thread's task modules have to finish their \`teardown()\` (close(), recycling, idle
   * reaping, resize, maxTasks, memory); then it is stopped anyway. A teardown that throws or outruns
   * this is reported as the 'teardownError' event (a process warning when nobody listens) and in
   * \`stats().teardownFailures\`. Finite; default 3,000.
   */
  teardownTimeout?: number;
  /** ms a cancelled or timed-out task has to notice its signal before its thread is terminated. Default 1,000. */
  cancelGrace?: number;
  /** Replace a thread after this many tasks (contain slow leaks). Default Infinity. */
  maxTasksPerWorker?: number;
  /**
   * Replace a thread between tasks once its heap used passes this many MB (V8's used heap size of
   * the thread, which includes garbage not yet collected; reported by the thread with each answer).
   * The thread finishes its task first; it exits with workerExit reason 'memory'. Default Infinity.
   */
  maxMemoryMb?: number;
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
  ...RUN_DEFAULT_OPTIONS,
  'min',
  'max',
  'idleTimeout',
  'maxQueue',
  'concurrentTasksPerWorker',
  'teardownTimeout',
  'cancelGrace',
  'maxTasksPerWorker',
  'maxMemoryMb',
  'resourceLimits',
  'env',
  'execArgv',
  'workerData',
] as const;

/** The keys of Node's ResourceLimits. */
const RESOURCE_LIMITS = ['maxYoungGenerationSizeMb', 'maxOldGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const;

/** threads()' stats(): the pool figures ({@link PoolStats}). */
export type ThreadsStats = PoolStats;

/** The worker-thread pool threads() returns; create it with threads(options). */
export class ThreadPool extends Pool<ThreadsStats> {
  /** Always 'threads'. */
  readonly kind = 'threads' as const;
}

/**
 * A pool of worker threads, for CPU work and blocking calls: in Node they run JavaScript
 * truly in parallel, one event loop each. Tasks are task references (a module's named
 * exports, loaded in each thread); `min` threads start at once, more on demand up to `max`.
 *
 * @throws InvalidOptionError (`ERR_BOUNDWISE_INVALID_OPTION`) for an unknown or invalid option.
 */
export function threads(options: ThreadsOptions = {}): ThreadPool {
  const owner = 'threads()';
  knownOptions(owner, options, KNOWN);
  const common = commonPoolConfig(owner, options);
  const resourceLimits = objectOption<ResourceLimits>(owner, 'resourceLimits', options.resourceLimits);
  if (resourceLimits) {
    // A misspelt limit (maxOldSpaceSizeMb) would otherwise be ignored by Node without a word.
    knownOptions(owner, resourceLimits, RESOURCE_LIMITS, 'resourceLimits');
    for (const [k, v] of Object.entries(resourceLimits)) intOption(owner, `resourceLimits.${k}`, v, 0, { min: 1 });
  }
  // Everything is validated before anything starts (the pool spawns `min` threads at once).
  const maxTasksPerWorker = intOption(owner, 'maxTasksPerWorker', options.maxTasksPerWorker, Infinity, { min: 1, max: Infinity });
  const maxMemoryMb = intOption(owner, 'maxMemoryMb', options.maxMemoryMb, Infinity, { min: 1, max: Infinity });
  const transport = {
    resourceLimits,
    env: envOption(owner, 'env', options.env),
    execArgv: stringArrayOption(owner, 'execArgv', options.execArgv),
    workerData: cloneableOption(owner, 'workerData', options.workerData),
    reportHeap: maxMemoryMb !== Infinity,
  };
  return new ThreadPool({
    ...common,
    maxTasksPerWorker,
    maxMemoryMb,
    transport: new ThreadTransport(transport),
  });
}
