/**
 * `auto()`: measures each task, routes it to the model that fits, and says why.
 *
 *   run(t.x) ─▶ router ─▶ learner.choice() ─┬─▶ loop        (inline.ts: async waits, tiny CPU)
 *                 ▲        (policy.ts, pure) ├─▶ threads     (CPU; probes of unknown tasks: probes.ts)
 *                 │                          ├─▶ blocking    (threads sized for synchronous waits)
 *                 │                          └─▶ processes   (tasks that crash or run out of memory)
 *                 └── samples: worker-side wall/CPU/ELU of profiled runs (worker-run.ts);
 *                     sync time of inline runs (inline.ts); crashes
 *
 * An unknown task is probed on a thread: it has its own CPU clock and event loop,
 * and it is safe if the task blocks. While a task's probes are in flight, its
 * other submissions wait for them rather than all becoming probes. An `async
 * function` is the exception (a head start): written to wait, it is probed on
 * the loop itself, where each synchronous slice is timed and the loop's
 * utilization over a run bounds the CPU that run could have used; a long slice
 * ends the head start (it is probed on threads after all), and a loop too busy
 * to tell adds thread probes.
 * Tasks on the loop are re-sampled on a thread now and then, so a task whose
 * behaviour changes is re-routed.
 *
 * This file is the executor's face (run, stats, close, explain); each part of
 * the work has its own file: options.ts, learner.ts (what is known), policy.ts
 * (the pure decision), probes.ts (the gate), router.ts, inline.ts, worker-run.ts.
 */
import { setTimer, clearTimer, type Timer } from '../durations.js';
import { BaseExecutor, checkCloseOptions, checkRunOptions, parseRunDefaults, type CloseOptions, type ExecutorStats, type RunOptions } from '../executor.js';
import { isTaskRef, taskLabel, type Task, type TaskRef, type TaskFunction, type ContextTask, type NoInputNeeded } from '../task.js';
import { abortError, ExecutorClosedError, QueueFullError, type QueueClearedError } from '../errors.js';
import { Counters, type Percentiles } from '../stats.js';
import type { Model, TaskProfile } from './profile.js';
import type { Decision } from './policy.js';
import { checkAutoOptions, MODELS, type AutoOptions, type CheckedAutoOptions } from './options.js';
import { Learner } from './learner.js';
import { Executors } from './executors.js';
import { Probes } from './probes.js';
import { Inline } from './inline.js';
import { Router } from './router.js';

export type { AutoOptions } from './options.js';

/** One task in {@link AutoStats}.tasks: where it runs now, why, and the measurements behind it. */
export interface AutoTaskReport {
  /** Where the task runs now. */
  model: Model;
  /** The decision's reason, in words with the numbers (as explain() gives it). */
  reason: string;
  /** The measurements behind it. */
  profile: TaskProfile;
}

/** auto()'s stats(): the executor figures summed over the executors it drives (utilization: the busiest one's), plus per task. */
export interface AutoStats extends ExecutorStats {
  /** Per task (by label): the current decision, its reason and the profile behind it. */
  readonly tasks: Readonly<Record<string, AutoTaskReport>>;
  /** Runs each model received, all tasks together. */
  readonly runsByModel: Readonly<Record<Model, number>>;
}

/**
 * The executor auto() returns: measures each task, routes it to loop(), threads() or
 * processes() (each created on first use and closed by close()), and explain() says why.
 * Create it with auto(options).
 */
export class AutoExecutor extends BaseExecutor<AutoStats> {
  /** Always 'auto'. */
  readonly kind = 'auto' as const;
  private readonly counters = new Counters();
  private readonly learner: Learner;
  private readonly executors: Executors;
  private readonly probes: Probes;
  private readonly router: Router;
  private closed: Promise<void> | undefined;

  /** @internal Use auto(options): it validates them. */
  constructor(private readonly options: CheckedAutoOptions) {
    super();
    this.learner = new Learner(options);
    this.executors = new Executors(options, this.counters);
    this.probes = new Probes(this.learner, this.executors);
    const inline = new Inline(this.learner);
    this.router = new Router(this.learner, this.executors, this.probes, inline);
    const wake = () => this.probes.wake();
    this.learner.onRoutable = wake;
    inline.onMeasured = wake;
    this.executors.cpu.onSpareCapacity = wake;
    this.executors.blocking.onSpareCapacity = wake;
    this.probes.onLeave = () => {
      if (this.hot) this.note('dequeued');
    };
    for (const e of this.executors.all) this.adopt(e);
    this.useDefaults(parseRunDefaults('auto()', options));
    if (this.paused) for (const e of this.executors.all) e.pause();
  }

  // ---- queue control: delegated to the executors it drives (control.ts) ------
  // Calls still waiting for their task's probes count as queued; clear() and
  // setPriority() reach what the executors hold (a call at a probe gate is not dropped).

  protected queuedCount(): number {
    return this.executors.all.reduce((n, e) => n + e.size, this.probes.waiting);
  }
  protected runningCount(): number {
    return this.executors.all.reduce((n, e) => n + e.pending, 0);
  }
  protected capacity(): number {
    return this.executors.all.reduce((n, e) => n + e.concurrencyLimit(), 0);
  }
  /** Calls wait for their task's probes, or an executor it drives is saturated. */
  override get isSaturated(): boolean {
    return this.probes.waiting > 0 || this.executors.all.some((e) => e.isSaturated);
  }
  protected clearQueued(reason: QueueClearedError): number {
    // The gates' calls are uncounted at once (each leaves as cancelled, see Probes.admit).
    const n = this.probes.rejectAll(reason);
    return this.executors.all.reduce((k, e) => k + e.clear(), n);
  }
  /** Start no more tasks until resume(), on every executor it drives; running ones go on, new runs queue. */
  override pause(): void {
    super.pause();
    // Not once closing (super.pause() then did nothing): the executors it drives must drain too.
    if (this.paused) for (const e of this.executors.all) e.pause();
  }
  protected wake(): void {
    for (const e of this.executors.all) e.resume();
  }
  protected moveQueued(id: string, priority: number): boolean {
    for (const state of this.learner.states.values()) if (state.gate.move(id, priority)) return true;
    return this.executors.all.some((e) => e.setPriority(id, priority));
  }

  /** A task on the loop (or probed there) gets the loop's window; one on workers enough to keep them busy. */
  protected defaultMapConcurrency(task: Task): number {
    const onLoop = isTaskRef(task) ? this.learner.choice(this.learner.state(task)).model === 'loop' : true;
    return onLoop ? this.executors.loop.concurrency : Math.max(this.learner.env.cores * 2, 16);
  }

  /** The decision auto() would make for this task now, with its reason and profile. */
  explain(task: TaskRef): Decision {
    return this.learner.decision(this.learner.state(task));
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
    if (options !== undefined) {
      try {
        checkRunOptions('auto().run()', options);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.closed) return Promise.reject(new ExecutorClosedError('auto'));
    if (this.defaultTimeout !== Infinity || this.defaultPriority !== 0) {
      options = { timeout: this.defaultTimeout, priority: this.defaultPriority, ...options };
    }
    const maxQueue = this.options.maxQueue ?? Infinity;
    if (maxQueue !== Infinity && this.probes.waiting + this.executors.queueLength() >= maxQueue) {
      return Promise.reject(new QueueFullError('auto', maxQueue));
    }
    // A closure can only run where it was made.
    if (!isTaskRef(task)) return this.executors.loop.run(task, input as I, options);
    return this.router.route(this.learner.state(task), input, options) as Promise<O>;
  }

  /** An immutable snapshot: the counts of every executor it drives together, plus each task's decision and profile. */
  stats(): AutoStats {
    const subs = this.executors.all.map((e) => e.stats());
    const sum = (k: 'submitted' | 'completed' | 'failed' | 'cancelled' | 'crashed' | 'queued' | 'running' | 'workers') =>
      subs.reduce((n, s) => n + s[k], 0);
    const tasks: Record<string, AutoTaskReport> = {};
    const runsByModel: Record<Model, number> = { loop: 0, threads: 0, processes: 0 };
    for (const state of this.learner.states.values()) {
      const d = this.learner.decision(state);
      tasks[taskLabel(state.ref)] = { model: d.model, reason: d.reason, profile: d.profile };
      for (const m of MODELS) runsByModel[m] += state.runs[m];
    }
    const c = this.counters;
    return Object.freeze({
      kind: 'auto' as const,
      // A call waiting for a probe, or cancelled there, has reached no executor yet: it is counted here.
      // A call run again after its probe on the loop was stopped is counted once (Router.reruns).
      submitted: sum('submitted') + this.probes.waiting + this.probes.cancelled - this.router.reruns,
      completed: sum('completed'),
      failed: sum('failed') - this.router.reruns,
      cancelled: sum('cancelled') + this.probes.cancelled,
      crashed: sum('crashed'),
      queued: sum('queued') + this.probes.waiting,
      running: sum('running'),
      workers: sum('workers'),
      utilization: Math.max(0, ...subs.map((s) => s.utilization)),
      runTime: c.runTime.percentiles() as Percentiles,
      waitTime: c.waitTime.percentiles() as Percentiles,
      uptime: performance.now() - c.startedAt,
      tasks: Object.freeze(tasks),
      runsByModel: Object.freeze(runsByModel),
    });
  }

  /**
   * Drain (calls waiting for a probe included), then close every executor it created.
   * `cancel: true` cancels queued and running tasks; `timeout` (ms, from this call)
   * cancels what is left when it passes. Afterwards `run()` rejects with ExecutorClosedError.
   */
  close(options?: CloseOptions): Promise<void> {
    try {
      checkCloseOptions('auto().close()', options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (options?.cancel) {
      this.probes.rejectAll(abortError('auto() was closed with cancel: true'));
      if (this.closed) for (const e of this.executors.all) void e.close(options);
    }
    this.drainForClose(); // close() drains: the executors it drives are resumed, and pause() no longer applies
    this.closed ??= this.shutdown(options);
    return this.closed;
  }

  /**
   * Calls waiting for a probe were accepted: let them reach their executor before
   * it closes. With a timeout, it counts from this call: once it passes, the calls
   * still waiting are cancelled, and the executors get what is left of it (issue
   * 14: the executors were closed only once those calls had left, so a probe that
   * never ended kept close() and the process waiting forever).
   */
  private async shutdown(options: CloseOptions | undefined): Promise<void> {
    const timeout = options?.timeout ?? Infinity;
    if (timeout === Infinity || options?.cancel) {
      await this.probes.drained();
      await Promise.all(this.executors.all.map((e) => e.close(options)));
      return;
    }
    const started = performance.now();
    let timer: Timer = undefined;
    // Through setTimer(): a close timeout over 2^31-1 ms must not fire after 1 ms (issue 14).
    const expired = new Promise<void>((resolve) => (timer = setTimer(resolve, timeout)));
    await Promise.race([this.probes.drained(), expired]);
    clearTimer(timer);
    this.probes.rejectAll(abortError(`auto().close(): calls still waiting for a probe after ${timeout} ms were cancelled`));
    const left = Math.max(0, timeout - (performance.now() - started));
    await Promise.all(this.executors.all.map((e) => e.close({ ...options, timeout: left })));
  }
}

/**
 * An executor that measures each task and runs it on the model that fits: waiting
 * work on the event loop, CPU work and blocking calls on threads, tasks that crash
 * or run out of memory in processes. A task is probed (2 measured runs by default)
 * before it is routed; `explain(t.x)` gives the decision and why.
 *
 * @throws InvalidOptionError (`ERR_BOUNDWISE_INVALID_OPTION`) for an unknown or invalid option.
 */
export function auto(options: AutoOptions = {}): AutoExecutor {
  return new AutoExecutor(checkAutoOptions(options));
}
