/**
 * `loop()`: the event-loop executor. Many waits on one thread, bounded.
 *
 *   run() ──free slot?──yes──▶ start ──▶ task(input, ctx) ──settles──▶ finish ──▶ pump
 *            └──no──▶ PriorityQueue ──pump──▶ (rate limit: wait, the line stays in order) ──▶ start
 *
 * The hot path (no signal, no timeout, a free slot) allocates the caller's
 * promise and one Entry (which is also the task's context), and nothing else:
 * no AbortController (created only if the task reads `context.signal`), no
 * listener, no timer, no async-context capture (the task starts inside `run()`,
 * in the caller's context), and reads the clock twice (submit, finish).
 *
 * Cancellation on the event loop: a queued task is removed at once. A running
 * task has its `context.signal` aborted and its `run()` rejects at once with the
 * reason, but JavaScript cannot be stopped from outside, so the task keeps its
 * slot until its own code settles (a task that ignores its signal keeps
 * running; `close()` does not wait for it once its `run()` has rejected).
 */
import { threadId } from 'node:worker_threads';
import { BaseExecutor, checkCloseOptions, checkRunOptions, type CloseOptions, type ExecutorStats, type RunOptions } from '../executor.js';
import { ExecutorClosedError, InvalidOptionError, QueueFullError, abortError, timeoutError, type QueueClearedError } from '../errors.js';
import { intOption } from '../options.js';
import { PriorityQueue } from '../queue.js';
import { clearTimer, setTimer } from '../durations.js';
import { effectiveSignal } from '../scope.js';
import { Counters, SampleRing, counterStats, type Percentiles } from '../stats.js';
import { unwrapTransfer } from '../pool/transfer.js';
import { importModule, isTaskRef, pickExport, taskLabel, type Task, type TaskContext, type TaskFunction, type TaskRef, type ContextTask, type NoInputNeeded } from '../task.js';
import { systemClock, type Clock } from './clock.js';
import { DONE, Entry, QUEUED, RUNNING } from './entry.js';
import { parseLoopOptions, type LoopOptions } from './options.js';
import { RateLimiter } from './rate.js';
import { newPromise, settlers } from '../settlers.js';

/** Read by watch(): the task running synchronously on the main thread, `module#export`. */
const CURRENT_TASK = Symbol.for('boundwise.currentTask');

export interface LoopStats extends ExecutorStats {
  readonly kind: 'loop';
  /** Tasks allowed to run at once. */
  readonly concurrency: number;
  /** Time (ms) a task at the head of the line, with a free slot, waited for the rate limit. */
  readonly rateWait: Percentiles;
}

/**
 * The event-loop executor loop() returns: a concurrency limiter with a priority queue, an
 * optional rate limit, and the executor contract. Tasks run on this thread, so plain closures
 * are accepted as well as task references.
 */
export class LoopExecutor extends BaseExecutor<LoopStats> {
  /** Always 'loop'. */
  readonly kind = 'loop' as const;
  /** Tasks allowed to run at once; set `concurrency` to change it at run time. */
  private limit: number;
  /** Tasks that may wait at once (the `maxQueue` option; default Infinity); one more rejects with QueueFullError. */
  readonly maxQueue: number;
  private readonly clock: Clock;
  private readonly queue = new PriorityQueue<Entry>();
  private readonly counters = new Counters();
  private readonly rateWait = new SampleRing();
  private readonly limiter: RateLimiter | undefined;
  /**
   * Since when the head of the line, with a free slot, has waited for the rate limit (-1: it is
   * not waiting). The waiting entry stays in the queue, so a task of higher priority submitted
   * meanwhile starts first when the window opens.
   */
  private rateHeldSince = -1;
  private rateTimer: unknown = undefined;
  private running = 0;
  /**
   * Running entries whose run() already settled (cancelled or timed out) while their code goes
   * on: they keep a slot, but stats() counts them as cancelled, not as running.
   */
  private settledRunning = 0;
  /** Callers' promises not yet settled; close() resolves when this reaches 0. */
  private unsettled = 0;
  /** Running entries, each knowing its index (swap-remove), for close({ cancel }). */
  private readonly active: Entry[] = [];
  /** The clock's `now`, held directly: it is read twice per task. */
  private readonly now: () => number;
  private pumping = false;
  private closed = false;
  private drained: Promise<void> | undefined = undefined;
  private onDrained: (() => void) | undefined = undefined;
  private closeTimer: unknown = undefined;
  /** Task references resolved to their functions, so later runs start synchronously. */
  private readonly loaded = new Map<string, TaskFunction>();

  constructor(options?: LoopOptions) {
    super();
    const o = parseLoopOptions(options);
    this.limit = o.concurrency;
    this.useDefaults(o.defaults);
    this.maxQueue = o.maxQueue;
    this.clock = o.clock ?? systemClock;
    this.now = o.clock ? () => this.clock.now() : performanceNow;
    this.limiter = o.rate ? new RateLimiter(o.rate.limit, o.rate.interval) : undefined;
  }

  /** Tasks allowed to run at once. Setting it takes effect at once: more start now, or fewer start until below it. */
  get concurrency(): number {
    return this.limit;
  }

  /** Change the limit (a whole number from 1): more tasks start now, or fewer start until below it. Throws InvalidOptionError otherwise. */
  set concurrency(n: number) {
    this.limit = intOption('loop().concurrency', 'concurrency', n, this.limit, { min: 1, max: 1_000_000 });
    if (this.waiting() > 0) this.pump(this.now());
  }

  /** loop() with a rate: no task may start now because of the rate limit. */
  get isRateLimited(): boolean {
    return this.limiter !== undefined && (this.rateHeldSince >= 0 || this.limiter.delay(this.now()) > 0);
  }

  /** Resolves when the rate limit is reached (at once if it is now); never, on a loop() without a rate. */
  onRateLimit(): Promise<void> {
    return this.when(() => this.isRateLimited);
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
    if (this.closed) return Promise.reject(new ExecutorClosedError('loop'));
    let own: AbortSignal | undefined;
    let timeout = this.defaultTimeout;
    let priority = this.defaultPriority;
    let id: string | undefined;
    if (options !== undefined) {
      try {
        checkRunOptions('loop().run()', options);
      } catch (error) {
        return Promise.reject(error);
      }
      own = options.signal;
      timeout = options.timeout ?? timeout;
      priority = options.priority ?? priority;
      id = options.id;
    }
    if (typeof task !== 'function' && !isTaskRef(task)) {
      return Promise.reject(
        new InvalidOptionError('task', 'loop().run(): the task must be a function or a task reference from tasks()'),
      );
    }
    const signal = effectiveSignal(own);
    if (signal?.aborted) {
      this.counters.submitted++;
      this.counters.cancelled++;
      return Promise.reject(signal.reason);
    }
    const now = this.now();
    const startNow =
      !this.paused &&
      this.running < this.limit &&
      this.queue.length === 0 &&
      (this.limiter === undefined || this.limiter.delay(now) === 0);
    if (!startNow && this.waiting() >= this.maxQueue) return Promise.reject(new QueueFullError('loop', this.maxQueue));

    const promise = newPromise<O>();
    const entry = new Entry(task, input, now, settlers.resolve, settlers.reject);
    this.counters.submitted++;
    this.unsettled++;
    if (timeout !== Infinity) entry.extra().timeout = timeout;
    if (id !== undefined) entry.extra().id = id;
    if (options?.onMessage !== undefined) entry.extra().onMessage = options.onMessage;
    if (signal !== undefined) {
      const e = entry;
      const x = e.extra();
      x.source = signal;
      x.onAbort = () => this.cancel(e, signal.reason);
      signal.addEventListener('abort', x.onAbort, { once: true });
    }
    if (startNow) {
      if (this.limiter !== undefined) {
        this.limiter.record(now);
        this.rateWait.add(0);
        if (this.hot && this.limiter.delay(now) > 0) this.note('rate');
      }
      this.begin(entry, now);
    } else {
      entry.waited = true; // see Entry.waited
      this.queue.push(entry, priority);
      if (this.running < this.limit && !this.paused) this.pump(now);
    }
    if (this.hot) this.note('add'); // after it is in the line (or running), as p-queue does
    return promise;
  }

  /**
   * @internal auto()'s lane (auto/inline.ts): run `fn(input)` now, synchronously,
   * if run() would start it at once with no options (open, not paused, nothing queued, a free
   * slot, no rate limit, no listeners to tell), and settle `resolve`/`reject` with its outcome.
   * Counted as run() counts it. It costs no Entry and no promise of its own: a run that is over
   * when it returns needs neither, and the task gets a shared context whose signal never aborts
   * (nothing could abort a run before it returns). One that returns a promise after all is
   * adopted as a running entry, as run() would hold it, but its signal stays the shared one.
   * Returns the ms its synchronous part took, or -1 when it cannot start now (nothing ran: the
   * caller then uses run()).
   */
  runNow(fn: TaskFunction, input: unknown, resolve: (value: unknown) => void, reject: (error: unknown) => void, name: string): number {
    if (this.closed || this.paused || this.hot || this.running >= this.limit || this.queue.length > 0 || this.limiter !== undefined) return -1;
    const c = this.counters;
    c.submitted++;
    c.waitTime.add(0);
    const g = globalThis as Record<symbol, unknown>;
    const outer = g[CURRENT_TASK];
    g[CURRENT_TASK] = name;
    const start = this.now();
    let out: unknown;
    try {
      out = fn(input, laneContext);
    } catch (error) {
      const ms = this.ranNow(start, false);
      reject(error);
      return ms;
    } finally {
      g[CURRENT_TASK] = outer;
    }
    if (out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function') {
      const e = new Entry(fn, input, start, resolve, reject);
      this.unsettled++;
      e.state = RUNNING;
      e.startedAt = start;
      e.slot = this.running++;
      this.active[e.slot] = e;
      (out as PromiseLike<unknown>).then(
        (value) => this.finish(e, true, value),
        (error: unknown) => this.finish(e, false, error),
      );
      return this.now() - start;
    }
    const ms = this.ranNow(start, true);
    resolve(unwrapTransfer(out).value);
    return ms;
  }

  /** A run of the lane (runNow) that was over when it returned: counted as finish() counts one. */
  private ranNow(start: number, ok: boolean): number {
    const c = this.counters;
    const runTime = this.now() - start;
    c.runTime.add(runTime);
    c.busyMs += runTime;
    if (ok) c.completed++;
    else c.failed++;
    return runTime;
  }

  /** An immutable snapshot of counts, queue, run/wait percentiles, the limit and the rate-limit waits. */
  stats(): LoopStats {
    return Object.freeze({
      kind: this.kind,
      ...counterStats(this.counters, this.limit),
      queued: this.waiting(),
      running: this.running - this.settledRunning,
      workers: 1,
      concurrency: this.limit,
      rateWait: Object.freeze(this.rateWait.percentiles()),
    });
  }

  /**
   * Drain (a paused loop resumes), then resolve. `cancel: true` aborts queued and running
   * tasks; `timeout` (ms) aborts what is left when it passes. A task that ignores its signal
   * cannot be stopped on the event loop: close() resolves when the callers' promises have
   * settled. Afterwards `run()` rejects with ExecutorClosedError.
   */
  async close(options?: CloseOptions): Promise<void> {
    checkCloseOptions('loop().close()', options);
    this.closed = true;
    this.drainForClose(); // close() drains: a paused loop starts its queue again, and stays going
    this.drained ??= new Promise<void>((resolve) => (this.onDrained = resolve));
    if (options?.cancel) this.cancelAll();
    else if (options?.timeout !== undefined && options.timeout !== Infinity && this.closeTimer === undefined && this.unsettled > 0) {
      this.closeTimer = setTimer(
        () => {
          this.closeTimer = undefined;
          this.cancelAll();
        },
        options.timeout,
        { clock: this.clock },
      );
    }
    this.checkDrained();
    return this.drained;
  }

  protected defaultMapConcurrency(): number {
    return this.limit;
  }

  // ---- queue control (control.ts asks) ---------------------------------------

  protected queuedCount(): number {
    return this.waiting();
  }
  protected runningCount(): number {
    return this.running;
  }
  protected capacity(): number {
    return this.limit;
  }
  protected override maxQueueSize(): number {
    return this.maxQueue;
  }
  protected wake(): void {
    this.pump(this.now());
  }
  protected moveQueued(id: string, priority: number): boolean {
    return this.queue.move((e) => e.x?.id === id, priority) !== undefined;
  }
  protected clearQueued(reason: QueueClearedError): number {
    const doomed = this.queue.drain();
    this.stopRateWait();
    for (const e of doomed) {
      e.removed = true;
      e.state = DONE;
      this.counters.cancelled++;
      this.settle(e, false, reason);
    }
    this.checkDrained();
    return doomed.length;
  }

  // ---- internals -------------------------------------------------------------

  /** Tasks waiting to start, without building a stats snapshot (auto() checks its maxQueue with it). */
  queueLength(): number {
    return this.waiting();
  }

  private waiting(): number {
    return this.queue.length;
  }

  private begin(e: Entry, now: number): void {
    e.state = RUNNING;
    e.startedAt = now;
    e.slot = this.running++;
    this.active[e.slot] = e;
    if (this.hot) this.note('active');
    this.counters.waitTime.add(now - e.at);
    const x = e.x;
    if (x !== undefined && x.timeout !== Infinity) x.timer = setTimer(() => this.expire(e), x.timeout, { clock: this.clock });
    const fn = typeof e.task === 'function' ? e.task : this.loaded.get(e.task.id);
    if (fn === undefined) this.load(e);
    else if (!e.waited) this.invoke(fn, e);
    else e.runInAsyncScope(this.invoke, this, fn, e);
  }

  private invoke(fn: TaskFunction, e: Entry): void {
    let out: unknown;
    // While the task's synchronous part runs, watch() can name it if it blocks the loop.
    const g = globalThis as Record<symbol, unknown>;
    const outer = g[CURRENT_TASK];
    g[CURRENT_TASK] = typeof e.task === 'function' ? e.task.name || '(anonymous function)' : e.task.id;
    try {
      // A closure given no input takes its context first (`run(async ({ signal }) => …)`, as in p-queue).
      out = e.input === undefined && typeof e.task === 'function' ? (fn as ContextTask)(e) : fn(e.input, e);
    } catch (error) {
      this.finish(e, false, error);
      return;
    } finally {
      g[CURRENT_TASK] = outer;
    }
    if (out instanceof Promise || (out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function')) {
      (out as PromiseLike<unknown>).then(
        (value) => this.finish(e, true, value),
        (error: unknown) => this.finish(e, false, error),
      );
    } else {
      this.finish(e, true, out);
    }
  }

  /** First run of a task reference: import its module (once), then invoke. */
  private load(e: Entry): void {
    const ref = e.task as TaskRef;
    importModule(ref.module)
      .then((mod) => {
        const fn = pickExport(mod, ref.module, ref.name);
        this.loaded.set(ref.id, fn);
        if (e.settled) return this.finish(e, false, e.abortReason); // cancelled while loading: never run it
        if (!e.waited) this.invoke(fn, e);
        else e.runInAsyncScope(this.invoke, this, fn, e);
      })
      .catch((error: unknown) => this.finish(e, false, error));
  }

  /** The task's own code settled: free its slot, and settle the caller if nothing did yet. */
  private finish(e: Entry, ok: boolean, value: unknown): void {
    if (e.state !== RUNNING) return;
    // A task may return transfer(value, list) for threads; on the loop nothing moves: hand back the value.
    if (ok) value = unwrapTransfer(value).value;
    e.state = DONE;
    const last = this.active[--this.running] as Entry;
    this.active[e.slot] = last;
    last.slot = e.slot;
    this.active[this.running] = undefined as unknown as Entry;
    const c = this.counters;
    const now = this.now();
    const runTime = now - e.startedAt;
    c.runTime.add(runTime);
    c.busyMs += runTime;
    if (!e.settled) {
      if (ok) c.completed++;
      else c.failed++;
      this.settle(e, ok, value);
    } else {
      this.settledRunning--;
    }
    if (this.hot) this.note('next');
    if (this.waiting() > 0) this.pump(now);
    else this.checkDrained();
  }

  private settle(e: Entry, ok: boolean, value: unknown): void {
    e.settled = true;
    this.unsettled--;
    const x = e.x;
    if (x !== undefined) {
      if (x.onAbort !== undefined) {
        (x.source as AbortSignal).removeEventListener('abort', x.onAbort);
        x.onAbort = undefined;
      }
      if (x.timer !== undefined) {
        clearTimer(x.timer, this.clock);
        x.timer = undefined;
      }
    }
    if (ok) e.resolve(value);
    else e.reject(value);
    if (this.hot) this.note(ok ? 'completed' : 'error', value);
  }

  /** Cancellation by the run's signal, the ambient scope, or close({ cancel }). */
  private cancel(e: Entry, reason: unknown): void {
    if (e.settled) return;
    this.counters.cancelled++;
    switch (e.state) {
      case QUEUED:
        e.removed = true;
        e.state = DONE;
        this.queue.removed();
        if (this.queue.length === 0) this.stopRateWait();
        this.settle(e, false, reason);
        if (this.hot) this.note('dequeued');
        this.checkDrained();
        return;
      case RUNNING:
        this.settledRunning++;
        this.settle(e, false, reason);
        e.abortTask(reason);
        this.checkDrained();
    }
  }

  /**
   * The run's timeout passed: the task is cancelled with a TimeoutError naming it (counted as
   * cancelled, as on every executor: see ExecutorStats.cancelled).
   */
  private expire(e: Entry): void {
    const x = e.extra();
    x.timer = undefined;
    if (e.settled) return;
    this.cancel(e, timeoutError(`loop(): task ${taskLabel(e.task)} timed out after ${x.timeout} ms`));
  }

  /** Start waiting entries while there are free slots (and the rate limit allows). */
  private pump(now: number): void {
    if (this.pumping) return; // a task finishing synchronously inside start(): the loop below goes on
    this.pumping = true;
    try {
      while (this.running < this.limit && !this.paused && this.queue.length > 0) {
        if (this.limiter !== undefined) {
          now = this.now(); // a rate decision needs the exact time
          const wait = this.limiter.delay(now);
          if (wait > 0) {
            // The entry stays in the line: whatever is at its head when the window opens starts.
            if (this.rateHeldSince < 0) this.rateHeldSince = now;
            this.rateTimer ??= setTimer(this.onRateTimer, wait, { clock: this.clock });
            if (this.hot) this.note('rate');
            break;
          }
          this.limiter.record(now);
          this.rateWait.add(this.rateHeldSince < 0 ? 0 : now - this.rateHeldSince);
          this.rateHeldSince = -1;
          if (this.hot && this.limiter.delay(now) > 0) this.note('rate');
        }
        this.begin(this.queue.shift() as Entry, now);
      }
    } finally {
      this.pumping = false;
    }
    this.checkDrained();
  }

  private readonly onRateTimer = (): void => {
    this.rateTimer = undefined;
    this.pump(this.now());
  };

  /** Nothing waits any more: the rate timer has nothing to start. */
  private stopRateWait(): void {
    this.rateHeldSince = -1;
    this.clearRateTimer();
  }

  private clearRateTimer(): void {
    if (this.rateTimer !== undefined) {
      clearTimer(this.rateTimer, this.clock);
      this.rateTimer = undefined;
    }
  }

  private cancelAll(): void {
    const reason = abortError('loop(): the executor was closed with { cancel: true }');
    if (this.closeTimer !== undefined) {
      clearTimer(this.closeTimer, this.clock);
      this.closeTimer = undefined;
    }
    const doomed: Entry[] = [];
    for (const e of this.queue.drain()) {
      e.removed = true; // drain() already took it out of the line
      e.state = DONE;
      doomed.push(e);
    }
    this.stopRateWait();
    for (let i = 0; i < this.running; i++) doomed.push(this.active[i] as Entry);
    for (const e of doomed) {
      if (e.state === DONE && !e.settled) {
        this.counters.cancelled++;
        this.settle(e, false, reason);
      } else {
        this.cancel(e, reason);
      }
    }
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.onDrained === undefined || this.unsettled > 0) return;
    this.clearRateTimer();
    if (this.closeTimer !== undefined) {
      clearTimer(this.closeTimer, this.clock);
      this.closeTimer = undefined;
    }
    const done = this.onDrained;
    this.onDrained = undefined;
    done();
  }
}

const performanceNow = performance.now.bind(performance);

/** The context of every run of the lane (runNow): over before anything could abort it. */
const laneContext: TaskContext = Object.freeze({
  signal: new AbortController().signal,
  emit: () => {},
  workerId: 0,
  threadId,
  pid: process.pid,
});

/** The event-loop executor: `await using io = loop({ concurrency: 64 })`. */
export function loop(options?: LoopOptions): LoopExecutor {
  return new LoopExecutor(options);
}
