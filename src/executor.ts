/**
 * The one contract every executor implements, so code, tests and benchmarks
 * can swap `loop()`, `threads()`, `processes()`, `auto()` for one another.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { Percentiles } from './stats.js';
import type { Task, TaskRef, TaskFunction, ContextTask, NoInputNeeded } from './task.js';
import { mapInputs, type MapOptions, type Settled } from './map.js';
import { intOption, boolOption, knownOptions, msOption, signalOption, transferOption } from './options.js';
import { InvalidOptionError } from './errors.js';
import { QueueControlled, type QueueControl } from './control.js';

export type { MapOptions, Progress, Settled } from './map.js';
export type { QueueControl, ExecutorEvents, WorkerInfo, WorkerExit, WorkerExitReason } from './control.js';

/** Which executor: `stats().kind` and `executor.kind`. */
export type ExecutorKind = 'loop' | 'threads' | 'processes' | 'auto' | 'cluster';

/** Options of one `run()`. */
export interface RunOptions {
  /** Cancels the task: removed at once if queued; aborted (then stopped) if running. */
  signal?: AbortSignal;
  /** Milliseconds from the start of running (not from queueing). */
  timeout?: number;
  /** Higher runs first; FIFO within a priority. Default 0. */
  priority?: number;
  /** Transferable objects in the input to move rather than copy (threads, processes ignore it). */
  transfer?: TransferListItem[];
  /** A name for this run while it waits, so `setPriority(id, n)` can find it (p-queue's `id`). */
  id?: string;
  /** Receives what the task sends with `context.emit(message)`, in order, before the run settles. */
  onMessage?: (message: unknown) => void;
}

/** Options of `close()`. Default: drain, however long it takes. */
export interface CloseOptions {
  /** Cancel queued and running tasks instead of draining them. */
  cancel?: boolean;
  /** Milliseconds to wait for draining before cancelling what is left. */
  timeout?: number;
}

/**
 * An immutable snapshot from `stats()`; counts since the executor was created.
 *
 * One definition for every executor (the contract suite asserts it): at every snapshot
 *
 *     submitted = completed + failed + cancelled + queued + running
 *
 * — each accepted call is in exactly one of the five buckets.
 */
export interface ExecutorStats {
  /** Which executor. */
  readonly kind: ExecutorKind;
  /**
   * Calls accepted. A call rejected at the door is not counted: bad options or task, a closed
   * or broken executor, a full queue. A call whose signal had already aborted is counted (as
   * submitted and cancelled): it was made, and its outcome is a cancellation.
   */
  readonly submitted: number;
  /** Resolved. */
  readonly completed: number;
  /**
   * Rejected by the task itself: it threw or rejected, its worker crashed (see `crashed`), its
   * input or output could not be cloned, its module did not load, or the pool broke.
   */
  readonly failed: number;
  /**
   * Stopped by boundwise aborting the task's signal: its own signal or an enclosing scope
   * (withTimeout, withDeadline, group) aborted, **its `timeout` passed (a TimeoutError counts
   * here, on every executor)**, or close({ cancel }) / close({ timeout }) cancelled it.
   */
  readonly cancelled: number;
  /** Tasks that failed because their worker died. */
  readonly crashed: number;
  /** Accepted and not started (including a loop() task waiting for its rate limit). */
  readonly queued: number;
  /**
   * Started and not settled. A task cancelled while running is counted in `cancelled` at once,
   * even while its code (loop) or its worker (during cancelGrace) is still busy with it.
   */
  readonly running: number;
  /** Threads or processes alive (1 for the event loop). */
  readonly workers: number;
  /** Share of worker capacity spent running tasks since creation, 0..1. */
  readonly utilization: number;
  /** Run time (ms), start of running to settlement. */
  readonly runTime: Percentiles;
  /** Wait time (ms), submission to start of running. */
  readonly waitTime: Percentiles;
  /** Milliseconds since the executor was created. */
  readonly uptime: number;
}

/** The contract every executor implements: code, tests and benchmarks can swap one for another. */
export interface Executor<S extends ExecutorStats = ExecutorStats> {
  /** Which executor this is. */
  readonly kind: ExecutorKind;
  /**
   * Run one task. A reference or a function given an input gets `(input, context)`;
   * a closure given no input gets `(context)`. Leaving the input out type-checks only
   * for tasks whose input is optional.
   */
  run<O>(task: ContextTask<O>, input?: undefined, options?: RunOptions): Promise<O>;
  /** Run a function with an input: it gets `(input, context)`. */
  run<I, O>(task: TaskFunction<I, O>, input: I, options?: RunOptions): Promise<O>;
  /** Run a task reference (an export of a module) with an input of its type: it gets `(input, context)`. */
  run<I, O>(task: TaskRef<I, O>, input: NoInfer<I>, options?: RunOptions): Promise<O>;
  /** Run a task reference without an input: allowed only when its input is optional. */
  run<I, O>(task: TaskRef<I, O> & NoInputNeeded<I>, input?: undefined, options?: RunOptions): Promise<O>;
  /** Run any task with an input of its type. */
  run<I, O>(task: Task<I, O>, input: NoInfer<I>, options?: RunOptions): Promise<O>;
  /**
   * Run the task on every input, pulled lazily: results in input order (`ordered: false`:
   * as they finish); an error surfaces when its result is reached.
   */
  map<I, O>(task: Task<I, O>, inputs: Iterable<I> | AsyncIterable<I>, options?: MapOptions): AsyncIterable<O>;
  /** An immutable snapshot of counts, queue and run/wait percentiles. */
  stats(): S;
  /** Drain (or with `cancel: true`, cancel) and stop; afterwards nothing is left running and `run()` rejects. */
  close(options?: CloseOptions): Promise<void>;
  /** `await using`: the same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

export type { Task, TaskRef, TaskFunction };

const RUN_OPTIONS = ['signal', 'timeout', 'priority', 'transfer', 'id', 'onMessage'] as const;
const MAP_OPTIONS = ['concurrency', 'ordered', 'chunkSize', 'signal', 'timeout', 'priority', 'onProgress'] as const;
const CLOSE_OPTIONS = ['cancel', 'timeout'] as const;

/** Validate per-run options; cheap when there are none (the common hot path). */
export function checkRunOptions(owner: string, options: RunOptions | undefined): void {
  if (options === undefined) return;
  knownOptions(owner, options, RUN_OPTIONS);
  signalOption(owner, options.signal);
  msOption(owner, 'timeout', options.timeout, Infinity);
  if (options.priority !== undefined) intOption(owner, 'priority', options.priority, 0, { min: -1e6, max: 1e6 });
  if (options.onMessage !== undefined && typeof options.onMessage !== 'function') {
    throw new InvalidOptionError('onMessage', `${owner}: option "onMessage" must be a function, got ${typeof options.onMessage}`);
  }
  if (options.id !== undefined && typeof options.id !== 'string') {
    throw new InvalidOptionError('id', `${owner}: option "id" must be a string, got ${typeof options.id}`);
  }
  transferOption(owner, options.transfer);
}

/** The executor-wide defaults every executor accepts (`timeout`, `priority`, `autoStart`), validated alike. */
export interface RunDefaults {
  /** Default timeout (ms) of every task; a run's own `timeout` replaces it. Default Infinity. */
  timeout?: number;
  /** Default priority of every task; a run's own `priority` replaces it. Default 0. */
  priority?: number;
  /** false: start paused (nothing runs until resume()), p-queue's `autoStart`. Default true. */
  autoStart?: boolean;
}

export const RUN_DEFAULT_OPTIONS = ['timeout', 'priority', 'autoStart'] as const;

export function parseRunDefaults(owner: string, o: RunDefaults): { timeout: number; priority: number; autoStart: boolean } {
  return {
    timeout: msOption(owner, 'timeout', o.timeout, Infinity),
    priority: intOption(owner, 'priority', o.priority, 0, { min: -1e6, max: 1e6 }),
    autoStart: boolOption(owner, 'autoStart', o.autoStart, true),
  };
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
 * queue control and events (control.ts), and `await using` support.
 * Subclasses implement run, stats and close, and answer control.ts's questions.
 */
export abstract class BaseExecutor<S extends ExecutorStats = ExecutorStats> extends QueueControlled implements Executor<S>, QueueControl {
  abstract readonly kind: ExecutorKind;

  protected ownerName(): string {
    return this.kind;
  }

  /** Apply `timeout` / `priority` / `autoStart` given to the executor. */
  protected useDefaults(d: { timeout: number; priority: number; autoStart: boolean }): void {
    this.defaultTimeout = d.timeout;
    this.defaultPriority = d.priority;
    this.paused = !d.autoStart;
  }

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

  /** {@inheritDoc Executor.map} */
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

  /** `await using`: the same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
