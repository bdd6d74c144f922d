/**
 * Probing a task auto() does not know yet: at most PROBES_AT_ONCE of its calls
 * run on free threads to be measured; its other calls wait at its gate (not
 * in a pool's queue), so that by the time they leave, the probes may have shown
 * where they belong — a flood of tiny or waiting calls must not all be shipped
 * to threads first.
 *
 *   call ─▶ probe free? ──yes──▶ probe on a thread ──answer──▶ profile ─▶ wake()
 *               │no                                                        │
 *               └──▶ gate.wait() ◀──────── release (routable, or a thread came free)
 */
import { effectiveSignal } from '../scope.js';
import type { RunOptions } from '../executor.js';
import type { Executors } from './executors.js';
import type { Learner } from './learner.js';
import type { TaskState } from './state.js';
import type { Choice } from './policy.js';

/** Probes of one task running at once; its other calls wait for what they show. */
export const PROBES_AT_ONCE = 2;
/** Calls of one task on trial on a second model at once (see policy's LOOP_TRIAL_MS, PROCESS_TRIAL_MS). */
export const TRIALS_AT_ONCE = 2;
/** A call that would wait for its task's probes reads their answers synchronously once in this many (a power of 2). */
const POLL_EVERY = 16;

export class Probes {
  /** Calls waiting at gates now, and those that left a gate because their signal aborted or auto() was cancelled. */
  waiting = 0;
  cancelled = 0;
  private idle: Array<() => void> = [];
  /** A call left its gate (dispatched or cancelled): for the executor's 'dequeued' event. */
  onLeave: () => void = () => {};
  /** Calls that found their task's probes busy (see poll). */
  private parked = 0;

  constructor(private readonly learner: Learner, private readonly executors: Executors) {}

  /** A probe may start: fewer than PROBES_AT_ONCE of this task's are out, and a thread is free. */
  canProbe(s: TaskState): boolean {
    return s.probing < PROBES_AT_ONCE && this.executors.probePool() !== undefined;
  }

  /**
   * Must this call wait at the gate? A probe with no thread free, or a call of
   * a task on trial on the loop while its trial calls are out: the trial of a
   * short task takes a few ms, and its answer says where the rest should go.
   */
  mustWait(s: TaskState, d: Choice): boolean {
    if (d.trial === 'loop') return s.trials >= TRIALS_AT_ONCE;
    if (d.behaviour !== 'unknown' || d.model !== 'threads') return false;
    if (this.loopFirst(s)) return !this.canProbeOnLoop(s);
    return !this.canProbe(s);
  }

  /**
   * Is this new task probed on the loop? While no thread has started, a probe on one
   * would wait for its start-up (tens of ms; on a loaded machine, more): so a task that is
   * not known to wait is run inline, one call at a time, each measured on this thread's
   * own clock, until it proves tiny (it stays on the loop), or has been measured enough to
   * be routed, or runs long (over BLOCKING_SLICE_MS), blocks, or calls process.exit():
   * then it is probed on the threads as they come up. The loop is otherwise idle while
   * the threads start, so these calls cost nothing that waiting would not.
   */
  loopFirst(s: TaskState): boolean {
    return (
      this.learner.mayProbeOnLoop &&
      !s.headStart &&
      !s.loopProbeOff &&
      !s.loadFailed &&
      s.profile.samples < this.learner.env.probeRuns &&
      this.executors.threadsCold()
    );
  }

  /** One probe on the loop at a time, once the task's module has loaded here. */
  canProbeOnLoop(s: TaskState): boolean {
    return s.loopProbes === 0 && s.fn !== undefined;
  }

  /**
   * A call is about to wait for this task's probes. Callers often submit a burst
   * in one synchronous loop, and the probes' answers cannot arrive before it ends:
   * so now and then read the threads' answers synchronously (pool.poll()), and a
   * burst of tiny calls is routed inline after its first few dozen, not after all.
   * Returns whether the task's profile changed.
   */
  poll(s: TaskState): boolean {
    if (s.probing === 0 || (++this.parked & (POLL_EVERY - 1)) !== 0) return false;
    const before = s.profile;
    this.executors.poll();
    return s.profile !== before;
  }

  /**
   * Wait at the task's gate until its probes let it be routed (or a thread is free
   * to probe it), then `go` with the choice. The call counts as waiting until `go`
   * calls leave(), or until it is cancelled here: so at every moment it is
   * counted exactly once, here or in the executor it went to (stats() adds up).
   * `go` runs in the same microtask as the last check: calls released together
   * each see the trials and probes the ones before them took (issue 13: released
   * between a check and its dispatch, calls meant for a loop trial that was full
   * went to threads instead — 8 MB copies each).
   */
  async admit<T>(s: TaskState, options: RunOptions | undefined, go: (c: Choice) => Promise<T>): Promise<T> {
    let d = this.learner.choice(s);
    this.waiting++;
    const cancelled = (): void => {
      this.cancelled++;
      this.leave();
    };
    for (let again = false; ; again = true) {
      if (!this.mustWait(s, d)) {
        // One turn for the call that finished to settle first (its caller sees it before the
        // calls it released), then the check again, in the same turn as the dispatch.
        await undefined;
        d = this.learner.choice(s);
        if (!this.mustWait(s, d)) return go(d);
      }
      await s.gate.wait(options?.priority ?? 0, effectiveSignal(options?.signal), cancelled, again, options?.id);
      d = this.learner.choice(s);
    }
  }

  /** A call admitted by admit() is being dispatched now. */
  leave(): void {
    this.waiting--;
    this.onLeave();
    if (this.waiting === 0) for (const idle of this.idle.splice(0)) idle();
  }

  /** A thread came free, or a task got measured: let waiting calls go on. */
  wake(): void {
    if (this.waiting === 0) return;
    let spare = this.executors.spareThreads();
    for (const state of this.learner.states.values()) {
      if (state.gate.size === 0) continue;
      const c = this.learner.choice(state);
      if (c.trial === 'loop') state.gate.release(Math.max(0, TRIALS_AT_ONCE - state.trials));
      else if (c.behaviour !== 'unknown' || c.model === 'loop') state.gate.release();
      else if (this.loopFirst(state)) state.gate.release(this.canProbeOnLoop(state) ? 1 : 0);
      else if (spare > 0) spare -= state.gate.release(Math.min(spare, PROBES_AT_ONCE - state.probing));
    }
  }

  /** Resolves when no call waits at a gate. */
  async drained(): Promise<void> {
    while (this.waiting > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Fail every waiting call with this reason (close with cancel, or its timeout passed). */
  rejectAll(reason: unknown): number {
    let n = 0;
    for (const state of this.learner.states.values()) {
      n += state.gate.rejectAll(reason);
      // The calls waiting for the task's module to load (Router.afterLoad), counted as a gate's are.
      for (const w of state.loadWaiters.splice(0)) {
        this.cancelled++;
        this.leave();
        w.reject(reason);
        n++;
      }
    }
    return n;
  }
}
