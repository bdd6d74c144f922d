/**
 * Was a block spent inside a native call (execSync, Atomics.wait, a synchronous read of a slow
 * file) or running JavaScript? Pure, so it is tested with plain numbers.
 *
 * The watchdog asks the main thread to pause. JavaScript that is running answers within a few
 * ms (V8 handles the request at its next interrupt check); a thread inside a native call answers
 * only when the call returns. So a slow answer suggests a native call — but on a loaded machine a
 * busy JavaScript loop can also answer slowly, simply because its thread was not scheduled, and
 * the delay alone flapped between identical runs. What tells them apart regardless of load is the
 * main thread's scheduler state, sampled from /proc while it is blocked: a JavaScript loop is
 * runnable (R) even when it waits for a core; a thread held by a blocking native call sleeps (S)
 * or waits on I/O (D). A native call that computes (pbkdf2Sync) is runnable too, and counts as
 * CPU work — whose advice, "move it to threads()", is the right one for it as well.
 */

export interface PauseEvidence {
  /** Time from asking for the pause to the main thread's first answer. */
  pauseDelayMs: number;
  /** Samples of the main thread's state while it was blocked: runnable (R). */
  running: number;
  /** … sleeping or waiting on I/O (S, D). Both 0 where /proc is not available. */
  sleeping: number;
}

/** A pause that took this long to land was waiting for something other than running JavaScript. */
export function slowPauseMs(thresholdMs: number): number {
  return Math.max(25, thresholdMs / 4);
}

export function heldByNativeCall(e: PauseEvidence, thresholdMs: number): boolean {
  if (!(e.pauseDelayMs > slowPauseMs(thresholdMs))) return false;
  // Without scheduler samples (not Linux), the delay is all there is to go on.
  if (e.running + e.sleeping === 0) return true;
  return e.sleeping > e.running;
}

/** The state letter of a /proc/…/stat line ("1234 (node) R 1 …"): the field after the name. */
export function stateOf(statLine: string): string {
  const close = statLine.lastIndexOf(')');
  return close < 0 ? '' : statLine.charAt(close + 2);
}
