/** The pool's two records: a task on its way (Job) and a worker with its jobs (Slot). */
import type { TransferListItem } from 'node:worker_threads';
import type { Queued } from '../queue.js';
import type { WorkerExitReason } from '../control.js';
import type { Timer } from '../durations.js';
import type { TaskRef } from '../task.js';
import type { WorkerChannel } from './channel.js';
import type { TaskProfile } from './protocol.js';
import type { Settled } from '../map.js';
import type { CrashReport } from './attribution.js';

/** Internal extras to `run`: `auto()` asks workers for a profile of each task. */
export interface SubmitExtras {
  /**
   * `runMs`: what the parent saw, from dispatch to the answer; minus `profile.wall` it is the
   * dispatch cost. `cold`: the worker's first task (its start-up and module loading are in runMs).
   * `caller`: how long this thread's event loop was busy meanwhile (submitting a burst, other
   * work), and how long this thread waited for a CPU (a loaded machine): the answer waited for
   * it either way, which is this thread's latency, not the dispatch's cost.
   */
  onProfile?: (profile: TaskProfile, runMs: number, cold: boolean, caller: CallerTime) => void;
  /** The task returned a promise after `syncMs` of synchronous work (told before its answer). */
  onAsync?: (syncMs: number) => void;
}

/** This thread's time over a measured run's round trip (see SubmitExtras.onProfile). */
export interface CallerTime {
  busyMs: number;
  runQueueMs: number;
}

let jobIds = 0;

// Job's yes/no fields, as bits of one number (Job.flags).
const REMOVED = 1;
const SETTLED = 2;
const SOLO = 4;
const ENDED = 8;
const STEP = 16;
const CHUNK = 32;

/** What few runs have (options, cancellation, chunks cut short by a crash): kept out of Job itself. */
interface JobExtras {
  timeout: number;
  signal: AbortSignal | undefined;
  transfer: TransferListItem[] | undefined;
  onProfile: SubmitExtras['onProfile'];
  onAbort: (() => void) | undefined;
  onMessage: ((message: unknown) => void) | undefined;
  onAsync: SubmitExtras['onAsync'];
  name: string | undefined;
  timer: Timer;
  abortedAt: number;
  parts: Settled<unknown>[] | undefined;
}

/**
 * A task on its way. In a burst of 100,000 runs every Job is alive until its answer, and each
 * young-generation collection copies the live ones: a Job holds only what every run needs, in
 * 13 fields (the yes/no fields are bits of `flags`; options, cancellation and crash bookkeeping
 * are in `more`, made for the few runs that have them). The accessors below keep the names.
 */
export class Job implements Queued {
  flags = 0;
  slot: Slot | undefined = undefined;
  /** The id of the first job of the message it was sent in (its unit on the worker: a run, a batch or a chunk). */
  unit = 0;
  /** When it started running (performance.now()); set when it is dispatched. */
  startedAt = 0;
  readonly id = ++jobIds;
  /** When it was queued (performance.now()). */
  readonly enqueuedAt = performance.now();
  private more: JobExtras | undefined = undefined;
  constructor(
    readonly ref: TaskRef,
    readonly input: unknown,
    chunk: boolean,
    public priority: number,
    timeout: number,
    signal: AbortSignal | undefined,
    transfer: TransferListItem[] | undefined,
    readonly resolve: (value: any) => void,
    readonly reject: (error: unknown) => void,
    onProfile: SubmitExtras['onProfile'],
  ) {
    if (chunk) this.flags = CHUNK;
    if (timeout !== Infinity || signal !== undefined || transfer !== undefined || onProfile !== undefined) {
      const more = this.extras();
      more.timeout = timeout;
      more.signal = signal;
      more.transfer = transfer;
      more.onProfile = onProfile;
    }
  }

  private extras(): JobExtras {
    return (this.more ??= {
      timeout: Infinity,
      signal: undefined,
      transfer: undefined,
      onProfile: undefined,
      onAbort: undefined,
      onMessage: undefined,
      onAsync: undefined,
      name: undefined,
      timer: undefined,
      abortedAt: 0,
      parts: undefined,
    });
  }

  private flag(bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit;
  }

  /** Cancelled while queued: the queue skips it. */
  get removed(): boolean {
    return (this.flags & REMOVED) !== 0;
  }
  set removed(on: boolean) {
    this.flag(REMOVED, on);
  }
  get settled(): boolean {
    return (this.flags & SETTLED) !== 0;
  }
  set settled(on: boolean) {
    this.flag(SETTLED, on);
  }
  /** Never batched again: it was in a batch whose worker died (see Pool.onExit). */
  get solo(): boolean {
    return (this.flags & SOLO) !== 0;
  }
  set solo(on: boolean) {
    this.flag(SOLO, on);
  }
  /** Cancelled inside a batch, and the worker said that it has ended or was skipped. */
  get ended(): boolean {
    return (this.flags & ENDED) !== 0;
  }
  set ended(on: boolean) {
    this.flag(ENDED, on);
  }
  /** A chunk whose crashing input is unknown: sent one input at a time from now on. */
  get step(): boolean {
    return (this.flags & STEP) !== 0;
  }
  set step(on: boolean) {
    this.flag(STEP, on);
  }
  /** A chunk of inputs (map()), not one run. */
  get chunk(): boolean {
    return (this.flags & CHUNK) !== 0;
  }

  get timeout(): number {
    return this.more === undefined ? Infinity : this.more.timeout;
  }
  get signal(): AbortSignal | undefined {
    return this.more?.signal;
  }
  get transfer(): TransferListItem[] | undefined {
    return this.more?.transfer;
  }
  get onProfile(): SubmitExtras['onProfile'] {
    return this.more?.onProfile;
  }
  get timer(): Timer {
    return this.more?.timer;
  }
  set timer(timer: Timer) {
    if (timer !== undefined || this.more !== undefined) this.extras().timer = timer;
  }
  get onAbort(): (() => void) | undefined {
    return this.more?.onAbort;
  }
  set onAbort(fn: (() => void) | undefined) {
    if (fn !== undefined || this.more !== undefined) this.extras().onAbort = fn;
  }
  /** run(…, { onMessage }): the task's context.emit() messages. */
  get onMessage(): ((message: unknown) => void) | undefined {
    return this.more?.onMessage;
  }
  set onMessage(fn: ((message: unknown) => void) | undefined) {
    if (fn !== undefined || this.more !== undefined) this.extras().onMessage = fn;
  }
  /** auto(): told when the task returns a promise (SubmitExtras.onAsync); such a run is never batched. */
  get onAsync(): SubmitExtras['onAsync'] {
    return this.more?.onAsync;
  }
  set onAsync(fn: SubmitExtras['onAsync']) {
    if (fn !== undefined || this.more !== undefined) this.extras().onAsync = fn;
  }
  /** run(…, { id }): the name setPriority() finds it by. */
  get name(): string | undefined {
    return this.more?.name;
  }
  set name(name: string | undefined) {
    if (name !== undefined || this.more !== undefined) this.extras().name = name;
  }
  /** When its run was cancelled while on a worker (performance.now()): its cancelGrace counts from here. */
  get abortedAt(): number {
    return this.more === undefined ? 0 : this.more.abortedAt;
  }
  set abortedAt(at: number) {
    this.extras().abortedAt = at;
  }
  /** A chunk cut short by a crash: the outcomes of its first inputs; the rest runs again. */
  get parts(): Settled<unknown>[] | undefined {
    return this.more?.parts;
  }
  set parts(parts: Settled<unknown>[] | undefined) {
    if (parts !== undefined || this.more !== undefined) this.extras().parts = parts;
  }
}

export class Slot {
  ready = false;
  stopping = false;
  /** Jobs sent to this worker and not yet answered, in the order it was sent them. */
  jobs: Job[] = [];
  /** Messages (units: a run, a batch, a chunk) sent and not yet answered; up to concurrentTasksPerWorker. */
  units = 0;
  tasks = 0;
  refed = true;
  /** When it last became idle (performance.now()), for the idle reaper. */
  idleSince = 0;
  /** When it was started (performance.now()), for the pool's start-up estimate. */
  readonly spawnedAt = performance.now();
  graceTimer: Timer = undefined;
  /** Its last words, if it said whose code killed it (attribution.ts). */
  crash: CrashReport | undefined = undefined;
  /** recycleWorkers() was called while it lived: stop it when it is next free. */
  recycle = false;
  /** Heap used (MB) the worker reported with its last answer (threads with maxMemoryMb). */
  heapMb: number | undefined = undefined;
  /** Modules loaded on it that export teardown() (it said so: 'hooks'): stopping it runs them first. */
  teardowns: string[] = [];
  /** Its teardowns are running: when they must be over. */
  teardownTimer: Timer = undefined;
  /** A module's setup() threw on it: it is replaced once its running tasks have answered. */
  setupFailed = false;
  /** Why the pool stopped it (for the workerExit event); unset if it died on its own. */
  exitReason: WorkerExitReason | undefined = undefined;
  channel!: WorkerChannel;
  readonly exited: Promise<void>;
  markExited!: () => void;
  constructor(readonly id: number) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }
}
