/**
 * When an idle pool thread may poll its port before it sleeps, and for how long.
 *
 * Polling after an answer saves the wake-up of a sleeping thread (the dearest
 * part of a round trip) when the caller sends its next task within a few
 * microseconds: a caller awaiting tasks one by one. It only pays while a core
 * is spare. On a machine with no spare core the spinning thread takes the
 * core from the work — the caller's own thread among it, which must run to
 * send the next task — and every round trip gets slower.
 *
 * The thread cannot ask the scheduler whether a core is spare, but it can see
 * the answer in its own clock: a poll loop reads the clock every microsecond
 * or so, so a gap much longer than that between two reads means the thread
 * was preempted — someone else wanted this core. A spin that was preempted,
 * or that caught nothing (the caller is not sending one task at a time), makes
 * the thread skip spinning for the next `skip` answers, doubling each time up
 * to a bound; a spin that catches a task with no preemption resets it. So on a
 * busy machine the thread polls for one spin in every few hundred answers —
 * enough to notice when a core becomes free again — and sleeps otherwise.
 *
 * A spin lasts at most SESSION_MS however many tasks it catches: a caller that keeps
 * sending would otherwise keep the thread out of its event loop, and a task's leftover
 * timers would not fire.
 *
 * Pure: the clock is passed in, so the rule is tested without threads.
 */

/** How long one spin polls with nothing arriving, ms. */
export const SPIN_MS = 0.05;
/** A gap between two clock reads inside a spin longer than this (ms) means the thread was preempted. */
export const PREEMPTED_MS = 0.2;
/** The longest one spin keeps the thread out of its event loop, ms. */
export const SESSION_MS = 10;
/** The most answers skipped between two spins. */
export const MAX_SKIP = 256;

export type SpinOutcome =
  /** A task arrived while polling, and the thread ran without being preempted. */
  | 'caught'
  /** Nothing arrived within SPIN_MS. */
  | 'empty'
  /** The clock jumped: the thread lost its core while polling. */
  | 'preempted';

export class SpinPolicy {
  private skip = 0;
  private backoff = 0;

  /** Whether to spin after this answer (counts the answer as one of those to skip). */
  shouldSpin(): boolean {
    if (this.skip > 0) {
      this.skip--;
      return false;
    }
    return true;
  }

  /** What the spin saw; sets how many answers to skip before the next one. */
  record(outcome: SpinOutcome): void {
    if (outcome === 'caught') {
      this.backoff = 0;
      return;
    }
    this.backoff = Math.min(MAX_SKIP, this.backoff === 0 ? 1 : this.backoff * 2);
    this.skip = this.backoff;
  }

  /** Answers left to skip (for tests and diagnostics). */
  get skipping(): number {
    return this.skip;
  }
}

/**
 * One spin: call `poll()` until it returns true (a task arrived and was handled)
 * or nothing arrives for SPIN_MS, and say how it ended. `busy()` stops the spin
 * as soon as a handled task is still running (an async task: the event loop
 * must run). `now` is the clock (performance.now in the worker).
 */
export function spinOnce(poll: () => boolean, busy: () => boolean, now: () => number): SpinOutcome {
  let last = now();
  // A caller that keeps sending would keep the thread out of its event loop: bounded.
  const end = last + SESSION_MS;
  let until = last + SPIN_MS;
  let caught = false;
  while (!busy()) {
    const got = poll();
    const t = now();
    if (t - last > PREEMPTED_MS && !got) return 'preempted';
    last = t;
    if (t > end) break;
    if (got) {
      caught = true;
      until = t + SPIN_MS;
    } else if (t > until) break;
  }
  return caught ? 'caught' : 'empty';
}
