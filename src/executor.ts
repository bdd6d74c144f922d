/**
 * The one contract every executor implements, so code, tests and benchmarks
 * can swap `loop()`, `threads()`, `processes()`, `auto()` for one another.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { Percentiles } from './stats.js';
import type { Task, TaskRef, TaskFunction, ContextTask, NoInputNeeded } from './task.js';
import { mapInputs, type MapOptions, type Settled } from './map.js';
import { intOption, boolOption, knownOptions, msOption, signalOption } from './options.js';

export type { MapOptions, Progress, Settled } from './map.js';

export type ExecutorKind = 'loop' | 'threads' | 'processes' | 'auto' | 'cluster';

export interface RunOptions {
  /** Cancels the task: removed at once if queued; aborted (then stopped) if running. */
  signal?: AbortSignal;
  /** Milliseconds from the start of running (not from queueing). */
  timeout?: number;
  /** Higher runs first; FIFO within a priority. Default 0. */
  priority?: number;
  /** Transferable objects in the input to move rather than copy (threads, processes ignore it). */
  transfer?: TransferListItem[];
}

export interface CloseOptions {
  /** Cancel queued and running tasks instead of draining them. */
  cancel?: boolean;
  /** Milliseconds to wait for draining before cancelling what is left. */
  timeout?: number;
}

export interface ExecutorStats {
  readonly kind: ExecutorKind;
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Tasks that failed because their worker died. */
  readonly crashed: number;
  readonly queued: number;
  readonly running: number;
  /** Threads or processes alive (1 for the event loop). */
  readonly workers: number;
  /** Share of worker capacity spent running tasks since creation, 0..1. */
  readonly utilization: number;
  /** Run time (ms), start of running to settlement. */
  readonly runTime: Percentiles;
  /** Wait time (ms), submission to start of running. */
  readonly waitTime: Percentiles;
  readonly uptime: number;
}

export interface Executor<S extends ExecutorStats = ExecutorStats> {
  readonly kind: ExecutorKind;
  /**
   * Run one task. A reference or a function given an input gets `(input, context)`;
   * a closure given no input gets `(context)`. Leaving the input out type-checks only
   * for tasks whose input is optional.
   */
  run<O>(task: ContextTask<O>, input?: undefined, options?: RunOptions): Promise<O>;
  run<I, O>(task: TaskFunction<I, O>, input: I, options?: RunOptions): Promise<O>;
  run<I, O>(task: TaskRef<I, O>, input: NoInfer<I>, options?: RunOptions): Promise<O>;
  run<I, O>(task: TaskRef<I, O> & NoInputNeeded<I>, input?: undefined, options?: RunOptions): Promise<O>;
  run<I, O>(task: Task<I, O>, input: NoInfer<I>, options?: RunOptions): Promise<O>;
  map<I, O>(task: Task<I, O>, inputs: Iterable<I> | AsyncIterable<I>, options?: MapOptions): AsyncIterable<O>;
  stats(): S;
  close(options?: CloseOptions): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export type { Task, TaskRef, TaskFunction };

const RUN_OPTIONS = ['signal', 'timeout', 'priority', 'transfer'] as const;
const MAP_OPTIONS = ['concurrency', 'ordered', 'chunkSize', 'signal', 'timeout', 'priority', 'onProgress'] as const;
const CLOSE_OPTIONS = ['cancel', 'timeout'] as const;

/** Validate per-run options; cheap when there are none (the common hot path). */
export function checkRunOptions(owner: string, options: RunOptions | undefined): void {
  if (options === undefined) return;
  knownOptions(owner, options, RUN_OPTIONS);
  signalOption(owner, options.signal);
  msOption(owner, 'timeout', options.timeout, Infinity);
  if (options.priority !== undefined) intOption(owner, 'priority', options.priority, 0, { min: -1e6, max: 1e6 });
}

export function checkMapOptions(owner: string, options: MapOptions | undefined): void {
  if (options === undefined) return;
  knownOptions(owner, options, MAP_OPTIONS);
  intOption(owner, 'concurrency', options.concurrency, 1, { min: 1 });
  intOption(owner, 'chunkSize', options.chunkSize, 1, { min: 1, max: 1_000_000 });
  boolOption(owner, 'ordered', options.ordered, true);
  signalOption(owner, options.signal);
  msOption(owner, 'timeout', options.timeout, Infinity);
}

export function checkCloseOptions(owner: string, options: CloseOptions | undefined): void {
  if (options === undefined) return;
  knownOptions(owner, options, CLOSE_OPTIONS);
  boolOption(owner, 'cancel', options.cancel, false);
  msOption(owner, 'timeout', options.timeout, Infinity);
}

/**
 * What executors share: `map()` on top of `run()` (and an optional chunk path),
 * and `await using` support. Subclasses implement run, stats and close.
 */
export abstract class BaseExecutor<S extends ExecutorStats = ExecutorStats> implements Executor<S> {
  abstract readonly kind: ExecutorKind;
  abstract run<I, O>(task: Task<I, O>, input?: I, options?: RunOptions): Promise<O>;
  abstract stats(): S;
  abstract close(options?: CloseOptions): Promise<void>;

  /**
   * How many units `map()` keeps in flight by default: enough to keep every worker
   * busy. Asked again as the map goes on (auto() answers by where the task runs now).
   */
  protected abstract defaultMapConcurrency(task: Task): number;

  /** Override to send several inputs in one message; the default runs them one by one. */
  protected runChunk?<I, O>(task: Task<I, O>, inputs: I[], options: RunOptions): Promise<Settled<O>[]>;

  map<I, O>(task: Task<I, O>, inputs: Iterable<I> | AsyncIterable<I>, options: MapOptions = {}): AsyncIterable<O> {
    checkMapOptions(`${this.kind}().map()`, options);
    const fixed = options.concurrency;
    const concurrency = fixed !== undefined ? () => fixed : () => this.defaultMapConcurrency(task as Task);
    const runOptions = (signal: AbortSignal): RunOptions => {
      const o: RunOptions = { signal };
      if (options.timeout !== undefined) o.timeout = options.timeout;
      if (options.priority !== undefined) o.priority = options.priority;
      return o;
    };
    const hasChunk = this.runChunk !== undefined && (options.chunkSize ?? 1) > 1;
    return mapInputs<I, O>(
      {
        one: (input, signal) => this.run(task, input, runOptions(signal)),
        chunk: hasChunk ? (items, signal) => this.runChunk!<I, O>(task, items, runOptions(signal)) : undefined,
      },
      inputs,
      concurrency,
      options,
    );
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
