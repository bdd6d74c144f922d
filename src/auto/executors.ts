/**
 * The executors auto() drives: the event loop, a CPU thread pool, a pool for
 * blocking waits (grown from measurements; it also takes probes when the CPU
 * threads are busy) and a process pool for tasks that crash.
 */
import { loop, type LoopExecutor } from '../loop/index.js';
import { threads, type ThreadPool } from '../threads/index.js';
import { processes, type ProcessPool } from '../processes/index.js';
import type { Counters } from '../stats.js';
import type { CheckedAutoOptions } from './options.js';
import { blockingGrowth, placeBlocking } from './policy.js';

export type SubExecutor = LoopExecutor | ThreadPool | ProcessPool;

/** A child process's start-up (node, boundwise's child code, the task's module), ms: the least assumed. */
const PROCESS_START_MS = 150;

export class Executors {
  readonly loop: LoopExecutor;
  readonly cpu: ThreadPool;
  readonly blocking: ThreadPool;
  readonly procs: ProcessPool;
  /** All of them, each once. */
  readonly all: readonly SubExecutor[];

  /** `mirror`: auto's own counters, which collect every executor's run and wait samples. */
  constructor(private readonly options: CheckedAutoOptions, mirror: Counters) {
    const made: SubExecutor[] = [];
    const make = <E extends SubExecutor>(create: () => E): E => {
      const e = create();
      made.push(e);
      const counters = (e as unknown as { counters: Counters }).counters;
      counters.runTime.mirrors.push(mirror.runTime);
      counters.waitTime.mirrors.push(mirror.waitTime);
      return e;
    };
    try {
      // The pools with `min` start workers when created, so the ones that start nothing come first.
      this.loop = make(() => loop(options.loop));
      this.procs = make(() => processes(options.processes));
      this.cpu = make(() => threads(options.threads));
      // maxBlockingThreads: 0 — blocking waits and probes share the CPU threads (a fixed capacity).
      this.blocking = options.maxBlockingThreads === 0 ? this.cpu : make(() => threads({ ...options.threads, min: 0 }));
    } catch (error) {
      // An option only an executor can check failed: stop what was already started.
      for (const e of made) void e.close({ cancel: true });
      throw error;
    }
    this.all = made;
  }

  /**
   * Where a probe can start now: a free CPU thread, else an idle, already started
   * thread of the blocking-wait pool (so probes are not stuck behind long CPU
   * tasks), else none. Never a thread started for the probe: its start costs
   * more than a short task, and a task's first run on a thread pays its module's
   * loading and a cold JIT, so it proves little (issue 13: the learning cost).
   */
  probePool(): ThreadPool | undefined {
    if (this.cpu.spareCapacity() > 0) return this.cpu;
    if (this.blocking !== this.cpu && this.blocking.idleWorkers() > 0) return this.blocking;
    return undefined;
  }

  /**
   * No thread has started yet (auto() was just created, or starts threads only on demand):
   * a probe sent now would wait for a thread's start-up, tens of ms, longer than a burst of
   * short tasks takes on the loop (issue 13: a fresh auto() took 392 ms for 50,000 Map
   * lookups against the loop's 202, all but 3 of them run inline, after the wait).
   */
  threadsCold(): boolean {
    return this.cpu.startupMs() === undefined && (this.blocking === this.cpu || this.blocking.startupMs() === undefined);
  }

  /**
   * A new task probed on the loop while no thread has started ran longer than tiny: start one CPU
   * thread meanwhile (one: the loop's probes keep a core busy, and on two cores a second start-up
   * would compete with them), so a calculation waits less for a start-up after its probes have
   * spoken. Not at the first call: a burst of tiny calls would pay a thread's start-up on the other
   * core for nothing (50,000 Map lookups, three fresh processes each: 192–222 ms with a thread
   * started at the first call, 149–200 without; 300 blurs: 222–251 with it, 258–275 started here).
   */
  prestartThread(): void {
    if (this.cpu.workerCount() === 0) this.cpu.prestart(1);
  }

  /** Threads free to take a probe now. */
  spareThreads(): number {
    return Math.max(0, this.cpu.spareCapacity()) + (this.blocking === this.cpu ? 0 : this.blocking.idleWorkers());
  }

  /** The blocking pool's current bound (it only grows; idle reaping shrinks what is started). */
  private blockingMax = 0;

  /**
   * Where a blocking wait goes: a thread that is free now (a CPU thread first:
   * warm, no start-up to pay), else whichever pool is expected to start it
   * first (placeBlocking), the blocking-wait pool growing towards the size the
   * measurements ask for only as far as the blocking work waiting justifies
   * (blockingGrowth).
   */
  blockingPool(size: number, cores: number, wallMs: number): ThreadPool {
    const { cpu, blocking } = this;
    if (blocking === cpu || cpu.spareCapacity() > 0) return cpu;
    if (blocking.idleWorkers() > 0) return blocking;
    const startMs = blocking.startupMs() ?? cpu.startupMs() ?? 0;
    const backlogMs = (blocking.queueLength() + cpu.queueLength() + 1) * wallMs;
    const max = blockingGrowth(backlogMs, 1, Math.max(size, this.options.threads?.max ?? cores), startMs);
    if (max > this.blockingMax) {
      this.blockingMax = max;
      blocking.resize(max);
    }
    const threadsNow = blocking.workerCount();
    const where = placeBlocking({
      cpuQueue: cpu.queueLength(),
      cpuThreads: cpu.workerCount(),
      blockingQueue: blocking.queueLength(),
      blockingThreads: threadsNow,
      canStart: threadsNow + blocking.queueLength() < this.blockingMax,
      wallMs,
      startMs,
    });
    return where === 'cpu' ? cpu : blocking;
  }

  /**
   * Is a trial in processes worth it now? On a warm child, always; else only if
   * the work waiting would keep the threads busy for ten times a child's
   * start-up: a burst waits for its slowest call, and a cold child's first call
   * is that call (a 560 ms burst took 1.3 s when two calls went to new children).
   */
  processTrialPays(wallMs: number, waiting: number): boolean {
    if (this.procs.idleWorkers() > 0) return true;
    const startMs = Math.max(PROCESS_START_MS, this.procs.startupMs() ?? 0);
    const backlogMs = ((waiting + this.cpu.queueLength()) * wallMs) / Math.max(1, this.cpu.workerCount());
    return backlogMs >= 10 * startMs;
  }

  /** Read the threads' answers synchronously (see Probes.poll). */
  poll(): void {
    this.cpu.poll();
    if (this.blocking !== this.cpu) this.blocking.poll();
  }

  queueLength(): number {
    return this.all.reduce((n, e) => n + e.queueLength(), 0);
  }
}
