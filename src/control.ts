/**
 * Queue control and events, written once for every executor: what a p-queue,
 * p-limit, piscina or tinypool user reaches for (`onIdle()`, `pause()`,
 * `clear()`, `size`, `pending`, `on('completed')`, …). `BaseExecutor` extends
 * this class; an executor only answers a few questions about its own line
 * (how many wait, how many run, drop what waits, move one entry) and reports
 * what happens with `note()`.
 *
 *   executor ──note('add' | 'active' | 'completed' | 'error' | 'next' | 'dequeued')──▶ here
 *     here: emit the event (if anyone listens) ─▶ derived edges: empty, idle, needsDrain, drain
 *           ─▶ waiters whose condition now holds (onIdle, onEmpty, onSizeLessThan, onRateLimit)
 *           ─▶ the executor that drives this one (auto() over its loop and pools) gets the same note
 *
 * Why Node's EventEmitter and not EventTarget: the peers users switch from
 * (p-queue, piscina, tinypool) are emitters, so `pool.on('idle', …)` ports as
 * is; an emit with no listener allocates nothing, where EventTarget needs an
 * Event object per dispatch; and `events.once(pool, 'idle')` / `events.on()`
 * work on it. Caveat of EventEmitter: an 'error' emitted with no listener
 * throws, so every event here is emitted only when someone listens to it.
 *
 * Costs nothing when nobody listens or waits: executors call `note()` only
 * when `hot` is set, one property read per transition on the hot path.
 */
import { EventEmitter } from 'node:events';
import { InvalidOptionError, QueueClearedError, type TeardownError, type WorkerCrashedError } from './errors.js';

/** A worker as events and stats describe it. */
export interface WorkerInfo {
  /** The pool's own number for it, from 1, never reused (also `context.workerId`). */
  readonly workerId: number;
  /** "thread 3", "process 4121". */
  readonly label: string;
}

/** Why a worker stopped. */
export type WorkerExitReason =
  /** Idle longer than idleTimeout, above `min`. */
  | 'idle'
  /** maxTasksPerWorker / maxTasksPerChild reached. */
  | 'max-tasks'
  /** Its memory passed maxMemoryMb. */
  | 'memory'
  /** recycleWorkers() replaced it. */
  | 'recycled'
  /** resize() lowered max below the workers alive. */
  | 'resize'
  /** A cancelled task did not settle within cancelGrace. */
  | 'cancel'
  /** close(). */
  | 'close'
  /** It died on its own (the task running on it fails with WorkerCrashedError). */
  | 'crash'
  /** It died before it was ready. */
  | 'start-failed'
  /** A task module's setup() threw on it (its tasks there fail with TaskSetupError). */
  | 'setup-failed';

/** What a pool's 'workerExit' event carries: the worker, why it stopped and how it exited. */
export interface WorkerExit extends WorkerInfo {
  /** Why it stopped. */
  readonly reason: WorkerExitReason;
  /** The thread's or process's exit code; null when a process was ended by a signal. */
  readonly exitCode: number | null;
  /** The signal that ended a process (e.g. 'SIGKILL'); null for threads and for processes that exited by themselves. */
  readonly signal: NodeJS.Signals | null;
}

/** Every event an executor emits, with its arguments (pools add the worker events). */
export interface ExecutorEvents {
  /** A task was submitted (p-queue 'add'). */
  add: [];
  /** A task started running (p-queue 'active'). */
  active: [];
  /** A running task finished, its slot is free (p-queue 'next'). */
  next: [];
  /** A run resolved, with its value. */
  completed: [value: unknown];
  /** A run rejected (its own error, a cancellation, a crash, clear()), with the reason. */
  error: [error: unknown];
  /** Nothing is waiting any more (tasks may still run). */
  empty: [];
  /** Nothing waits and nothing runs. */
  idle: [];
  /** loop() with a rate: the limit is reached, starts are held back. */
  rateLimit: [];
  /** The queue reached maxQueue: further runs would be refused (piscina 'needsDrain'). */
  needsDrain: [];
  /** After needsDrain: the queue is below maxQueue again (piscina 'drain'). */
  drain: [];
  /** Pools: a worker was started. */
  workerCreate: [worker: WorkerInfo];
  /** Pools: a worker stopped, and why. */
  workerExit: [exit: WorkerExit];
  /** Pools: a worker died while running a task (the task fails with this error). */
  crash: [error: WorkerCrashedError];
  /** Pools: a task module's teardown() threw or outran teardownTimeout while its worker stopped (never thrown). */
  teardownError: [error: TeardownError, worker: WorkerInfo];
}

export type EventName = keyof ExecutorEvents;

/** What executors report; 'dequeued': an entry left the line without starting (cancel, clear). */
export type Note = 'add' | 'active' | 'next' | 'completed' | 'error' | 'dequeued' | 'rate';

/** The queue-control half of every executor (see README, "Queue control and events"). */
export interface QueueControl {
  /** Tasks waiting to start. */
  readonly size: number;
  /** Tasks running. */
  readonly pending: number;
  /** Every slot is busy and tasks wait (p-queue's definition). */
  readonly isSaturated: boolean;
  /** pause() was called (or the executor was made with `autoStart: false`) and resume() not since. */
  readonly isPaused: boolean;
  /** Start no more tasks until resume(); running ones go on, new runs queue. No effect once close() has begun (it drains). */
  pause(): void;
  /** Start queued tasks again (also `start()`, p-queue's name). */
  resume(): void;
  /** The same as resume(): p-queue's name, for an executor made with `autoStart: false`. */
  start(): void;
  /** Reject every queued task with QueueClearedError; returns how many. Running tasks go on. */
  clear(): number;
  /** Resolves when nothing waits and nothing runs. */
  onIdle(): Promise<void>;
  /** Resolves when nothing waits (tasks may still run). */
  onEmpty(): Promise<void>;
  /** Resolves when fewer than `n` tasks wait (producer backpressure). */
  onSizeLessThan(n: number): Promise<void>;
  /** Give the queued task submitted with `run(…, { id })` a new priority; false when it is not waiting. */
  setPriority(id: string, priority: number): boolean;
}

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
}

export abstract class QueueControlled extends EventEmitter<ExecutorEvents> implements QueueControl {
  /** Someone listens or waits (here or on the executor that drives this one): call note(). */
  protected hot = false;
  protected paused = false;
  /** close() has begun: it drains, so pause() no longer applies (see drainForClose). */
  private draining = false;
  /** Defaults for every run, overridable per run (the executor's `timeout` and `priority` options). */
  protected defaultTimeout = Infinity;
  protected defaultPriority = 0;
  private listening = 0;
  private waiters: Waiter[] = [];
  private wasEmpty = true;
  private wasIdle = true;
  private needsDrainNow = false;
  private upstream: QueueControlled | undefined = undefined;
  private readonly downstream: QueueControlled[] = [];

  constructor() {
    super();
    this.watchListeners();
  }

  private readonly onNewListener = (name: string | symbol): void => this.listened(name, 1);
  private readonly onRemoveListener = (name: string | symbol): void => this.listened(name, -1);
  private resetting = false;

  /** Count listeners as they come and go, so `hot` follows them (see removeAllListeners). */
  private watchListeners(): void {
    // Untyped: the two meta events are not executor events.
    const raw = this as EventEmitter;
    if (!raw.listeners('newListener').includes(this.onNewListener)) raw.on('newListener', this.onNewListener);
    if (!raw.listeners('removeListener').includes(this.onRemoveListener)) raw.on('removeListener', this.onRemoveListener);
  }

  /** It also removes the meta listeners that keep `hot` right: put them back and count again. */
  override removeAllListeners(eventName?: EventName): this {
    // Node looks at arguments.length (undefined is an event name), and calls this again per name.
    if (this.resetting) return eventName === undefined ? super.removeAllListeners() : super.removeAllListeners(eventName);
    this.resetting = true;
    try {
      if (eventName === undefined) super.removeAllListeners();
      else super.removeAllListeners(eventName);
    } finally {
      this.resetting = false;
    }
    this.watchListeners();
    const raw = this as EventEmitter;
    this.listening = 0;
    for (const name of raw.eventNames()) if (name !== 'newListener' && name !== 'removeListener') this.listening += raw.listenerCount(name);
    this.refreshHot();
    return this;
  }

  // ---- what each executor answers ------------------------------------------

  protected abstract queuedCount(): number;
  protected abstract runningCount(): number;
  /** Tasks it runs at once at most. */
  protected abstract capacity(): number;
  /** The queue's bound (maxQueue), for needsDrain/drain. */
  protected maxQueueSize(): number {
    return Infinity;
  }
  /** Reject every queued entry with `reason` (each through the executor's own settle); how many. */
  protected abstract clearQueued(reason: QueueClearedError): number;
  /** Start what the queue holds (after resume()). */
  protected abstract wake(): void;
  /** Move the queued entry with this id to `priority`; false if none waits. */
  protected abstract moveQueued(id: string, priority: number): boolean;

  // ---- the public half -------------------------------------------------------

  get size(): number {
    return this.queuedCount();
  }
  get pending(): number {
    return this.runningCount();
  }
  /** Tasks it runs at once at most (loop's concurrency, a pool's max). */
  concurrencyLimit(): number {
    return this.capacity();
  }
  get isSaturated(): boolean {
    return this.runningCount() >= this.capacity() && this.queuedCount() > 0;
  }
  /** pause() was called (or the executor was made with `autoStart: false`) and resume() not since. */
  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    // A drain that waits for a resume() nobody will call would keep close() from ever resolving
    // (found by test/race): once closing, the queue runs to its end.
    if (this.draining) return;
    this.paused = true;
  }

  /** Called by close(): start the queue again if it was paused, and keep it going to the end. */
  protected drainForClose(): void {
    this.draining = true;
    this.resume();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.wake();
  }

  /** The same as resume(): p-queue's name, for an executor made with `autoStart: false`. */
  start(): void {
    this.resume();
  }

  clear(): number {
    const n = this.clearQueued(new QueueClearedError(this.ownerName()));
    if (n > 0 && this.hot) this.note('dequeued');
    return n;
  }

  onIdle(): Promise<void> {
    return this.when(() => this.queuedCount() === 0 && this.runningCount() === 0);
  }

  onEmpty(): Promise<void> {
    return this.when(() => this.queuedCount() === 0);
  }

  onSizeLessThan(n: number): Promise<void> {
    if (typeof n !== 'number' || Number.isNaN(n)) {
      return Promise.reject(new InvalidOptionError('n', `${this.ownerName()}().onSizeLessThan(n): n must be a number, got ${typeof n}`));
    }
    return this.when(() => this.queuedCount() < n);
  }

  setPriority(id: string, priority: number): boolean {
    if (typeof id !== 'string') throw new InvalidOptionError('id', `${this.ownerName()}().setPriority(): id must be a string, got ${typeof id}`);
    if (!Number.isInteger(priority) || Math.abs(priority) > 1e6) {
      throw new InvalidOptionError('priority', `${this.ownerName()}().setPriority(): priority must be an integer from -1000000 to 1000000, got ${String(priority)}`);
    }
    return this.moveQueued(id, priority);
  }

  // ---- for executors ---------------------------------------------------------

  /** "loop", "threads"…: for messages. */
  protected abstract ownerName(): string;

  /** A resolved-when-true promise, checked at every note from now on. */
  protected when(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ ready, resolve });
      this.refreshHot();
    });
  }

  /**
   * Report a transition (only when `hot`). Emits, derives empty/idle/drain edges, wakes waiters.
   * `times`: several tasks made the same transition at once (a batch's answers): one edge check.
   */
  protected note(what: Note, value?: unknown, times = 1): void {
    if (what === 'completed' || what === 'error') {
      // A settlement is followed by 'next' (its slot frees) or 'dequeued': the edges and
      // waiters are looked at then, so 'idle' comes after the last task's 'next', as in p-queue.
      if (this.listening > 0 && this.listenerCount(what) > 0) this.emit(what, value);
      this.upstream?.note(what, value);
      return;
    }
    if (this.listening > 0) {
      if (what === 'rate') {
        if (this.listenerCount('rateLimit') > 0) this.emit('rateLimit');
      } else if (what !== 'dequeued' && this.listenerCount(what) > 0) for (let k = 0; k < times; k++) this.emit(what);
    }
    this.edges();
    if (this.waiters.length > 0) {
      const still: Waiter[] = [];
      const ready: Waiter[] = [];
      for (const w of this.waiters) (w.ready() ? ready : still).push(w);
      if (ready.length > 0) {
        this.waiters = still;
        for (const w of ready) w.resolve();
        this.refreshHot();
      }
    }
    this.upstream?.note(what, value, times);
  }

  /** Emit 'empty', 'idle', 'needsDrain', 'drain' on the transitions, not on every note. */
  private edges(): void {
    const size = this.queuedCount();
    const empty = size === 0;
    const idle = empty && this.runningCount() === 0;
    const full = size >= this.maxQueueSize();
    const emptied = empty && !this.wasEmpty;
    const idled = idle && !this.wasIdle;
    this.wasEmpty = empty;
    this.wasIdle = idle;
    if (this.listening === 0) {
      this.needsDrainNow = full;
      return;
    }
    if (full !== this.needsDrainNow) {
      this.needsDrainNow = full;
      this.emit(full ? 'needsDrain' : 'drain');
    }
    if (emptied) this.emit('empty');
    if (idled) this.emit('idle');
  }

  /** The queue is at maxQueue: the next run would be refused (piscina's `needsDrain`). */
  get needsDrain(): boolean {
    return this.queuedCount() >= this.maxQueueSize();
  }

  /** auto(): the executors it drives report to it too, and are hot whenever it is. */
  protected adopt(sub: QueueControlled): void {
    sub.upstream = this;
    this.downstream.push(sub);
    sub.refreshHot();
  }

  private listened(name: string | symbol, delta: number): void {
    if (name === 'newListener' || name === 'removeListener') return;
    this.listening += delta;
    this.refreshHot();
  }

  private refreshHot(): void {
    const hot = this.listening > 0 || this.waiters.length > 0 || (this.upstream?.hot ?? false);
    if (hot === this.hot) return;
    this.hot = hot;
    if (hot) {
      // Edges are measured from now: what happened while nobody looked is not replayed.
      this.wasEmpty = this.queuedCount() === 0;
      this.wasIdle = this.wasEmpty && this.runningCount() === 0;
      this.needsDrainNow = this.queuedCount() >= this.maxQueueSize();
    }
    for (const sub of this.downstream) sub.refreshHot();
  }
}
