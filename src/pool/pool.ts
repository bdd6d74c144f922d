/**
 * The worker pool behind `threads()` and `processes()`: one queue, up to `max`
 * workers. Transports (thread or child process) plug in below; everything about
 * scheduling, batching, cancellation and crashes is here.
 *
 *   run() ─▶ Job ─▶ PriorityQueue ─pump()─▶ idle Slot ─send─▶ worker (runner.ts)
 *                                            ▲                  │ ok / err / chunk / batch
 *        settle ◀─ onMessage() ◀─────────────┴──────────────────┘
 *
 *   deep queue: a worker gets a batch of the next plain tasks in one message (batch.ts).
 *   concurrentTasksPerWorker N > 1: a worker holds up to N messages (units) at once, each
 *   one task (no batches: a batch runs its tasks one after another); answers come in any
 *   order and are matched by the unit's first job id. A crash fails every task it held.
 *   abort/timeout: queued → tombstone + reject; sent → reject, 'abort' to the worker,
 *   and after `cancelGrace` ms without an answer the worker is killed.
 *   exit before 'ready' → start failure (jobs re-queued; N in a row → broken);
 *   exit with one job → it alone fails with WorkerCrashedError; refill;
 *   exit with a batch → its unanswered jobs go back to the front to run alone,
 *   so the task that crashes fails by itself and the others complete.
 *   module hooks: the worker runs a module's setup() before its first task there (a throw
 *   fails those tasks with TaskSetupError and the worker is replaced); a worker that has
 *   modules with teardown() ('hooks') is stopped with 'stop' → teardowns → 'stopped' →
 *   terminate, or terminated after teardownTimeout; failures are reported, never thrown.
 */
import { BaseExecutor, checkCloseOptions, checkRunOptions, type CloseOptions, type ExecutorStats, type RunOptions } from '../executor.js';
import type { Settled } from '../map.js';
import { PriorityQueue } from '../queue.js';
import { clearTimer, setTimer, type Timer } from '../durations.js';
import { Counters, counterStats } from '../stats.js';
import { effectiveSignal } from '../scope.js';
import { isTaskRef, taskLabel, type Task, type TaskRef, type TaskFunction, type ContextTask, type NoInputNeeded } from '../task.js';
import { deserializeError, serializeError, type SerializedError } from '../remote-error.js';
import { findUncloneable } from '../clone.js';
import type { WorkerExitReason, WorkerInfo } from '../control.js';
import { intOption, plural } from '../options.js';
import { threadTimes } from './cpu.js';
import type { EventLoopUtilization } from 'node:perf_hooks';
import {
  abortError,
  ExecutorBrokenError,
  ExecutorClosedError,
  InvalidOptionError,
  QueueFullError,
  TaskInputError,
  TaskSetupError,
  TeardownError,
  timeoutError,
  WorkerCrashedError,
  type CrashReason,
  type QueueClearedError,
} from '../errors.js';
import type { ExitInfo, Transport } from './channel.js';
import type { ChunkOutcome, FromWorker, ToWorker } from './protocol.js';
import type { CrashReport } from './attribution.js';
import { Job, Slot, type CallerTime, type SubmitExtras } from './records.js';
import { batchable, batchSize } from './batch.js';
import { TaskSampler } from './sampling.js';
import { dropSettlers, newPromise, settlers } from '../settlers.js';

export type { SubmitExtras } from './records.js';

/** What every pool adds to the executor stats. */
export interface PoolStats extends ExecutorStats {
  /** Messages that carried several tasks at once (a deep queue is sent in batches). */
  readonly batches: number;
  /** The workers alive, by the number `context.workerId` gives their tasks. */
  readonly workerIds: readonly number[];
  /**
   * Workers that died of an error thrown by a task after it had settled (a timer it left
   * behind). No task fails for it: the task the worker was running is innocent and runs again.
   */
  readonly lateCrashes: number;
  /** Workers whose task modules' teardown() threw or outran teardownTimeout (each also a 'teardownError' event). */
  readonly teardownFailures: number;
}

/** A pool's settings once its options are validated (threads() and processes() build it). */
export interface PoolConfig {
  /** "threads()" or "processes()", for messages. */
  owner: string;
  min: number;
  max: number;
  idleTimeout: number;
  maxQueue: number;
  /** ms a cancelled running task has to settle before its worker is killed. */
  cancelGrace: number;
  maxTasksPerWorker: number;
  /** Recycle a worker between tasks once its memory passes this (processes: resident memory; threads: heap used). */
  maxMemoryMb: number;
  /** Units (runs, batches, chunks) a worker holds at once (concurrentTasksPerWorker); 1: one at a time. */
  concurrent: number;
  /** ms a stopping worker's teardown() hooks have before it is terminated anyway. */
  teardownTimeout: number;
  /** Consecutive start failures before the pool is declared broken. */
  startAttempts: number;
  /** Executor-wide timeout, priority and autoStart (see RunDefaults). */
  defaults: { timeout: number; priority: number; autoStart: boolean };
  transport: Transport;
}

/** New bounds for a pool's workers; either may be left out. */
export interface ResizeOptions {
  /** Workers kept alive even when idle; default: the current `min`, lowered to `max` if above it. Between 0 and 1024. */
  min?: number;
  /** Most workers at once; default: the current `max`. Between 1 and 1024. */
  max?: number;
}

export abstract class Pool<S extends PoolStats = PoolStats> extends BaseExecutor<S> {
  protected readonly counters = new Counters();
  private readonly queue = new PriorityQueue<Job>();
  private readonly slots = new Set<Slot>();
  private idle: Slot[] = [];
  /** Jobs sent to workers and not yet answered. */
  private running = 0;
  private nextSlotId = 0;
  private startFailures = 0;
  private broken: ExecutorBrokenError | undefined;
  private closing: Promise<void> | undefined;
  private drainWaiters: Array<() => void> = [];
  /** Measurements of 1 run in 32 of each task, for watch()'s advice. */
  private readonly sampler = new TaskSampler();
  /** Usual run time of each task (ms, smoothed), which bounds its batches. */
  private readonly taskMs = new Map<string, number>();
  /** Runs measured for auto() that are out: this thread's clocks when each was sent (weak: a run that never answers leaves nothing). */
  private readonly sentAt = new WeakMap<Job, { elu: EventLoopUtilization; runQueue: number }>();

  private lateCrashes = 0;
  private teardownFailures = 0;

  /** Called whenever a worker comes free with nothing queued (auto() releases waiting probes). */
  onSpareCapacity: (() => void) | undefined = undefined;

  /** @internal Use threads(options) or processes(options): they validate the options. */
  constructor(protected readonly config: PoolConfig) {
    super();
    this.useDefaults(config.defaults);
    const started: Slot[] = [];
    for (let i = 0; i < config.min; i++) started.push(this.spawn());
    // An idle worker is taken last in, first out: the first started goes in last, so the first
    // task goes to the worker that has been starting the longest (processes() spawns one after another).
    for (let k = started.length - 1; k >= 0; k--) this.release(started[k] as Slot);
  }

  /** Enough in flight that the queue runs deep and batching pays (memory stays bounded). */
  protected defaultMapConcurrency(): number {
    return this.config.max * 64;
  }

  // The overloads of Executor.run (executor.ts): the input may be left out only where it is optional.
  /** Run a closure without an input: it gets `(context)`. */
  run<O>(task: ContextTask<O>, input?: undefined, options?: RunOptions): Promise<O>;
  /** Run a function with an input: it gets `(input, context)`. */
  run<I, O>(task: TaskFunction<I, O>, input: I, options?: RunOptions): Promise<O>;
  /** Run a task reference (an export of a module) with an input of its type: it gets `(input, context)`. */
  run<I, O>(task: TaskRef<I, O>, input: NoInfer<I>, options?: RunOptions): Promise<O>;
  /** Run a task reference without an input: allowed only when its input is optional. */
  run<I, O>(task: TaskRef<I, O> & NoInputNeeded<I>, input?: undefined, options?: RunOptions): Promise<O>;
  /** Run any task with an input of its type. */
  run<I, O>(task: Task<I, O>, input: NoInfer<I>, options?: RunOptions): Promise<O>;
  run<I, O>(task: Task<I, O>, input?: I, options?: RunOptions): Promise<O> {
    return this.submit(task, input, false, options, undefined);
  }

  protected override runChunk<I, O>(task: Task<I, O>, inputs: I[], options: RunOptions): Promise<Settled<O>[]> {
    return this.submit(task, inputs, true, options, undefined);
  }

  /** @internal `run()` with internal extras (profiling): for auto(). */
  submit(task: Task, input: unknown, chunk: boolean, options: RunOptions | undefined, extras: SubmitExtras | undefined): Promise<any> {
    const owner = this.config.owner;
    if (options !== undefined) {
      try {
        checkRunOptions(`${owner}.run()`, options);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (!isTaskRef(task)) {
      return Promise.reject(
        new InvalidOptionError(
          'task',
          `${owner}.run(): "task" must be a reference to a module export (from tasks() or taskRef()), got ${typeof task === 'function' ? `the function ${task.name || '(anonymous)'}` : typeof task}; plain functions only run on loop()`,
        ),
      );
    }
    if (this.closing) return Promise.reject(new ExecutorClosedError(owner.replace('()', '')));
    if (this.broken) return Promise.reject(this.broken);
    const signal = effectiveSignal(options?.signal);
    if (signal?.aborted) {
      // Counted like every other cancellation (see ExecutorStats.submitted).
      this.counters.submitted++;
      this.counters.cancelled++;
      return Promise.reject(signal.reason);
    }
    // No closure per run for the promise's resolving functions (settlers.ts; see bench/threads.ts).
    const promise = newPromise();
    const { resolve, reject } = settlers;
    dropSettlers();
    // As inside an executor: whatever throws from here on rejects the run's promise instead.
    try {
      const job = new Job(
        task,
        input,
        chunk,
        options?.priority ?? this.defaultPriority,
        options?.timeout ?? this.defaultTimeout,
        signal,
        options?.transfer,
        resolve,
        reject,
        extras?.onProfile,
      );
      this.counters.submitted++;
      if (options?.id !== undefined) job.name = options.id;
      if (options?.onMessage !== undefined) job.onMessage = options.onMessage;
      if (extras?.onAsync !== undefined) job.onAsync = extras.onAsync;
      if (signal) {
        job.onAbort = () => this.abort(job, signal.reason);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job, job.priority);
      this.pump();
      if (!job.slot && !job.settled && this.queue.length > this.config.maxQueue) {
        job.removed = true;
        this.queue.removed();
        this.counters.submitted--;
        this.settle(job, false, new QueueFullError(owner.replace('()', ''), this.config.maxQueue));
      } else if (this.hot) this.note('add'); // after it is in the line (or running), as p-queue does
    } catch (error) {
      reject(error);
    }
    return promise;
  }

  /** An immutable snapshot of counts, queue, run/wait percentiles, workers alive and batches. */
  stats(): S {
    return Object.freeze({
      kind: this.kind,
      ...counterStats(this.counters, this.config.max * this.config.concurrent),
      batches: this.counters.batches,
      lateCrashes: this.lateCrashes,
      teardownFailures: this.teardownFailures,
      queued: this.queue.length,
      running: this.unsettledRunning(),
      workers: this.slots.size,
      workerIds: Object.freeze([...this.slots].map((s) => s.id)),
      ...this.extraStats(),
    }) as unknown as S;
  }

  /**
   * Sent tasks whose run() has not settled. A task cancelled while running stays on its worker
   * (its slot is busy until it answers or cancelGrace stops it) but is already counted as cancelled.
   */
  private unsettledRunning(): number {
    let n = 0;
    for (const slot of this.slots) for (const job of slot.jobs) if (!job.settled) n++;
    return n;
  }

  /** Each task's sampled run time, CPU and dispatch cost (for watch()'s advice on tiny tasks). */
  taskSamples() {
    return this.sampler.report(this.kind === 'processes' ? 'processes' : 'threads');
  }

  /** Executor-specific additions to the stats snapshot. */
  protected extraStats(): object {
    return {};
  }

  /** Tasks waiting to start, without building a stats snapshot (auto() checks its maxQueue with it). */
  queueLength(): number {
    return this.queue.length;
  }

  /** Workers started and waiting for work (auto() probes only on warm threads: a cold one's first run proves little). */
  idleWorkers(): number {
    return this.idle.length;
  }

  /** Workers started and not yet exited. */
  workerCount(): number {
    return this.slots.size;
  }

  private startupEstimate: number | undefined;
  /**
   * How long starting a worker has taken here (ms, smoothed over recent starts;
   * undefined before the first): auto() weighs it before growing a pool, since
   * on a loaded machine a start-up can cost more than the work it would take.
   */
  startupMs(): number | undefined {
    return this.startupEstimate;
  }

  /** Tasks it could start right now without queueing (auto() probes only on a free worker). */
  spareCapacity(): number {
    if (this.broken) return Infinity;
    const n = this.config.concurrent;
    if (n === 1) return this.idle.length + (this.config.max - this.slots.size) - this.queue.length;
    let free = (this.config.max - this.slots.size) * n;
    for (const slot of this.slots) if (!slot.stopping) free += Math.max(0, n - slot.units);
    return free - this.queue.length;
  }

  /**
   * Handle the answers that have already arrived, without waiting for the event
   * loop (threads only). auto() calls it during a long synchronous burst of calls
   * to an unknown task, to see its probes' results before the burst ends.
   */
  poll(): void {
    for (const slot of this.slots) slot.channel.poll?.();
  }

  /**
   * Change the bounds at run time; it takes effect at once: a higher `max` starts
   * workers for what waits now; a lower one stops idle workers above it now and
   * busy ones as soon as their task ends (no task fails); a higher `min` starts
   * workers now. A number is `{ max }` (auto() sizes its blocking-wait pool so).
   */
  resize(bounds: ResizeOptions | number): void {
    const owner = `${this.config.owner}.resize()`;
    const b = typeof bounds === 'number' ? { max: Math.max(1, Math.max(this.config.min, Math.floor(bounds))) } : bounds;
    const max = intOption(owner, 'max', b.max, this.config.max, { min: 1, max: 1024 });
    const min = intOption(owner, 'min', b.min, Math.min(this.config.min, max), { min: 0, max: 1024 });
    if (min > max) throw new InvalidOptionError('min', `${owner}: "min" (${min}) must not exceed "max" (${max})`);
    this.config.max = max;
    this.config.min = min;
    let alive = this.liveWorkers();
    for (const slot of [...this.idle]) if (alive > max && alive--) this.stop(slot, 'resize');
    this.pump();
    while (!this.closing && !this.broken && this.slots.size < min) this.release(this.spawn());
  }

  /**
   * Start workers until `n` are started or starting (within `max`), without changing `min`: an
   * idle one above `min` is reaped after `idleTimeout` as usual. auto() starts one this way while
   * it probes a new task on the loop, so a thread is up by the time the probe says "threads".
   */
  prestart(n: number): void {
    while (!this.closing && !this.broken && this.slots.size < Math.min(n, this.config.max)) this.release(this.spawn());
  }

  /**
   * Replace every worker once it is idle (after a configuration or code change):
   * idle ones now, busy ones when their task ends. Queued work is not failed; it
   * runs on the new workers.
   */
  recycleWorkers(): void {
    for (const slot of this.slots) slot.recycle = true;
    for (const slot of [...this.idle]) this.stop(slot, 'recycled');
    this.pump();
    while (!this.closing && !this.broken && this.slots.size < this.config.min) this.release(this.spawn());
  }

  // ---- queue control (control.ts asks) ---------------------------------------

  protected queuedCount(): number {
    return this.queue.length;
  }
  protected runningCount(): number {
    return this.running;
  }
  protected capacity(): number {
    return this.config.max * this.config.concurrent;
  }
  protected override maxQueueSize(): number {
    return this.config.maxQueue;
  }
  protected wake(): void {
    this.pump();
  }
  protected moveQueued(id: string, priority: number): boolean {
    const job = this.queue.move((j) => j.name === id, priority);
    if (job) job.priority = priority;
    return job !== undefined;
  }
  protected clearQueued(reason: QueueClearedError): number {
    const dropped = this.queue.drain();
    for (const job of dropped) {
      this.counters.cancelled++;
      this.settle(job, false, reason);
    }
    if (this.running === 0) this.notifyDrained();
    return dropped.length;
  }

  /**
   * Drain (a paused pool resumes), then stop every worker. `cancel: true` cancels queued and
   * running tasks (a running one whose code ignores its signal has its worker stopped after
   * `cancelGrace`); `timeout` (ms) cancels what is left when it passes. Afterwards `run()`
   * rejects with ExecutorClosedError, and no thread or child process is left.
   */
  close(options?: CloseOptions): Promise<void> {
    try {
      checkCloseOptions(`${this.config.owner}.close()`, options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (options?.cancel) this.cancelAll(abortError(`${this.config.owner} was closed with cancel: true`));
    this.drainForClose(); // close() drains: a paused pool starts its queue again, and stays going
    this.closing ??= this.shutdown(options?.timeout ?? Infinity);
    return this.closing;
  }

  // ---- scheduling ------------------------------------------------------------

  private pump(): void {
    while (this.queue.length > 0 && !this.paused) {
      let slot = this.takeIdle();
      if (slot === WAIT_FOR_READY) return;
      if (!slot) {
        if (this.broken) return;
        if (this.slots.size < this.config.max) {
          slot = this.spawn();
          if (this.broken) return;
        } else {
          // Every worker is busy: one with room for another task takes it (concurrentTasksPerWorker).
          slot = this.config.concurrent > 1 ? this.leastLoaded() : undefined;
          if (!slot) return;
        }
      }
      this.dispatch(slot, this.queue.shift() as Job);
    }
  }

  /**
   * The idle worker the next task goes to: the last one to come free (LIFO) among those that have
   * started. A worker still starting is given tasks ahead of its 'ready' (they wait in its channel),
   * but not when fewer tasks wait than workers are starting: then the first of them to say 'ready'
   * takes them (onMessage pumps), since one pre-sent would wait for its own worker even when another
   * started first. "Start a pool of 2 and run a task" then waits for the faster of two starts, not
   * for one chosen in advance (on a busy machine two children's starts differ by many ms).
   */
  private takeIdle(): Slot | typeof WAIT_FOR_READY | undefined {
    const idle = this.idle;
    const last = idle[idle.length - 1];
    if (last === undefined || last.ready) return idle.pop();
    for (let k = idle.length - 2; k >= 0; k--) {
      const slot = idle[k] as Slot;
      if (slot.ready) return idle.splice(k, 1)[0];
    }
    // Every idle worker is still starting.
    if (idle.length < 2 || this.queue.length >= idle.length) return idle.pop();
    // The held tasks keep the process alive, as they would in a worker's channel.
    this.holding = true;
    for (const slot of idle) {
      if (slot.refed) continue;
      slot.refed = true;
      slot.channel.ref();
    }
    return WAIT_FOR_READY;
  }
  /** Tasks wait in the queue for a starting worker's 'ready' (takeIdle). */
  private holding = false;

  /** The busy worker with the fewest units that may take one more (concurrentTasksPerWorker > 1), if any. */
  private leastLoaded(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.units === 0 || slot.units >= this.config.concurrent || !this.mayTakeMore(slot)) continue;
      if (!best || slot.units < best.units) best = slot;
    }
    return best;
  }

  /** A busy worker may be given another unit: it is not due to retire when it comes free. */
  private mayTakeMore(slot: Slot): boolean {
    if (slot.stopping || slot.recycle) return false;
    if (slot.tasks + slot.jobs.length >= this.config.maxTasksPerWorker) return false;
    return this.retireReason(slot) === undefined;
  }

  /** Send `first`, and when the queue is deep, the next plain tasks of the same kind with it. */
  private dispatch(slot: Slot, first: Job): void {
    if (!slot.refed) {
      slot.refed = true;
      slot.channel.ref();
    }
    const jobs = [first];
    if (this.config.concurrent === 1 && batchable(first) && this.queue.length > 0) {
      const want = Math.min(
        batchSize(this.queue.length + 1, this.config.max, this.taskMs.get(first.ref.id)),
        this.config.maxTasksPerWorker - slot.tasks,
      );
      while (jobs.length < want) {
        const next = this.queue.shift();
        if (!next) break;
        if (!batchable(next) || next.ref !== first.ref) {
          this.queue.unshift(next, next.priority);
          break;
        }
        jobs.push(next);
      }
    }
    const now = performance.now();
    for (const job of jobs) {
      job.slot = slot;
      job.unit = first.id;
      job.startedAt = now;
      this.counters.waitTime.add(now - job.enqueuedAt);
    }
    if (slot.units === 0) slot.jobs = jobs;
    else slot.jobs.push(...jobs);
    slot.units++;
    this.running += jobs.length;
    if (this.hot) this.note('active', undefined, jobs.length);
    const ref = first.ref;
    let message: ToWorker;
    if (jobs.length > 1) this.counters.batches++;
    if (jobs.length > 1) message = { t: 'batch', ids: jobs.map((j) => j.id), m: ref.module, n: ref.name, i: jobs.map((j) => j.input) };
    else if (first.chunk) message = { t: 'chunk', id: first.id, m: ref.module, n: ref.name, i: chunkInputs(first) };
    else message = { t: 'run', id: first.id, m: ref.module, n: ref.name, i: first.input };
    if (message.t === 'run' && (first.onProfile || this.sampler.shouldSample())) message.p = true;
    // auto() weighs copying against the work; an input moved with `transfer` is not copied at all.
    if (message.t === 'run' && first.onProfile && first.transfer === undefined) message.c = true;
    // This thread's clocks when a run measured for auto() is sent (see SubmitExtras.onProfile's
    // caller), kept beside the job rather than in it: a Job is the hot path of a 100,000-task burst.
    if (message.t === 'run' && first.onProfile) this.sentAt.set(first, { elu: performance.eventLoopUtilization(), runQueue: threadTimes().runQueue });
    if (message.t === 'run' && first.onAsync) message.a = true;
    try {
      slot.channel.send(message, first.transfer);
    } catch (error) {
      this.unsendable(slot, jobs, error);
      return;
    }
    if (first.timeout !== Infinity && slot.ready) first.timer = this.armTimeout(first);
  }

  /** This thread's busy and run-queue time since a measured run was sent (SubmitExtras.onProfile). */
  private callerTime(job: Job): CallerTime {
    const at = this.sentAt.get(job);
    if (!at) return { busyMs: 0, runQueueMs: 0 };
    this.sentAt.delete(job);
    return { busyMs: performance.eventLoopUtilization(at.elu).active, runQueueMs: Math.max(0, threadTimes().runQueue - at.runQueue) };
  }

  /** Nothing reached the worker: it stays healthy; bad inputs fail, good ones go back to the line. */
  private unsendable(slot: Slot, jobs: Job[], error: unknown): void {
    slot.units--;
    slot.jobs = slot.units === 0 ? [] : slot.jobs.filter((j) => !jobs.includes(j));
    this.running -= jobs.length;
    for (let k = jobs.length - 1; k >= 0; k--) {
      const job = jobs[k] as Job;
      job.slot = undefined;
      const bad = job.chunk
        ? (job.input as unknown[]).map((v, i) => findUncloneable(v, `inputs[${i}]`)).find(Boolean)
        : findUncloneable(job.input);
      if (bad || jobs.length === 1) {
        this.counters.failed++;
        this.settle(job, false, new TaskInputError(bad?.path ?? 'input', bad?.problem ?? String(error), { cause: error }));
      } else if (!job.settled) {
        this.queue.unshift(job, job.priority);
      }
    }
    this.release(slot);
  }

  /** A worker is free: give it the next job, recycle it, or let it idle. */
  private release(slot: Slot): void {
    if (slot.stopping) return;
    if (slot.units > 0) {
      // Still running other units (concurrentTasksPerWorker): it takes the next task if it may.
      const next = !this.paused && this.queue.length > 0 && this.mayTakeMore(slot) ? this.queue.shift() : undefined;
      if (next) this.dispatch(slot, next);
      return;
    }
    const c = this.config;
    const why = this.retireReason(slot);
    if (why !== undefined) {
      this.stop(slot, why);
      this.pump();
      while (!this.closing && !this.broken && this.slots.size < c.min) this.release(this.spawn());
      return;
    }
    const next = this.paused ? undefined : this.queue.shift();
    if (next) return this.dispatch(slot, next);
    this.idle.push(slot);
    slot.idleSince = performance.now();
    // Unref and reap idle workers from one deferred sweep, not per task: a caller awaiting
    // tasks one by one makes the worker busy again before the sweep runs, so the hot path
    // pays for no ref/unref calls and no timers.
    this.sweepSoon ??= setImmediate(this.sweep);
    if (this.slots.size > c.min && c.idleTimeout !== Infinity && !this.closing && !this.reaper) this.armReaper(c.idleTimeout);
    if (this.running === 0) this.notifyDrained();
    this.onSpareCapacity?.();
  }

  /** Workers alive and not being stopped. */
  private liveWorkers(): number {
    let n = 0;
    for (const slot of this.slots) if (!slot.stopping) n++;
    return n;
  }

  /** Why a worker that just came free must stop instead of taking more work, if it must. */
  private retireReason(slot: Slot): WorkerExitReason | undefined {
    const c = this.config;
    if (slot.setupFailed) return 'setup-failed';
    if (slot.recycle) return 'recycled';
    if (this.liveWorkers() > c.max) return 'resize';
    if (slot.tasks >= c.maxTasksPerWorker) return 'max-tasks';
    // A process's resident memory is read from outside; a thread reports its heap with each answer.
    if (c.maxMemoryMb !== Infinity && (slot.channel.memoryMb?.() ?? slot.heapMb ?? 0) > c.maxMemoryMb) return 'memory';
    return undefined;
  }

  private sweepSoon: NodeJS.Immediate | undefined = undefined;
  private reaper: Timer = undefined;

  /** Idle workers must not keep the process alive. */
  private readonly sweep = (): void => {
    this.sweepSoon = undefined;
    if (this.holding) return; // the tasks held for a start keep the workers referenced (takeIdle)
    for (const slot of this.idle) {
      if (slot.refed) {
        slot.refed = false;
        slot.channel.unref();
      }
    }
  };

  private armReaper(ms: number): void {
    this.reaper = setTimer(this.reap, ms, { unref: true });
  }

  /** Stop workers above `min` that have been idle for idleTimeout; re-arm for the next one. */
  private readonly reap = (): void => {
    this.reaper = undefined;
    const { idleTimeout, min } = this.config;
    const now = performance.now();
    let next = Infinity;
    // A stopped worker stays in `slots` until it has exited, so count the ones that will stay.
    let staying = this.liveWorkers();
    for (const slot of [...this.idle]) {
      if (staying <= min) break;
      const due = slot.idleSince + idleTimeout;
      if (due <= now + 1) {
        this.stop(slot, 'idle');
        staying--;
      } else next = Math.min(next, due);
    }
    if (next !== Infinity && !this.closing) this.armReaper(next - now);
  };

  private spawn(): Slot {
    const slot = new Slot(++this.nextSlotId);
    try {
      slot.channel = this.config.transport.spawn(slot.id, {
        message: (m) => this.onMessage(slot, m),
        exit: (info) => this.onExit(slot, info),
      });
    } catch (error) {
      // A synchronous failure (bad execArgv, bad resourceLimits…) will not get better by retrying.
      this.breakDown(error instanceof Error ? error.message : String(error), error);
      slot.markExited();
      return slot;
    }
    this.slots.add(slot);
    if (this.hot && this.listenerCount('workerCreate') > 0) this.emit('workerCreate', workerInfo(slot));
    return slot;
  }

  private stop(slot: Slot, reason: WorkerExitReason): void {
    if (slot.stopping) return;
    slot.stopping = true;
    slot.exitReason = reason;
    this.removeIdle(slot);
    // A worker stuck in a cancelled task cannot run hooks; one that is idle gets to tear down.
    if (slot.teardowns.length > 0 && reason !== 'cancel' && slot.units === 0) this.tearDown(slot);
    else slot.channel.terminate();
  }

  /** Ask the worker to run its teardown() hooks; it is terminated when they end, or after teardownTimeout. */
  private tearDown(slot: Slot): void {
    // Kept alive until it has torn down, so close() (and the process) waits for it.
    if (!slot.refed) {
      slot.refed = true;
      slot.channel.ref();
    }
    try {
      slot.channel.send({ t: 'stop' });
    } catch {
      slot.channel.terminate();
      return;
    }
    const ms = this.config.teardownTimeout;
    slot.teardownTimer = setTimer(() => {
      slot.teardownTimer = undefined;
      const what = this.kind === 'processes' ? 'process' : 'thread';
      this.teardownFailed(slot, new TeardownError(slot.teardowns, slot.channel.label, `did not finish within ${ms} ms (teardownTimeout); the ${what} was stopped`));
      slot.channel.terminate();
    }, ms);
  }

  /** The worker's answer to 'stop': report the teardowns that threw, then let it go. */
  private tornDown(slot: Slot, failures: Array<{ m: string; e: SerializedError }>): void {
    if (slot.teardownTimer === undefined) return; // too late: already reported as timed out
    clearTimer(slot.teardownTimer);
    slot.teardownTimer = undefined;
    const where = slot.channel.label;
    for (const { m, e } of failures) {
      const cause = deserializeError(e, where);
      this.teardownFailed(slot, new TeardownError([m], where, `threw: ${cause.message}`, { cause }));
    }
    slot.channel.terminate();
  }

  /** Reported, never thrown: the 'teardownError' event, or a process warning when nobody listens. */
  private teardownFailed(slot: Slot, error: TeardownError): void {
    this.teardownFailures++;
    if (this.listenerCount('teardownError') > 0) this.emit('teardownError', error, workerInfo(slot));
    else process.emitWarning(error.message, { code: 'BOUNDWISE_TEARDOWN' });
  }

  private removeIdle(slot: Slot): void {
    const k = this.idle.indexOf(slot);
    if (k >= 0) this.idle.splice(k, 1);
  }

  // ---- worker events ---------------------------------------------------------

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.t === 'msg') {
      // Sent before the task's answer on the same channel, so it arrives first; dropped once the run settled (cancelled).
      const job = slot.jobs.find((j) => j.id === msg.id);
      if (job && !job.settled) job.onMessage?.(msg.v);
      return;
    }
    if (msg.t === 'async') {
      const job = slot.jobs.find((j) => j.id === msg.id);
      if (job && !job.settled) job.onAsync?.(msg.s);
      return;
    }
    if (msg.t === 'ready') {
      slot.ready = true;
      this.startFailures = 0;
      const took = performance.now() - slot.spawnedAt;
      this.startupEstimate = this.startupEstimate === undefined ? took : this.startupEstimate + 0.3 * (took - this.startupEstimate);
      // The timeout counts from the start of running: a worker that was still starting had not begun.
      for (const job of slot.jobs) {
        if (job.settled || job.timeout === Infinity || job.timer !== undefined) continue;
        job.startedAt = performance.now();
        job.timer = this.armTimeout(job);
      }
      // Tasks held for the first worker to start (takeIdle) go now.
      if (this.holding) {
        this.holding = false;
        this.pump();
      }
      return;
    }
    if (msg.t === 'crash') {
      slot.crash = msg; // acted on when the worker's exit is seen (onExit)
      return;
    }
    if (msg.t === 'hooks') {
      slot.teardowns.push(msg.m);
      return;
    }
    if (msg.t === 'stopped') {
      this.tornDown(slot, msg.f);
      return;
    }
    if (msg.t === 'ended') {
      const job = slot.jobs.find((j) => j.id === msg.id);
      if (job) job.ended = true;
      return;
    }
    let jobs = slot.jobs;
    if (slot.units > 1) {
      // Several units on this worker (concurrentTasksPerWorker): this answer is for the one msg.id began.
      jobs = jobs.filter((j) => j.unit === msg.id);
      if (jobs[0]?.id !== msg.id) return;
      slot.jobs = slot.jobs.filter((j) => j.unit !== msg.id);
    } else {
      if (jobs[0]?.id !== msg.id) return;
      slot.jobs = [];
    }
    const first = jobs[0] as Job;
    slot.units--;
    slot.ready = true;
    if (msg.h !== undefined) slot.heapMb = msg.h;
    this.running -= jobs.length;
    const cold = slot.tasks === 0;
    slot.tasks += jobs.length;
    const ms = performance.now() - first.startedAt;
    this.counters.busyMs += ms;
    if (slot.graceTimer !== undefined && !slot.jobs.some(cancelledAndGoing)) {
      clearTimer(slot.graceTimer);
      slot.graceTimer = undefined;
    }
    const where = slot.channel.label;
    const per = ms / jobs.length;
    const before = this.taskMs.get(first.ref.id);
    this.taskMs.set(first.ref.id, before === undefined ? per : before + 0.2 * (per - before));
    if (msg.t === 'batch') {
      // One run time for the batch, shared by its tasks.
      const each = ms / jobs.length;
      const failed = msg.f === undefined ? undefined : new Map(msg.f);
      for (let k = 0; k < jobs.length; k++) {
        const job = jobs[k] as Job;
        job.slot = undefined;
        this.counters.runTime.add(each);
        const error = failed?.get(k);
        if (error === undefined) this.finishOk(job, msg.v[k]);
        else this.finish(job, { ok: false, error }, where);
      }
      if (this.hot && jobs.length > 0) this.note('next', undefined, jobs.length);
      return this.release(slot);
    }
    first.slot = undefined;
    this.counters.runTime.add(ms);
    if (msg.p) {
      if (!cold && !msg.p.first) this.sampler.record(taskLabel(first.ref), msg.p, ms);
      if (first.onProfile) first.onProfile(msg.p, ms, cold, this.callerTime(first));
    }
    if (msg.t === 'ok') this.finish(first, { ok: true, value: msg.v }, where);
    else if (msg.t === 'chunk') this.chunkProgress(first, msg.r.map((o) => settledOf(o, where)));
    else if (msg.k === 'load') {
      // The module failed to load: every task sent with it (a batch shares one module) fails alike.
      const broken = new ExecutorBrokenError(
        `${this.config.owner}: the task module ${first.ref.module} failed to load in ${where}: ${msg.e.message}`,
        { cause: deserializeError(msg.e, where) },
      );
      for (const job of jobs) {
        job.slot = undefined;
        if (job.settled) continue;
        this.counters.failed++;
        this.settle(job, false, broken);
      }
    } else if (msg.k === 'setup') {
      // The module's setup() threw: its tasks here fail, and this worker is replaced (retireReason).
      const failed = new TaskSetupError(first.ref.module, where, { cause: deserializeError(msg.e, where) });
      slot.setupFailed = true;
      for (const job of jobs) {
        job.slot = undefined;
        if (job.settled) continue;
        this.counters.failed++;
        this.settle(job, false, failed);
      }
    } else this.finish(first, { ok: false, error: msg.e }, where);
    if (this.hot && jobs.length > 0) this.note('next', undefined, jobs.length);
    this.release(slot);
  }

  private finishOk(job: Job, value: unknown): void {
    if (job.settled) return;
    this.counters.completed++;
    this.settle(job, true, value);
  }

  private finish(job: Job, outcome: ChunkOutcome, where: string): void {
    if (job.settled) return;
    if (outcome.ok) {
      this.counters.completed++;
      this.settle(job, true, outcome.value);
    } else {
      this.counters.failed++;
      this.settle(job, false, deserializeError(outcome.error as SerializedError, where));
    }
  }

  private onExit(slot: Slot, info: ExitInfo): void {
    this.slots.delete(slot);
    if (this.hot && this.listenerCount('workerExit') > 0) {
      const reason = slot.exitReason ?? (slot.ready ? 'crash' : 'start-failed');
      this.emit('workerExit', { ...workerInfo(slot), reason, exitCode: info.code, signal: info.signal });
    }
    this.removeIdle(slot);
    clearTimer(slot.graceTimer);
    clearTimer(slot.teardownTimer);
    const jobs = slot.jobs;
    const units = slot.units;
    slot.jobs = [];
    slot.units = 0;
    this.running -= jobs.length;
    for (const job of jobs) {
      job.slot = undefined;
      clearTimer(job.timer);
      job.timer = undefined;
    }
    const open = jobs.filter((j) => !j.settled);
    if (!slot.ready && !slot.stopping) {
      this.startFailures++;
      // They never started, so it is not their fault: back to the front of the line.
      this.requeue(open, false);
      if (this.startFailures >= this.config.startAttempts) {
        if (this.broken) this.failQueued();
        else this.breakDown(describeExit(info), info.error);
      }
    } else if (units > 1) {
      this.concurrentExit(slot, open, info);
    } else if (slot.crash && !slot.stopping) {
      this.attributedCrash(slot, jobs, slot.crash, info);
    } else {
      this.unattributedCrash(slot, open, info);
    }
    if (slot.crash?.who === 'settled') this.lateCrash(slot, slot.crash, info);
    if (this.hot && jobs.length > 0) this.note('next', undefined, jobs.length);
    slot.markExited();
    this.onSpareCapacity?.();
    if (!this.closing || this.queue.length > 0) {
      this.pump();
      while (!this.closing && !this.broken && this.slots.size < this.config.min) this.release(this.spawn());
    }
    if (this.running === 0) this.notifyDrained();
  }

  /**
   * The worker said whose code killed it (attribution.ts). What its unit had finished is
   * kept; the culprit, when it is the task running now, fails alone; the rest run again.
   */
  private attributedCrash(slot: Slot, jobs: Job[], report: CrashReport, info: ExitInfo): void {
    const where = slot.channel.label;
    const done = report.r.map((o) => settledOf(o, where));
    const chunk = jobs.length === 1 && (jobs[0] as Job).chunk ? (jobs[0] as Job) : undefined;
    if (chunk) return this.chunkCrash(slot, info, chunk, done, report.who);
    const k = Math.min(done.length, jobs.length);
    for (let j = 0; j < k; j++) this.finish(jobs[j] as Job, report.r[j] as ChunkOutcome, where);
    const culprit = report.who === 'current' ? jobs[k] : undefined;
    const rest = jobs.slice(k).filter((j) => j !== culprit && !j.settled);
    if (culprit && !culprit.settled) this.crashFail(slot, info, culprit);
    if (report.who === 'unknown') this.unattributedCrash(slot, rest, info);
    else this.requeue(rest, false);
  }

  /**
   * A worker that held several units at once (concurrentTasksPerWorker) died. Its tasks shared
   * one event loop, so whose code killed it says little about the others: every task it held
   * fails with WorkerCrashedError (a chunk as a whole). Unless the pool stopped it (a cancelled
   * task that would not stop) or a settled task's leftover code killed it: then the others are
   * innocent and run again.
   */
  private concurrentExit(slot: Slot, open: Job[], info: ExitInfo): void {
    if (slot.stopping || slot.crash?.who === 'settled') return this.requeue(open, false);
    for (const job of open) this.crashFail(slot, info, job);
  }

  /** Nobody named: one task running takes the blame; several (a batch) run again alone, so the culprit fails by itself. */
  private unattributedCrash(slot: Slot, open: Job[], info: ExitInfo): void {
    if (open.length > 1) {
      // Which task of the batch crashed is not known: its unanswered tasks run again, alone,
      // so the one that crashes fails by itself (the others may run a second time).
      this.requeue(open, true);
      return;
    }
    const job = open[0];
    if (!job) return;
    if (job.chunk) this.chunkCrash(slot, info, job, [], 'unknown');
    else this.crashFail(slot, info, job);
  }

  /**
   * A chunk's worker died after finishing `done` of the inputs it was sent. The input
   * running then fails alone when it is known to be the culprit; when it is not known
   * and several were left, the rest goes one input at a time until the crash recurs.
   */
  private chunkCrash(slot: Slot, info: ExitInfo, chunk: Job, done: Settled<unknown>[], who: CrashReport['who']): void {
    if (chunk.settled) return;
    const left = chunkInputs(chunk).length - done.length;
    if (who === 'unknown' && left > 1) chunk.step = true;
    else if (who !== 'settled' && left > 0) {
      this.counters.crashed++;
      done.push({ ok: false, error: this.crashError(slot, info, chunk) });
    }
    this.chunkProgress(chunk, done);
  }

  private crashFail(slot: Slot, info: ExitInfo, job: Job): void {
    this.counters.crashed++;
    this.counters.failed++;
    this.settle(job, false, this.crashError(slot, info, job));
  }

  private crashError(slot: Slot, info: ExitInfo, job: Job): WorkerCrashedError {
    const crash = new WorkerCrashedError({
      worker: slot.channel.label,
      reason: crashReason(info),
      exitCode: info.code,
      signal: info.signal,
      stderr: info.stderr,
      task: taskLabel(job.ref),
      cause: info.error,
    });
    if (this.hot && this.listenerCount('crash') > 0) this.emit('crash', crash);
    return crash;
  }

  /** A settled task's leftover code killed the worker: nothing failed, but the user should hear of it. */
  private lateCrash(slot: Slot, report: CrashReport, info: ExitInfo): void {
    this.lateCrashes++;
    const task = report.n ? report.n.slice(report.n.lastIndexOf('/') + 1) : 'a task';
    const cause = info.error instanceof Error ? `: ${info.error.message}` : ` (${describeExit(info)})`;
    process.emitWarning(
      `${this.config.owner}: ${slot.channel.label} died of an error thrown by ${task} after that task had settled${cause}. No task failed: the one it was running was started again on a fresh worker.`,
      { code: 'BOUNDWISE_LATE_CRASH' },
    );
  }

  /**
   * A chunk moved on by `outcomes` (of the inputs from its offset). Done: it settles with
   * every input's outcome. Not done (a crash cut it short): the rest goes back to the front.
   */
  private chunkProgress(job: Job, outcomes: Settled<unknown>[]): void {
    if (job.settled) return;
    const parts = job.parts ? job.parts.concat(outcomes) : outcomes;
    if (parts.length >= (job.input as unknown[]).length) {
      this.counters.completed++;
      this.settle(job, true, parts);
      return;
    }
    job.parts = parts;
    this.requeue([job], false);
  }

  private requeue(jobs: Job[], solo: boolean): void {
    for (let k = jobs.length - 1; k >= 0; k--) {
      const job = jobs[k] as Job;
      job.removed = false;
      if (solo) job.solo = true;
      this.queue.unshift(job, job.priority);
    }
  }

  // ---- cancellation ----------------------------------------------------------

  /** The run's own timeout, counted from the start of running; it cancels the task (see ExecutorStats.cancelled). */
  private armTimeout(job: Job): Timer {
    return setTimer(() => {
      job.timer = undefined;
      this.abort(job, timeoutError(`${taskLabel(job.ref)} timed out after ${job.timeout} ms of running`));
    }, job.timeout);
  }

  /** @internal Called by a job's signal, its timeout, or close({ cancel }). */
  abort(job: Job, reason: unknown): void {
    if (job.settled) return;
    this.counters.cancelled++;
    const slot = job.slot;
    if (!slot) {
      job.removed = true;
      this.queue.removed();
      this.settle(job, false, reason);
      if (this.hot) this.note('dequeued');
      if (this.running === 0) this.notifyDrained();
      return;
    }
    job.abortedAt = performance.now();
    this.settle(job, false, reason);
    try {
      slot.channel.send({ t: 'abort', id: job.id, r: serializeError(reason) });
    } catch {
      // The worker is already gone; its exit handler cleans up.
    }
    if (this.config.cancelGrace === 0) this.stop(slot, 'cancel');
    // Stopped only if a cancelled task is still going: in a batch, an aborted task the worker
    // skipped or saw end says so at once ('ended'); the batch's others are not its concern.
    else slot.graceTimer ??= setTimer(() => this.graceOver(slot), this.config.cancelGrace);
  }

  /**
   * A cancelGrace timer of `slot` fired: stop the worker if a cancelled task has been going for
   * its whole grace; otherwise wait for the next one's (several may be cancelled at different times).
   */
  private graceOver(slot: Slot): void {
    slot.graceTimer = undefined;
    const now = performance.now();
    let next = Infinity;
    for (const job of slot.jobs) {
      if (!cancelledAndGoing(job)) continue;
      const due = job.abortedAt + this.config.cancelGrace;
      if (due <= now + 1) return this.stop(slot, 'cancel');
      next = Math.min(next, due);
    }
    if (next !== Infinity) slot.graceTimer = setTimer(() => this.graceOver(slot), next - now);
  }

  private cancelAll(reason: unknown): void {
    for (const job of this.queue.drain()) {
      this.counters.cancelled++;
      this.settle(job, false, reason);
    }
    if (this.hot) this.note('dequeued');
    for (const slot of this.slots) for (const job of slot.jobs) if (!job.settled) this.abort(job, reason);
  }

  private settle(job: Job, ok: boolean, value: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer !== undefined) {
      clearTimer(job.timer);
      job.timer = undefined;
    }
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (ok) job.resolve(value);
    else job.reject(value);
    if (this.hot) this.note(ok ? 'completed' : 'error', value);
  }

  private breakDown(why: string, cause: unknown): void {
    this.broken = new ExecutorBrokenError(
      `${this.config.owner}: workers cannot start (${plural(this.startFailures || 1, 'attempt')}): ${why}; check execArgv, resourceLimits and that the worker's modules load`,
      cause === undefined ? undefined : { cause },
    );
    this.failQueued();
  }

  /** A broken pool fails what waits, now and whenever a worker that was still starting gives up. */
  private failQueued(): void {
    for (const job of this.queue.drain()) {
      this.counters.failed++;
      this.settle(job, false, this.broken);
    }
    if (this.running === 0) this.notifyDrained();
  }

  // ---- closing ---------------------------------------------------------------

  private notifyDrained(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private drained(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private async shutdown(timeout: number): Promise<void> {
    const timer = setTimer(
      () => this.cancelAll(abortError(`${this.config.owner}.close(): tasks still running after ${timeout} ms were cancelled`)),
      timeout,
    );
    await this.drained();
    clearTimer(timer);
    clearTimer(this.reaper);
    if (this.sweepSoon) clearImmediate(this.sweepSoon);
    this.reaper = undefined;
    this.sweepSoon = undefined;
    for (const slot of this.slots) this.stop(slot, 'close');
    await Promise.all([...this.slots].map((s) => s.exited));
  }
}

/** Cancelled (its run settled) but the worker has not said that it stopped. */
function cancelledAndGoing(job: Job): boolean {
  return job.settled && !job.ended;
}

function workerInfo(slot: Slot): WorkerInfo {
  return { workerId: slot.id, label: slot.channel.label };
}

/** The inputs of a chunk still to run: from its offset, one at a time once it must find a crashing input. */
function chunkInputs(job: Job): unknown[] {
  const inputs = job.input as unknown[];
  const offset = job.parts?.length ?? 0;
  if (job.step) return inputs.slice(offset, offset + 1);
  return offset === 0 ? inputs : inputs.slice(offset);
}

function settledOf(o: ChunkOutcome, where: string): Settled<unknown> {
  return o.ok ? o : { ok: false, error: deserializeError(o.error, where) };
}

function crashReason(info: ExitInfo): CrashReason {
  if (info.oom) return 'out-of-memory';
  if (info.signal) return 'signal';
  if (info.error) return 'uncaught';
  return 'exit';
}

function describeExit(info: ExitInfo): string {
  if (info.error instanceof Error) return info.error.message;
  if (info.signal) return `killed by ${info.signal}`;
  const tail = info.stderr?.length ? ` (${info.stderr.at(-1)})` : '';
  return `exited with code ${info.code}${tail}`;
}


/** takeIdle(): hold the queue until a starting worker says 'ready'. */
const WAIT_FOR_READY = Symbol('wait for ready');
