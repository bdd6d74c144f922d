/**
 * The worker pool behind `threads()` and `processes()`: one queue, up to `max`
 * workers, one task per worker at a time. Transports (thread or child process)
 * plug in below; everything about scheduling, cancellation and crashes is here.
 *
 *   run() ─▶ Job ─▶ PriorityQueue ─pump()─▶ idle Slot ─send─▶ worker (runner.ts)
 *                                            ▲                  │ ok / err / chunk
 *        settle ◀─ finish() ◀────────────────┴──────────────────┘
 *   abort/timeout: queued → tombstone + reject; running → reject, 'abort' to the
 *   worker, and after `cancelGrace` ms without an answer the worker is killed.
 *   exit before 'ready' → start failure (job re-queued; N in a row → broken);
 *   exit while running → that job alone fails with WorkerCrashedError; refill.
 */
import type { TransferListItem } from 'node:worker_threads';
import { BaseExecutor, checkCloseOptions, checkRunOptions, type CloseOptions, type ExecutorStats, type RunOptions } from '../executor.js';
import type { Settled } from '../map.js';
import { PriorityQueue, type Queued } from '../queue.js';
import { Counters } from '../stats.js';
import { effectiveSignal } from '../scope.js';
import { isTaskRef, taskLabel, type Task, type TaskRef } from '../task.js';
import { deserializeError, serializeError } from '../remote-error.js';
import { findUncloneable } from '../clone.js';
import {
  abortError,
  ExecutorBrokenError,
  ExecutorClosedError,
  InvalidOptionError,
  QueueFullError,
  TaskInputError,
  timeoutError,
  WorkerCrashedError,
  type CrashReason,
} from '../errors.js';
import type { ExitInfo, Transport, WorkerChannel } from './channel.js';
import type { FromWorker, TaskProfile, ToWorker } from './protocol.js';

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
  /** Recycle a worker between tasks once its resident memory passes this (processes). */
  maxMemoryMb: number;
  /** Consecutive start failures before the pool is declared broken. */
  startAttempts: number;
  transport: Transport;
}

/** Internal extras to `run`: `auto()` asks workers for a profile of each task. */
export interface SubmitExtras {
  /**
   * `runMs`: what the parent saw, from dispatch to the answer; minus `profile.wall` it is the
   * dispatch cost. `cold`: the worker's first task (its start-up and module loading are in runMs).
   */
  onProfile?: (profile: TaskProfile, runMs: number, cold: boolean) => void;
}

let jobIds = 0;

class Job implements Queued {
  removed = false;
  settled = false;
  slot: Slot | undefined = undefined;
  startedAt = 0;
  timer: NodeJS.Timeout | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  readonly id = ++jobIds;
  readonly enqueuedAt = performance.now();
  constructor(
    readonly ref: TaskRef,
    readonly input: unknown,
    readonly chunk: boolean,
    readonly priority: number,
    readonly timeout: number,
    readonly signal: AbortSignal | undefined,
    readonly transfer: TransferListItem[] | undefined,
    readonly resolve: (value: any) => void,
    readonly reject: (error: unknown) => void,
    readonly onProfile: SubmitExtras['onProfile'],
  ) {}
}

class Slot {
  ready = false;
  stopping = false;
  job: Job | undefined = undefined;
  tasks = 0;
  refed = true;
  idleTimer: NodeJS.Timeout | undefined = undefined;
  graceTimer: NodeJS.Timeout | undefined = undefined;
  channel!: WorkerChannel;
  exited: Promise<void>;
  markExited!: () => void;
  constructor(readonly id: number) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }
}

export abstract class Pool<S extends ExecutorStats = ExecutorStats> extends BaseExecutor<S> {
  protected readonly counters = new Counters();
  private readonly queue = new PriorityQueue<Job>();
  private readonly slots = new Set<Slot>();
  private idle: Slot[] = [];
  private running = 0;
  private nextSlotId = 0;
  private startFailures = 0;
  private broken: ExecutorBrokenError | undefined;
  private closing: Promise<void> | undefined;
  private drainWaiters: Array<() => void> = [];

  constructor(protected readonly config: PoolConfig) {
    super();
    for (let i = 0; i < config.min; i++) this.release(this.spawn());
  }

  protected defaultMapConcurrency(): number {
    return this.config.max * 2;
  }

  run<I, O>(task: Task<I, O>, input?: I, options?: RunOptions): Promise<O> {
    return this.submit(task, input, false, options, undefined);
  }

  protected override runChunk<I, O>(task: Task<I, O>, inputs: I[], options: RunOptions): Promise<Settled<O>[]> {
    return this.submit(task, inputs, true, options, undefined);
  }

  /** `run()` with internal extras (profiling). */
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
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const job = new Job(
        task,
        input,
        chunk,
        options?.priority ?? 0,
        options?.timeout ?? Infinity,
        signal,
        options?.transfer,
        resolve,
        reject,
        extras?.onProfile,
      );
      this.counters.submitted++;
      if (signal) {
        job.onAbort = () => this.abort(job, signal.reason);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job, job.priority);
      this.pump();
      if (!job.slot && this.queue.length > this.config.maxQueue) {
        job.removed = true;
        this.queue.removed();
        this.counters.submitted--;
        this.settle(job, false, new QueueFullError(owner.replace('()', ''), this.config.maxQueue));
      }
    });
  }

  /** Called whenever a worker comes free with nothing queued (auto() releases waiting probes). */
  onSpareCapacity: (() => void) | undefined = undefined;

  /** Tasks it could start right now without queueing (auto() probes only on a free worker). */
  spareCapacity(): number {
    if (this.broken) return Infinity;
    return this.idle.length + (this.config.max - this.slots.size) - this.queue.length;
  }

  /** Raise (or lower) the most workers at once; used by auto() to size a blocking-wait pool from measurements. */
  resize(max: number): void {
    this.config.max = Math.max(1, Math.max(this.config.min, Math.floor(max)));
    this.pump();
  }

  stats(): S {
    const c = this.counters;
    const uptime = performance.now() - c.startedAt;
    return Object.freeze({
      kind: this.kind,
      submitted: c.submitted,
      completed: c.completed,
      failed: c.failed,
      cancelled: c.cancelled,
      crashed: c.crashed,
      queued: this.queue.length,
      running: this.running,
      workers: this.slots.size,
      utilization: uptime > 0 ? Math.min(1, c.busyMs / (uptime * this.config.max)) : 0,
      runTime: c.runTime.percentiles(),
      waitTime: c.waitTime.percentiles(),
      uptime,
      ...this.extraStats(),
    }) as unknown as S;
  }

  /** Executor-specific additions to the stats snapshot. */
  protected extraStats(): object {
    return {};
  }

  close(options?: CloseOptions): Promise<void> {
    try {
      checkCloseOptions(`${this.config.owner}.close()`, options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (options?.cancel) this.cancelAll(abortError(`${this.config.owner} was closed with cancel: true`));
    this.closing ??= this.shutdown(options?.timeout ?? Infinity);
    return this.closing;
  }

  // ---- scheduling ------------------------------------------------------------

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.idle.pop();
      if (!slot) {
        if (this.slots.size >= this.config.max || this.broken) return;
        slot = this.spawn();
        if (this.broken) return;
      }
      this.dispatch(slot, this.queue.shift() as Job);
    }
  }

  private dispatch(slot: Slot, job: Job): void {
    if (slot.idleTimer) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    if (!slot.refed) {
      slot.refed = true;
      slot.channel.ref();
    }
    slot.job = job;
    job.slot = slot;
    job.startedAt = performance.now();
    this.running++;
    this.counters.waitTime.add(job.startedAt - job.enqueuedAt);
    const ref = job.ref;
    const message: ToWorker = job.chunk
      ? { t: 'chunk', id: job.id, m: ref.module, n: ref.name, i: job.input as unknown[] }
      : { t: 'run', id: job.id, m: ref.module, n: ref.name, i: job.input };
    if (job.onProfile) message.p = true;
    try {
      slot.channel.send(message, job.transfer);
    } catch (error) {
      // Nothing reached the worker: it stays healthy and goes back to work.
      slot.job = undefined;
      job.slot = undefined;
      this.running--;
      const bad = job.chunk
        ? (job.input as unknown[]).map((v, k) => findUncloneable(v, `inputs[${k}]`)).find(Boolean)
        : findUncloneable(job.input);
      this.counters.failed++;
      this.settle(job, false, new TaskInputError(bad?.path ?? 'input', bad?.problem ?? String(error), { cause: error }));
      this.release(slot);
      return;
    }
    if (job.timeout !== Infinity && slot.ready) job.timer = setTimeout(onTimeout, job.timeout, this, job);
  }

  /** A worker is free: give it the next job, recycle it, or let it idle. */
  private release(slot: Slot): void {
    if (slot.stopping) return;
    const c = this.config;
    if (slot.tasks >= c.maxTasksPerWorker || (c.maxMemoryMb !== Infinity && (slot.channel.memoryMb?.() ?? 0) > c.maxMemoryMb)) {
      this.stop(slot);
      this.pump();
      return;
    }
    const next = this.queue.shift();
    if (next) return this.dispatch(slot, next);
    this.idle.push(slot);
    if (slot.refed) {
      slot.refed = false;
      slot.channel.unref();
    }
    if (this.slots.size > c.min && c.idleTimeout !== Infinity && !this.closing) {
      slot.idleTimer = setTimeout(() => this.retireIdle(slot), c.idleTimeout);
      slot.idleTimer.unref();
    }
    if (this.running === 0) this.notifyDrained();
    this.onSpareCapacity?.();
  }

  private retireIdle(slot: Slot): void {
    slot.idleTimer = undefined;
    if (slot.job || slot.stopping || this.slots.size <= this.config.min) return;
    this.stop(slot);
  }

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
    return slot;
  }

  private stop(slot: Slot): void {
    if (slot.stopping) return;
    slot.stopping = true;
    this.removeIdle(slot);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.channel.terminate();
  }

  private removeIdle(slot: Slot): void {
    const k = this.idle.indexOf(slot);
    if (k >= 0) this.idle.splice(k, 1);
  }

  // ---- worker events ---------------------------------------------------------

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.t === 'ready') {
      slot.ready = true;
      this.startFailures = 0;
      const job = slot.job;
      // The timeout counts from the start of running: a worker that was still starting had not begun.
      if (job && !job.settled && job.timeout !== Infinity && !job.timer) {
        job.startedAt = performance.now();
        job.timer = setTimeout(onTimeout, job.timeout, this, job);
      }
      return;
    }
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    slot.ready = true;
    slot.job = undefined;
    job.slot = undefined;
    this.running--;
    const cold = slot.tasks++ === 0;
    const ms = performance.now() - job.startedAt;
    this.counters.runTime.add(ms);
    this.counters.busyMs += ms;
    if (slot.graceTimer) {
      clearTimeout(slot.graceTimer);
      slot.graceTimer = undefined;
    }
    if (msg.p && job.onProfile) job.onProfile(msg.p, ms, cold);
    if (!job.settled) {
      if (msg.t === 'ok') {
        this.counters.completed++;
        this.settle(job, true, msg.v);
      } else if (msg.t === 'chunk') {
        this.counters.completed++;
        const where = slot.channel.label;
        this.settle(
          job,
          true,
          msg.r.map((o): Settled<unknown> => (o.ok ? o : { ok: false, error: this.remoteError(o.error, where) })),
        );
      } else {
        this.counters.failed++;
        const error =
          msg.k === 'load'
            ? new ExecutorBrokenError(
                `${this.config.owner}: the task module ${job.ref.module} failed to load in ${slot.channel.label}: ${msg.e.message}`,
                { cause: this.remoteError(msg.e, slot.channel.label) },
              )
            : this.remoteError(msg.e, slot.channel.label);
        this.settle(job, false, error);
      }
    }
    this.release(slot);
  }

  private onExit(slot: Slot, info: ExitInfo): void {
    this.slots.delete(slot);
    this.removeIdle(slot);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      this.running--;
      job.slot = undefined;
      if (job.timer) clearTimeout(job.timer);
      job.timer = undefined;
    }
    if (!slot.ready && !slot.stopping) {
      this.startFailures++;
      if (job && !job.settled) {
        // It never started, so it is not this job's fault: back to the front of the line.
        job.removed = false;
        this.queue.unshift(job, job.priority);
      }
      if (this.startFailures >= this.config.startAttempts) this.breakDown(describeExit(info), info.error);
    } else if (job && !job.settled) {
      this.counters.crashed++;
      this.counters.failed++;
      this.settle(
        job,
        false,
        new WorkerCrashedError({
          worker: slot.channel.label,
          reason: crashReason(info),
          exitCode: info.code,
          signal: info.signal,
          stderr: info.stderr,
          task: taskLabel(job.ref),
          cause: info.error,
        }),
      );
    }
    slot.markExited();
    this.onSpareCapacity?.();
    if (!this.closing || this.queue.length > 0) {
      this.pump();
      while (!this.closing && !this.broken && this.slots.size < this.config.min) this.release(this.spawn());
    }
    if (this.running === 0) this.notifyDrained();
  }

  // ---- cancellation ----------------------------------------------------------

  /** Called by a job's signal, its timeout, or close({ cancel }). */
  abort(job: Job, reason: unknown): void {
    if (job.settled) return;
    this.counters.cancelled++;
    const slot = job.slot;
    if (!slot) {
      job.removed = true;
      this.queue.removed();
      this.settle(job, false, reason);
      if (this.running === 0) this.notifyDrained();
      return;
    }
    this.settle(job, false, reason);
    try {
      slot.channel.send({ t: 'abort', id: job.id, r: serializeError(reason) });
    } catch {
      // The worker is already gone; its exit handler cleans up.
    }
    if (this.config.cancelGrace === 0) this.stop(slot);
    else slot.graceTimer ??= setTimeout(() => slot.job === job && this.stop(slot), this.config.cancelGrace);
  }

  private cancelAll(reason: unknown): void {
    for (const job of this.queue.drain()) {
      this.counters.cancelled++;
      this.settle(job, false, reason);
    }
    for (const slot of this.slots) if (slot.job && !slot.job.settled) this.abort(slot.job, reason);
  }

  private settle(job: Job, ok: boolean, value: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) {
      clearTimeout(job.timer);
      job.timer = undefined;
    }
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (ok) job.resolve(value);
    else job.reject(value);
  }

  private breakDown(why: string, cause: unknown): void {
    this.broken = new ExecutorBrokenError(
      `${this.config.owner}: workers cannot start (${this.startFailures || 1} attempt${this.startFailures === 1 ? '' : 's'}): ${why}; check execArgv, resourceLimits and that the worker's modules load`,
      cause === undefined ? undefined : { cause },
    );
    for (const job of this.queue.drain()) {
      this.counters.failed++;
      this.settle(job, false, this.broken);
    }
    if (this.running === 0) this.notifyDrained();
  }

  private remoteError(e: Parameters<typeof deserializeError>[0], where: string): Error {
    return deserializeError(e, where);
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
    const timer =
      timeout === Infinity
        ? undefined
        : setTimeout(() => this.cancelAll(abortError(`${this.config.owner}.close(): tasks still running after ${timeout} ms were cancelled`)), timeout);
    await this.drained();
    if (timer) clearTimeout(timer);
    for (const slot of this.slots) this.stop(slot);
    await Promise.all([...this.slots].map((s) => s.exited));
  }
}

function onTimeout(pool: Pool, job: Job): void {
  job.timer = undefined;
  pool.abort(job, timeoutError(`${taskLabel(job.ref)} timed out after ${job.timeout} ms of running`));
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
