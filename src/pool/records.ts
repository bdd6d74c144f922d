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

export class Job implements Queued {
  removed = false;
  settled = false;
  /** Never batched again: it was in a batch whose worker died (see Pool.onExit). */
  solo = false;
  /** Cancelled inside a batch, and the worker said that it has ended or was skipped. */
  ended = false;
  /** A chunk cut short by a crash: the outcomes of its first inputs; the rest runs again. */
  parts: Settled<unknown>[] | undefined = undefined;
  /** A chunk whose crashing input is unknown: sent one input at a time from now on. */
  step = false;
  slot: Slot | undefined = undefined;
  /** The id of the first job of the message it was sent in (its unit on the worker: a run, a batch or a chunk). */
  unit = 0;
  /** When its run was cancelled while on a worker (performance.now()): its cancelGrace counts from here. */
  abortedAt = 0;
  /** run(…, { id }): the name setPriority() finds it by. */
  name: string | undefined = undefined;
  startedAt = 0;
  timer: Timer = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** run(…, { onMessage }): the task's context.emit() messages. */
  onMessage: ((message: unknown) => void) | undefined = undefined;
  /** auto(): told when the task returns a promise (SubmitExtras.onAsync); such a run is never batched. */
  onAsync: SubmitExtras['onAsync'] = undefined;
  readonly id = ++jobIds;
  readonly enqueuedAt = performance.now();
  constructor(
    readonly ref: TaskRef,
    readonly input: unknown,
    readonly chunk: boolean,
    public priority: number,
    readonly timeout: number,
    readonly signal: AbortSignal | undefined,
    readonly transfer: TransferListItem[] | undefined,
    readonly resolve: (value: any) => void,
    readonly reject: (error: unknown) => void,
    readonly onProfile: SubmitExtras['onProfile'],
  ) {}
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
