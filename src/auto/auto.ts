/**
 * `auto()`: measures each task, routes it to the model that fits, and says why.
 *
 *   run(t.x) ─▶ profile(t.x) ─▶ decide() ─┬─▶ loop        (inline: async waits, tiny CPU)
 *                 ▲                        ├─▶ threads     (CPU; probes of unknown tasks)
 *                 │                        ├─▶ blocking    (threads sized for synchronous waits)
 *                 │                        └─▶ processes   (tasks that crash or run out of memory)
 *                 └── samples: worker-side wall/CPU/ELU of profiled runs; sync time of inline runs; crashes
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
 */
import { availableParallelism } from 'node:os';
import { BaseExecutor, checkCloseOptions, checkRunOptions, parseRunDefaults, RUN_DEFAULT_OPTIONS, type CloseOptions, type ExecutorStats, type RunDefaults, type RunOptions } from '../executor.js';
import { loop, type LoopExecutor, type LoopOptions } from '../loop/index.js';
import { threads, type ThreadPool, type ThreadsOptions } from '../threads/index.js';
import { processes, type ProcessPool, type ProcessesOptions } from '../processes/index.js';
import { importModule, isTaskRef, loadedModule, pickExport, taskLabel, type Task, type TaskContext, type TaskFunction, type TaskRef, type ContextTask, type NoInputNeeded } from '../task.js';
import { abortError, ExecutorClosedError, InvalidOptionError, QueueClearedError, QueueFullError, WorkerCrashedError } from '../errors.js';
import { boolOption, intOption, knownOptions, objectOption } from '../options.js';
import { Counters, type Percentiles } from '../stats.js';
import { effectiveSignal } from '../scope.js';
import { Gate } from './gate.js';
import type { Counters as CountersType } from '../stats.js';
import { addCrash, addOverhead, addSample, NEW_PROFILE, type Model, type TaskProfile } from './profile.js';
import { choose, decide, DEFAULT_ENV, trustFirstRun, type Choice, type Decision, type PolicyEnv } from './policy.js';

export interface AutoOptions extends RunDefaults {
  /** Always run these tasks on this model: `{ [t.resize]: 'processes' }` (keys are `String(taskRef)`). */
  pin?: Record<string, Model>;
  /** Runs measured before routing a new task. Default 2. */
  probeRuns?: number;
  /**
   * Probe `async function` tasks on the loop, where they are written to run, instead
   * of on threads (default true): no round trip to a thread before their calls
   * start. A synchronous slice over 10 ms, or a busy event loop, sends such a task
   * to thread probes after all. false: every new task is probed on threads first.
   */
  headStart?: boolean;
  /** Options of the executors auto() drives. */
  loop?: LoopOptions;
  threads?: ThreadsOptions;
  processes?: ProcessesOptions;
  /**
   * Upper bound of the pool for blocking waits (sized from measurements), which also takes
   * probes when the CPU threads are busy. Default 4 × cores; 0 shares the CPU threads instead.
   */
  maxBlockingThreads?: number;
  /** Most calls waiting across auto() and its executors; more reject with QueueFullError. Default Infinity. */
  maxQueue?: number;
}

export interface AutoTaskReport {
  model: Model;
  reason: string;
  profile: TaskProfile;
}

export interface AutoStats extends ExecutorStats {
  /** Per task (by label): the current decision, its reason and the profile behind it. */
  readonly tasks: Readonly<Record<string, AutoTaskReport>>;
  /** Runs each model received, all tasks together. */
  readonly runsByModel: Readonly<Record<Model, number>>;
}

const KNOWN = ['pin', 'probeRuns', 'headStart', 'loop', 'threads', 'processes', 'maxBlockingThreads', 'maxQueue', ...RUN_DEFAULT_OPTIONS] as const;
const MODELS: readonly Model[] = ['loop', 'threads', 'processes'];
/** One dispatch-cost sample counts at most this much (a busy moment is not the typical cost). */
const MAX_OVERHEAD_SAMPLE_MS = 2;
/** Profile every run until this many samples, then one run in PROFILE_EVERY. */
const DENSE_SAMPLES = 8;
const PROFILE_EVERY = 8;
/** Probes of one task running at once; its other calls wait for what they show. */
const PROBES_AT_ONCE = 2;
/** A task on the loop goes to a thread for a fresh sample at most this often (ms). */
const RESAMPLE_MS = 1_000;
/**
 * Inline runs that still look tiny are measured one in this many (a sample costs
 * more than a tiny task, and tiny tasks come by the thousand); a run long enough
 * to change the decision is always measured.
 */
const INLINE_SAMPLE_EVERY = 256;
/** A call that would wait for its task's probes reads their answers synchronously once in this many (a power of 2). */
const POLL_EVERY = 16;
/** An inline run whose synchronous part takes longer than this blocks the loop: re-route it. */
const BLOCKING_SLICE_MS = 10;

interface TaskState {
  ref: TaskRef;
  /** Measurements and crashes; runs are counted in `runs` and merged in for reports. */
  profile: TaskProfile;
  runs: Record<Model, number>;
  total: number;
  /** The routing choice for the current profile; cleared whenever the profile changes. */
  choice: Choice | undefined;
  /** Probes of it running now. */
  probing: number;
  /** Inline runs so far (one in INLINE_SAMPLE_EVERY is measured). */
  inlineRuns: number;
  /** When it was last sent to a thread for a fresh measurement while routed to the loop. */
  resampledAt: number;
  /** The closure that runs it inline on the loop, made once. */
  body: TaskFunction | undefined;
  fn: TaskFunction | undefined;
  /** An async function not yet seen blocking: probed on the loop (see policy's headStart). */
  headStart: boolean;
  /** A head-start run saw a busy loop, which proves nothing: probe on threads too, when one is free. */
  inconclusive: boolean;
  /** A head-start run had a long first slice, forgiven once (see inlineBody). */
  coldSlice: boolean;
  gate: Gate;
}

export class AutoExecutor extends BaseExecutor<AutoStats> {
  readonly kind = 'auto' as const;
  private readonly states = new Map<string, TaskState>();
  private readonly counters = new Counters();
  private readonly loopEx: LoopExecutor;
  private readonly cpu: ThreadPool;
  private readonly blocking: ThreadPool;
  private readonly procs: ProcessPool;
  private closed: Promise<void> | undefined;
  private gatesIdle: Array<() => void> = [];
  private gateCancelled = 0;
  private readonly env: Omit<PolicyEnv, 'pin'>;
  private threadOverheadMs = DEFAULT_ENV.threadOverheadMs;
  private waitingAtGates = 0;
  /** Calls that found their task's probes busy (see pollProbes). */
  private parked = 0;

  constructor(private readonly options: AutoOptions & { pin: Record<string, Model> }) {
    super();
    // Created up front so their options are checked now; none starts a worker before it has work.
    this.loopEx = this.watch(loop(options.loop));
    this.cpu = this.watch(threads(options.threads));
    // maxBlockingThreads: 0 — blocking waits and probes share the CPU threads (a fixed capacity).
    this.blocking = options.maxBlockingThreads === 0 ? this.cpu : this.watch(threads({ ...options.threads, min: 0 }));
    this.cpu.onSpareCapacity = () => this.wakeGates();
    this.blocking.onSpareCapacity = () => this.wakeGates();
    this.procs = this.watch(processes(options.processes));
    this.env = {
      ...DEFAULT_ENV,
      cores: availableParallelism(),
      probeRuns: options.probeRuns ?? DEFAULT_ENV.probeRuns,
      // Starting a thread costs milliseconds of CPU: on a burst, dozens of new threads cost more
      // than the waits they would overlap. 4 per core by default; raise it for sustained load.
      maxBlockingThreads: options.maxBlockingThreads ?? Math.max(4, 4 * availableParallelism()),
    };
    this.useDefaults(parseRunDefaults('auto()', options));
    if (this.paused) for (const e of this.subs()) e.pause();
  }

  // ---- queue control: delegated to the executors it drives (control.ts) ------
  // Calls still waiting for their task's probes count as queued; clear() and
  // setPriority() reach what the executors hold (a call at a probe gate is not dropped).

  protected queuedCount(): number {
    return this.subs().reduce((n, e) => n + e.size, this.waitingAtGates);
  }
  protected runningCount(): number {
    return this.subs().reduce((n, e) => n + e.pending, 0);
  }
  protected capacity(): number {
    return this.subs().reduce((n, e) => n + e.concurrencyLimit(), 0);
  }
  /** Calls wait for their task's probes, or an executor it drives is saturated. */
  override get isSaturated(): boolean {
    return this.waitingAtGates > 0 || this.subs().some((e) => e.isSaturated);
  }
  protected clearQueued(reason: QueueClearedError): number {
    let n = 0;
    for (const state of this.states.values()) n += state.gate.rejectAll(reason);
    this.gateCancelled += n;
    this.waitingAtGates -= n;
    if (n > 0 && this.waitingAtGates === 0) for (const idle of this.gatesIdle.splice(0)) idle();
    return this.subs().reduce((k, e) => k + e.clear(), n);
  }
  override pause(): void {
    super.pause();
    for (const e of this.subs()) e.pause();
  }
  protected wake(): void {
    for (const e of this.subs()) e.resume();
  }
  protected moveQueued(id: string, priority: number): boolean {
    for (const state of this.states.values()) if (state.gate.move(id, priority)) return true;
    return this.subs().some((e) => e.setPriority(id, priority));
  }

  /** A task on the loop (or probed there) gets the loop's window; one on workers enough to keep them busy. */
  protected defaultMapConcurrency(task: Task): number {
    const onLoop = isTaskRef(task) ? this.choice(this.state(task)).model === 'loop' : true;
    return onLoop ? this.loopEx.concurrency : Math.max(this.env.cores * 2, 16);
  }

  /** The decision auto() would make for this task now, with its reason and profile. */
  explain(task: TaskRef): Decision {
    return this.decision(this.state(task));
  }

  // The overloads of Executor.run (executor.ts): the input may be left out only where it is optional.
  run<O>(task: ContextTask<O>, input?: undefined, options?: RunOptions): Promise<O>;
  run<I, O>(task: TaskFunction<I, O>, input: I, options?: RunOptions): Promise<O>;
  run<I, O>(task: TaskRef<I, O>, input: NoInfer<I>, options?: RunOptions): Promise<O>;
  run<I, O>(task: TaskRef<I, O> & NoInputNeeded<I>, input?: undefined, options?: RunOptions): Promise<O>;
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
    if (maxQueue !== Infinity && this.waitingAtGates + this.subs().reduce((n, e) => n + e.queueLength(), 0) >= maxQueue) {
      return Promise.reject(new QueueFullError('auto', maxQueue));
    }
    // A closure can only run where it was made.
    if (!isTaskRef(task)) return this.loopEx.run(task, input as I, options);
    return this.route(this.state(task), input, options) as Promise<O>;
  }

  stats(): AutoStats {
    const subs = this.subs().map((e) => e.stats());
    const sum = (k: 'submitted' | 'completed' | 'failed' | 'cancelled' | 'crashed' | 'queued' | 'running' | 'workers') =>
      subs.reduce((n, s) => n + s[k], 0);
    const tasks: Record<string, AutoTaskReport> = {};
    const runsByModel: Record<Model, number> = { loop: 0, threads: 0, processes: 0 };
    for (const state of this.states.values()) {
      const d = this.decision(state);
      tasks[taskLabel(state.ref)] = { model: d.model, reason: d.reason, profile: d.profile };
      for (const m of MODELS) runsByModel[m] += state.runs[m];
    }
    const c = this.counters;
    return Object.freeze({
      kind: 'auto' as const,
      submitted: sum('submitted'),
      completed: sum('completed'),
      failed: sum('failed'),
      cancelled: sum('cancelled') + this.gateCancelled,
      crashed: sum('crashed'),
      queued: sum('queued') + this.waitingAtGates,
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

  close(options?: CloseOptions): Promise<void> {
    try {
      checkCloseOptions('auto().close()', options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (options?.cancel) {
      const reason = abortError('auto() was closed with cancel: true');
      for (const state of this.states.values()) this.gateCancelled += state.gate.rejectAll(reason);
      if (this.closed) for (const e of this.subs()) void e.close(options);
    }
    this.resume(); // close() drains
    this.closed ??= this.shutdown(options);
    return this.closed;
  }

  /** Calls waiting for a probe were accepted: let them reach their executor before it closes. */
  private async shutdown(options: CloseOptions | undefined): Promise<void> {
    while (this.waitingAtGates > 0) await new Promise<void>((resolve) => this.gatesIdle.push(resolve));
    await Promise.all(this.subs().map((e) => e.close(options)));
  }

  // ---- routing -----------------------------------------------------------------

  private state(ref: TaskRef): TaskState {
    let s = this.states.get(ref.id);
    if (!s) {
      s = { ref, profile: NEW_PROFILE, runs: { loop: 0, threads: 0, processes: 0 }, total: 0, choice: undefined, probing: 0, inlineRuns: 0, resampledAt: performance.now(), body: undefined, fn: undefined, headStart: false, inconclusive: false, coldSlice: false, gate: new Gate() };
      this.states.set(ref.id, s);
      this.lookForHeadStart(s);
    }
    return s;
  }

  private envFor(ref: TaskRef): PolicyEnv {
    const pin = this.options.pin[ref.id];
    const headStart = this.states.get(ref.id)?.headStart === true;
    return { ...this.env, threadOverheadMs: this.threadOverheadMs, ...(pin && { pin }), ...(headStart && { headStart }) };
  }

  /**
   * Is the task an async function? Its module is loaded here too (a task may run
   * inline, so auto() imports task modules on this thread anyway): at once if
   * this process has loaded it already, else when the import completes (calls
   * that came before wait at the gate or probe on threads, as for any task). A
   * module that fails to load here is left to the probes, which report the error.
   */
  private lookForHeadStart(s: TaskState): void {
    if (this.options.headStart === false) return;
    const mod = loadedModule(s.ref.module);
    const fn = mod && typeof mod[s.ref.name] === 'function' ? (mod[s.ref.name] as TaskFunction) : undefined;
    if (fn !== undefined) {
      s.fn = fn;
      s.headStart = fn instanceof AsyncFunction;
      return;
    }
    this.load(s).then(
      (loaded) => {
        if (!(loaded instanceof AsyncFunction) || s.profile.samples >= this.env.probeRuns) return;
        s.headStart = true;
        s.choice = undefined;
        this.wakeGates();
      },
      () => {},
    );
  }

  private endHeadStart(s: TaskState): void {
    if (!s.headStart) return;
    s.headStart = false;
    s.choice = undefined;
  }

  /** The full decision, with its reason (for explain() and stats()). */
  private decision(s: TaskState): Decision {
    return decide(this.report(s), this.envFor(s.ref));
  }

  /** The routing choice, cached until the profile changes (the hot path). */
  private choice(s: TaskState): Choice {
    return (s.choice ??= choose(s.profile, this.envFor(s.ref)));
  }

  private setProfile(s: TaskState, profile: TaskProfile): void {
    s.profile = profile;
    s.choice = undefined;
  }

  /** The profile with its run counts, as users see it. */
  private report(s: TaskState): TaskProfile {
    return { ...s.profile, runs: s.total, runsByModel: { ...s.runs } };
  }

  /** Route a call: synchronous on the hot path; only a call that must wait for a probe goes async. */
  private route(s: TaskState, input: unknown, options: RunOptions | undefined): Promise<unknown> {
    let d = this.choice(s);
    if (d.behaviour === 'unknown' && d.model === 'threads' && !this.canProbe(s) && this.pollProbes(s)) d = this.choice(s);
    if (d.behaviour === 'unknown') {
      if (d.model === 'threads' && !this.canProbe(s)) return this.routeAfterGate(s, input, options);
      // A head start that measured nothing yet (the loop was busy): a thread probe when one is free.
      if (d.model === 'loop' && s.inconclusive && this.canProbe(s)) return this.dispatchTo(s, PROBE, input, options);
    }
    return this.dispatchTo(s, d, input, options);
  }

  /**
   * An unknown task is probed on a free thread. With none free, the call waits at the
   * task's gate rather than queueing on threads: by the time it leaves, the probes may
   * have shown where it belongs (a flood of tiny or waiting calls must not all be
   * shipped to threads first).
   */
  private async routeAfterGate(s: TaskState, input: unknown, options: RunOptions | undefined): Promise<unknown> {
    let d = this.choice(s);
    for (let again = false; d.behaviour === 'unknown' && d.model === 'threads' && !this.canProbe(s); again = true) {
      this.waitingAtGates++;
      let counted = true;
      try {
        await s.gate.wait(options?.priority ?? 0, effectiveSignal(options?.signal), () => this.gateCancelled++, again, options?.id);
      } catch (error) {
        counted = !(error instanceof QueueClearedError); // clear() uncounted it at once (size is 0 when it returns)
        throw error;
      } finally {
        if (counted) this.waitingAtGates--;
        if (this.hot) this.note('dequeued');
        if (this.waitingAtGates === 0) for (const idle of this.gatesIdle.splice(0)) idle();
      }
      d = this.choice(s);
    }
    return this.dispatchTo(s, d, input, options);
  }

  private dispatchTo(s: TaskState, d: Choice, input: unknown, options: RunOptions | undefined): Promise<unknown> {
    // Now and then a task on the loop is measured on a thread, which keeps its profile honest.
    let resample = false;
    if (d.model === 'loop' && d.behaviour !== 'pinned' && d.behaviour !== 'unknown' && (s.total & 63) === 63) {
      const now = performance.now();
      if (now - s.resampledAt >= RESAMPLE_MS) {
        resample = true;
        s.resampledAt = now;
      }
    }
    const model: Model = resample ? 'threads' : d.model;
    s.runs[model]++;
    s.total++;
    if (model === 'loop') return this.loopEx.run(this.inlineBody(s), input, options);
    if (model === 'processes') return this.onWorker(this.procs, s, input, options, this.shouldProfile(s));
    if (d.behaviour === 'waiting-blocking') {
      return this.onWorker(this.blockingPool(d.threads ?? this.env.cores), s, input, options, this.shouldProfile(s));
    }
    if (d.behaviour !== 'unknown') return this.onWorker(this.cpu, s, input, options, resample || this.shouldProfile(s));
    s.probing++;
    // The probe is over when its answer is handled (which poll() may do inside a synchronous
    // burst, where a promise's finally would not run until the burst ends), or when it fails.
    let over = false;
    const end = (): void => {
      if (over) return;
      over = true;
      s.probing--;
      this.wakeGates();
    };
    return this.onWorker(this.probePool() ?? this.cpu, s, input, options, true, end).finally(end);
  }

  /**
   * A call is about to wait for this task's probes. Callers often submit a burst
   * in one synchronous loop, and the probes' answers cannot arrive before it ends:
   * so now and then read the threads' answers synchronously (pool.poll()), and a
   * burst of tiny calls is routed inline after its first few dozen, not after all.
   */
  private pollProbes(s: TaskState): boolean {
    if (s.probing === 0 || (++this.parked & (POLL_EVERY - 1)) !== 0) return false;
    const before = s.profile;
    this.cpu.poll();
    if (this.blocking !== this.cpu) this.blocking.poll();
    return s.profile !== before;
  }

  /** A probe may start: fewer than PROBES_AT_ONCE of this task's are out, and a thread is free. */
  private canProbe(s: TaskState): boolean {
    return s.probing < PROBES_AT_ONCE && this.probePool() !== undefined;
  }

  /**
   * Where a probe can start now: a free CPU thread, else a free thread of the
   * blocking-wait pool (so probes are not stuck behind long CPU tasks), else none.
   */
  private probePool(): ThreadPool | undefined {
    if (this.cpu.spareCapacity() > 0) return this.cpu;
    if (this.blocking !== this.cpu && this.blocking.spareCapacity() > 0) return this.blocking;
    return undefined;
  }

  /** A thread came free, or a task got measured: let waiting calls go on. */
  private wakeGates(): void {
    if (this.waitingAtGates === 0) return;
    let spare = Math.max(0, this.cpu.spareCapacity()) + (this.blocking === this.cpu ? 0 : Math.max(0, this.blocking.spareCapacity()));
    for (const state of this.states.values()) {
      if (state.gate.size === 0) continue;
      const c = this.choice(state);
      if (c.behaviour !== 'unknown' || c.model === 'loop') state.gate.release();
      else if (spare > 0) spare -= state.gate.release(Math.min(spare, PROBES_AT_ONCE - state.probing));
    }
  }

  private shouldProfile(s: TaskState): boolean {
    return s.profile.samples < DENSE_SAMPLES || s.total % PROFILE_EVERY === 0;
  }

  private async onWorker(
    pool: ThreadPool | ProcessPool, s: TaskState, input: unknown, options: RunOptions | undefined, profile: boolean, answered?: () => void): Promise<unknown> {
    const model: Model = pool.kind === 'processes' ? 'processes' : 'threads';
    try {
      return await pool.submit(s.ref, input, false, options, {
        ...(profile && {
          onProfile: (p, runMs, cold) => {
            answered?.();
            // Time spent waiting for a CPU is neither waiting nor calculating by the task: leave it out.
            const sample = { wallMs: Math.max(p.cpu, p.wall - p.runQueue), cpuMs: p.cpu, elu: p.elu };
            if (p.first && !trustFirstRun(sample, { ...this.env, threadOverheadMs: this.threadOverheadMs })) return;
            this.setProfile(s, addSample(s.profile, sample));
            if (s.gate.size > 0) queueMicrotask(() => this.wakeGates());
            // A worker's first task pays its start-up: that is not the cost of dispatch.
            if (cold) return;
            const overhead = Math.min(MAX_OVERHEAD_SAMPLE_MS, Math.max(0, runMs - p.wall));
            this.setProfile(s, addOverhead(s.profile, model, overhead));
            if (model === 'threads') this.threadOverheadMs += 0.1 * (overhead - this.threadOverheadMs);
          },
        }),
      });
    } catch (error) {
      if (error instanceof WorkerCrashedError) this.setProfile(s, addCrash({ ...s.profile, runs: s.total }, error.reason === 'out-of-memory'));
      throw error;
    }
  }

  /** The task run on this thread's event loop, timing its synchronous part: a long one means it blocks. */
  private inlineBody(s: TaskState): TaskFunction {
    return (s.body ??= (value: unknown, ctx: TaskContext): unknown => {
      const fn = s.fn;
      if (!fn) return this.load(s).then((f) => f(value, ctx));
      const start = performance.now();
      const result = fn(value, ctx);
      const slice = performance.now() - start;
      const sync = !(result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function');
      // A long synchronous slice always counts (the task blocks the loop); short ones now and then.
      // Except the first of a head start: a first run on this thread may pay one-time work (the
      // first fetch() loads its HTTP client), so it gets a second chance, as a worker's first run does.
      const tiny = slice < this.threadOverheadMs * this.env.inlineFactor;
      if (slice > BLOCKING_SLICE_MS && s.headStart && !s.coldSlice && s.profile.samples < this.env.probeRuns) {
        s.coldSlice = true;
      } else if (slice > BLOCKING_SLICE_MS || (sync && (!tiny || s.inlineRuns++ % INLINE_SAMPLE_EVERY === 0))) {
        this.endHeadStart(s);
        this.setProfile(s, addSample(s.profile, { wallMs: slice, cpuMs: slice, elu: 1 }));
      } else if (!sync && s.headStart && s.profile.samples < this.env.probeRuns) {
        this.measureOnLoop(s, result as PromiseLike<unknown>, start);
      }
      return result;
    });
  }

  /**
   * A head-start probe on the loop: its wall time, and the loop's utilization
   * over the run, which bounds the CPU the run could have used (every other
   * task on the loop counts too, so it can only overstate). An idle loop says
   * "waiting"; a busy one proves nothing: its next calls are probed on threads
   * when one is free, and start on the loop meanwhile.
   */
  private measureOnLoop(s: TaskState, result: PromiseLike<unknown>, start: number): void {
    const elu0 = performance.eventLoopUtilization();
    const done = (): void => {
      if (!s.headStart) return;
      const wallMs = performance.now() - start;
      const { utilization } = performance.eventLoopUtilization(elu0);
      if (utilization >= this.env.waitingBelow) {
        s.inconclusive = true;
        return;
      }
      this.setProfile(s, addSample(s.profile, { wallMs, cpuMs: wallMs * utilization, elu: utilization }));
      if (s.gate.size > 0) this.wakeGates();
    };
    result.then(done, done);
  }

  private async load(s: TaskState): Promise<TaskFunction> {
    s.fn ??= pickExport(await importModule(s.ref.module), s.ref.module, s.ref.name);
    return s.fn;
  }

  /** The pool for blocking waits grows to the size the measurements ask for. */
  private blockingPool(size: number): ThreadPool {
    if (this.blocking === this.cpu) return this.cpu;
    const floor = this.options.threads?.max ?? this.env.cores;
    this.blocking.resize(Math.max(size, floor));
    return this.blocking;
  }

  private subs(): Array<LoopExecutor | ThreadPool | ProcessPool> {
    return this.blocking === this.cpu ? [this.loopEx, this.cpu, this.procs] : [this.loopEx, this.cpu, this.blocking, this.procs];
  }

  /** Collect the executor's run and wait samples into auto's own percentiles. */
  private watch<E extends LoopExecutor | ThreadPool | ProcessPool>(executor: E): E {
    const counters = (executor as unknown as { counters: CountersType }).counters;
    counters.runTime.mirrors.push(this.counters.runTime);
    counters.waitTime.mirrors.push(this.counters.waitTime);
    this.adopt(executor);
    return executor;
  }
}

const AsyncFunction = (async () => {}).constructor;
/** A probe on a thread, for a head-start task whose runs on the loop proved nothing. */
const PROBE: Choice = { model: 'threads', behaviour: 'unknown' };

export function auto(options: AutoOptions = {}): AutoExecutor {
  const owner = 'auto()';
  knownOptions(owner, options, KNOWN);
  const pin = objectOption<Record<string, Model>>(owner, 'pin', options.pin) ?? {};
  for (const [key, model] of Object.entries(pin)) {
    if (!MODELS.includes(model)) {
      throw new InvalidOptionError('pin', `${owner}: option "pin" maps ${key} to ${JSON.stringify(model)}; use one of ${MODELS.map((m) => `"${m}"`).join(', ')}`);
    }
  }
  intOption(owner, 'probeRuns', options.probeRuns, 2, { min: 1, max: 1000 });
  boolOption(owner, 'headStart', options.headStart, true);
  intOption(owner, 'maxBlockingThreads', options.maxBlockingThreads, 8, { min: 0, max: 1024 });
  intOption(owner, 'maxQueue', options.maxQueue, Infinity, { min: 0, max: Infinity });
  objectOption(owner, 'loop', options.loop);
  objectOption(owner, 'threads', options.threads);
  objectOption(owner, 'processes', options.processes);
  parseRunDefaults(owner, options);
  return new AutoExecutor({ ...options, pin });
}
