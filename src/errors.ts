/**
 * Every error class boundwise throws. Each has a stable `code` so callers can
 * branch without parsing messages, a message that names the bad value and says
 * what to do, and `cause` where there is one.
 *
 * Kept apart on purpose:
 * - misuse        → InvalidOptionError (TypeError) / OptionRangeError (RangeError)
 * - breakage      → WorkerCrashedError, ExecutorBrokenError
 * - capacity      → QueueFullError, QueueClearedError (the caller's own clear())
 * - lifecycle     → ExecutorClosedError
 * - bad task I/O  → TaskInputError, TaskOutputError, TaskNotFoundError
 * - module hooks  → TaskSetupError (fails the tasks), TeardownError (reported, never thrown)
 * - pipelines     → PipelineError (which stage, which item; the task's error as cause)
 * - cancellation  → the signal's own `reason` (AbortError / TimeoutError DOMExceptions)
 */

/** Every `code` a boundwise error carries; stable across versions, so branch on it rather than on messages. */
export type BoundwiseErrorCode =
  | 'ERR_BOUNDWISE_INVALID_OPTION'
  | 'ERR_BOUNDWISE_OPTION_RANGE'
  | 'ERR_BOUNDWISE_CLOSED'
  | 'ERR_BOUNDWISE_QUEUE_FULL'
  | 'ERR_BOUNDWISE_QUEUE_CLEARED'
  | 'ERR_BOUNDWISE_WORKER_CRASHED'
  | 'ERR_BOUNDWISE_EXECUTOR_BROKEN'
  | 'ERR_BOUNDWISE_TASK_INPUT'
  | 'ERR_BOUNDWISE_TASK_OUTPUT'
  | 'ERR_BOUNDWISE_TASK_NOT_FOUND'
  | 'ERR_BOUNDWISE_TASK_GROUP'
  | 'ERR_BOUNDWISE_PIPELINE'
  | 'ERR_BOUNDWISE_TASK_SETUP'
  | 'ERR_BOUNDWISE_TEARDOWN'
  | 'ERR_BOUNDWISE_CLUSTER_UNAVAILABLE';

/** The standard `{ cause }` of `new Error(message, options)`. */
export interface ErrorOptionsWithCause {
  /** The error this one was caused by. */
  cause?: unknown;
}

/** The base class of boundwise's own errors (the option errors extend TypeError/RangeError instead). */
export class BoundwiseError extends Error {
  /** Stable error code, `'ERR_BOUNDWISE_…'`. */
  readonly code: BoundwiseErrorCode;
  constructor(code: BoundwiseErrorCode, message: string, options?: ErrorOptionsWithCause) {
    super(message, options);
    this.code = code;
  }
  /** The class name, so it survives the trip back from a worker and shows in logs. */
  override get name(): string {
    return this.constructor.name;
  }
}

/** An option of the wrong type: `threads({ max: 'two' })`. */
export class InvalidOptionError extends TypeError {
  /** Always `'ERR_BOUNDWISE_INVALID_OPTION'`. */
  readonly code = 'ERR_BOUNDWISE_INVALID_OPTION' as const;
  /** The option's name, e.g. `max`, or a path such as `rate.limit`. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
  /** The class name, so it survives the trip back from a worker and shows in logs. */
  override get name(): string {
    return 'InvalidOptionError';
  }
}

/** An option of the right type but outside its range: `threads({ max: 0 })`. */
export class OptionRangeError extends RangeError {
  /** Always `'ERR_BOUNDWISE_OPTION_RANGE'`. */
  readonly code = 'ERR_BOUNDWISE_OPTION_RANGE' as const;
  /** The option's name, e.g. `max`, or a path such as `rate.limit`. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
  /** The class name, so it survives the trip back from a worker and shows in logs. */
  override get name(): string {
    return 'OptionRangeError';
  }
}

/** `run()` after `close()` began. */
export class ExecutorClosedError extends BoundwiseError {
  constructor(kind: string) {
    super('ERR_BOUNDWISE_CLOSED', `${kind}(): the executor is closed; create a new one to run more tasks`);
  }
}

/** The bounded queue (`maxQueue`) is full. Capacity, not breakage: retry later or raise maxQueue. */
export class QueueFullError extends BoundwiseError {
  /** The executor's `maxQueue` option that was reached. */
  readonly maxQueue: number;
  constructor(kind: string, maxQueue: number) {
    super(
      'ERR_BOUNDWISE_QUEUE_FULL',
      `${kind}(): the queue is full (maxQueue: ${maxQueue}); wait for tasks to finish or raise maxQueue`,
    );
    this.maxQueue = maxQueue;
  }
}

/**
 * The task was still waiting when `clear()` dropped the queue (p-limit's
 * `clearQueue()` with `rejectOnClear`). It never started.
 */
export class QueueClearedError extends BoundwiseError {
  constructor(kind: string) {
    super('ERR_BOUNDWISE_QUEUE_CLEARED', `${kind}(): the task was still queued when clear() was called; it did not run`);
  }
}

/** How a worker died: exited, threw an uncaught error, ran out of memory, was killed by a signal, or was terminated by the pool. */
export type CrashReason = 'exit' | 'uncaught' | 'out-of-memory' | 'signal' | 'terminated';

/** What a pool knows about a dead worker; the fields of {@link WorkerCrashedError}. */
export interface CrashDetails {
  /** Which worker: "thread 3", "process 4121". */
  worker: string;
  /** How it died. */
  reason: CrashReason;
  /** Its exit code, or null when a signal killed it. */
  exitCode?: number | null;
  /** The signal that killed it, or null. */
  signal?: NodeJS.Signals | null;
  /** The last lines the worker wrote to stderr, when they were captured. */
  stderr?: string[];
  /** The task that was running when it died, `module#export`. */
  task?: string;
  /** The error behind the crash, when there is one (an uncaught exception). */
  cause?: unknown;
  /** What happened next, when not "only this task failed and the worker was replaced". */
  aftermath?: string;
}

/** The worker running this task died. Only this task fails; the pool refills. */
export class WorkerCrashedError extends BoundwiseError {
  /** Which worker died, e.g. `thread 2`, `process 4242`. */
  readonly worker: string;
  /** How it died. */
  readonly reason: CrashReason;
  /** Its exit code, or null when a signal killed it. */
  readonly exitCode: number | null;
  /** The signal that killed it, or null. */
  readonly signal: NodeJS.Signals | null;
  /** The last lines it wrote to stderr (processes with stdio 'pipe'; empty otherwise). */
  readonly stderr: string[];
  /** The task it was running (`module#name`), if known. */
  readonly task: string | undefined;
  constructor(d: CrashDetails) {
    const how =
      d.reason === 'out-of-memory'
        ? 'ran out of memory'
        : d.reason === 'uncaught'
          ? `threw an uncaught exception${d.cause instanceof Error ? ` (${d.cause.message})` : ''}`
          : d.signal
            ? `was killed by ${d.signal}`
            : `exited with code ${d.exitCode ?? 'unknown'}`;
    const tail = d.stderr?.length ? `\nlast stderr lines:\n  ${d.stderr.join('\n  ')}` : '';
    super(
      'ERR_BOUNDWISE_WORKER_CRASHED',
      `${d.worker} ${how} while running ${d.task ?? 'a task'}; ${d.aftermath ?? 'only this task failed and the worker was replaced'}${tail}`,
      d.cause === undefined ? undefined : { cause: d.cause },
    );
    this.worker = d.worker;
    this.reason = d.reason;
    this.exitCode = d.exitCode ?? null;
    this.signal = d.signal ?? null;
    this.stderr = d.stderr ?? [];
    this.task = d.task;
  }
}

/** The executor cannot work: workers fail to start, or a task module fails to load. */
export class ExecutorBrokenError extends BoundwiseError {
  constructor(message: string, options?: ErrorOptionsWithCause) {
    super('ERR_BOUNDWISE_EXECUTOR_BROKEN', message, options);
  }
}

/** The input cannot cross to a thread or process. `path` names the bad field: `input.items[3].cb`. */
export class TaskInputError extends BoundwiseError {
  /** Where in the input the bad value is: `input.items[3].cb`. */
  readonly path: string;
  constructor(path: string, problem: string, options?: ErrorOptionsWithCause) {
    super('ERR_BOUNDWISE_TASK_INPUT', `${path}: ${problem}`, options);
    this.path = path;
  }
}

/** The task's result cannot cross back from its thread or process. */
export class TaskOutputError extends BoundwiseError {
  /** Where in the output the bad value is: `output.handle`. */
  readonly path: string;
  constructor(task: string, path: string, problem: string, options?: ErrorOptionsWithCause) {
    super('ERR_BOUNDWISE_TASK_OUTPUT', `${task} returned a value that cannot be sent back: ${path}: ${problem}`, options);
    this.path = path;
  }
}

/**
 * A task module's `setup()` threw (or rejected) in a worker: the tasks sent with it fail with
 * this error (the setup's own error as `cause`) and the worker is replaced.
 */
export class TaskSetupError extends BoundwiseError {
  /** The module URL whose setup() failed. */
  readonly module: string;
  constructor(module: string, worker: string, options?: ErrorOptionsWithCause) {
    const why = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(
      'ERR_BOUNDWISE_TASK_SETUP',
      `setup() of ${module.slice(module.lastIndexOf('/') + 1)} failed in ${worker}: ${why}; its tasks on that worker fail and the worker is replaced`,
      options,
    );
    this.module = module;
  }
}

/**
 * A task module's `teardown()` threw, or did not finish within `teardownTimeout`, when its
 * worker was stopped. Never thrown at a caller: pools emit it as the 'teardownError' event
 * (or a process warning when nobody listens) and count it in `stats().teardownFailures`.
 */
export class TeardownError extends BoundwiseError {
  /** The module URLs whose teardown() failed or was still running. */
  readonly modules: readonly string[];
  constructor(modules: readonly string[], worker: string, problem: string, options?: ErrorOptionsWithCause) {
    const names = modules.map((m) => m.slice(m.lastIndexOf('/') + 1)).join(', ');
    super('ERR_BOUNDWISE_TEARDOWN', `teardown() of ${names} in ${worker} ${problem}`, options);
    this.modules = modules;
  }
}

/**
 * The module has no such export, or it is not a function; or (with `refused`) a
 * cluster worker would not load the module at all (outside its --root, a URL, a built-in).
 */
export class TaskNotFoundError extends BoundwiseError {
  /** The module URL that was loaded. */
  readonly module: string;
  /** The export name that is not a function there. */
  readonly task: string;
  constructor(module: string, task: string, available: string[], refused?: string) {
    const list = available.length ? available.join(', ') : 'none';
    super(
      'ERR_BOUNDWISE_TASK_NOT_FOUND',
      refused !== undefined
        ? `task "${task}" of ${JSON.stringify(module)} was not loaded: ${refused}`
        : `task "${task}" is not an exported function of ${module} (exported functions: ${list})`,
    );
    this.module = module;
    this.task = task;
  }
}

/**
 * cluster(): Redis cannot be reached (or refuses the credentials) within the
 * time allowed. `url` has any password replaced by `***`; `cause` is the last
 * connection error.
 */
export class ClusterUnavailableError extends BoundwiseError {
  /** The Redis URL with any password replaced by `***` (safe to log). */
  readonly url: string;
  constructor(url: string, detail: string, options?: ErrorOptionsWithCause) {
    super('ERR_BOUNDWISE_CLUSTER_UNAVAILABLE', `cluster(): Redis at ${url} ${detail}`, options);
    this.url = url;
  }
}

/**
 * Thrown by a task group when any child failed: always one error holding every
 * failure, even a single one (asyncio's ExceptionGroup, trio's MultiError).
 */
export class TaskGroupError extends AggregateError {
  /** Always `'ERR_BOUNDWISE_TASK_GROUP'`. */
  readonly code = 'ERR_BOUNDWISE_TASK_GROUP' as const;
  constructor(errors: unknown[], message?: string) {
    super(errors, message ?? `${errors.length} task${errors.length === 1 ? '' : 's'} in the group failed`);
  }
  /** The class name, so it survives the trip back from a worker and shows in logs. */
  override get name(): string {
    return 'TaskGroupError';
  }
}

/**
 * A pipeline stage failed on one item. Fail-fast pipelines reject with it; stages
 * with `onError: 'collect'` gather it in the summary. `stage` counts from 1 (0 is
 * the source); `index` is the item's position in that stage's input, from 0.
 */
export class PipelineError extends BoundwiseError {
  /** The failing stage's position, from 0. */
  readonly stage: number;
  /** The failing stage's name. */
  readonly stageName: string;
  /** The position of the item in the pipeline's input, from 0. */
  readonly index: number;
  /** The input the stage failed on. */
  readonly item: unknown;
  constructor(stage: number, stageName: string, index: number, item: unknown, cause: unknown) {
    const why = cause instanceof Error || cause instanceof DOMException ? `${cause.name}: ${cause.message}` : String(cause);
    const where = stage === 0 ? 'the pipeline source failed after' : `pipeline stage ${stage} ${stageName} failed on item`;
    super('ERR_BOUNDWISE_PIPELINE', `${where} ${index}: ${why}`, { cause });
    this.stage = stage;
    this.stageName = stageName;
    this.index = index;
    this.item = item;
  }
}

/** The platform's own cancellation errors, as `AbortSignal.abort()` / `AbortSignal.timeout()` make them. */
export function abortError(message = 'This operation was aborted'): DOMException {
  return new DOMException(message, 'AbortError');
}

/** The `TimeoutError` DOMException boundwise rejects with when a `timeout` or deadline passes, as `AbortSignal.timeout()` does. */
export function timeoutError(message = 'The operation timed out'): DOMException {
  return new DOMException(message, 'TimeoutError');
}

/** True for the errors cancellation produces (an aborted signal's reason), which task groups do not count as failures. */
export function isCancellation(error: unknown): boolean {
  return (
    error instanceof Error || error instanceof DOMException
      ? error.name === 'AbortError' || error.name === 'TimeoutError'
      : false
  );
}
