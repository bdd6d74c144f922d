/**
 * A call run on a worker (a thread or a child process), with the worker's
 * measurement of it folded into the task's profile: the task's wall time
 * without the time it waited for a CPU, its CPU time, its event loop's
 * utilization, and the round trip's cost beyond the task's own time.
 */
import type { RunOptions } from '../executor.js';
import type { ThreadPool } from '../threads/index.js';
import type { ProcessPool } from '../processes/index.js';
import { WorkerCrashedError } from '../errors.js';
import type { Learner } from './learner.js';
import { addCrash, addOverhead, addSample, type Model } from './profile.js';
import { trustFirstRun } from './policy.js';
import type { TaskState } from './state.js';

/**
 * One dispatch-cost sample counts at most this much: a round trip on a loaded
 * machine also waits for a CPU on both sides, which is latency, not what a
 * dispatch costs the caller's thread (a few tens of µs). At 2 ms, a loaded run
 * called a 3 ms CPU task "tiny" and kept it on the event loop.
 */
const MAX_OVERHEAD_SAMPLE_MS = 0.5;
/** A dispatch-cost sample counts only if this thread's event loop was busy for at most this share of the round trip. */
const MAIN_BUSY_SHARE = 0.5;

export async function runOnWorker(
  learner: Learner,
  pool: ThreadPool | ProcessPool,
  s: TaskState,
  input: unknown,
  options: RunOptions | undefined,
  profile: boolean,
  /** Called when the measurement arrives (before the result is handled), e.g. to end a probe. */
  measured?: (s: TaskState) => void,
): Promise<unknown> {
  const model: Model = pool.kind === 'processes' ? 'processes' : 'threads';
  // Asked to say whether it returns a promise: an answer without that notice is a plain value.
  const asks = profile && learner.asksAsync(s);
  let promised = false;
  try {
    return await pool.submit(s.ref, input, false, options, {
      ...(profile && {
        onProfile: (p, runMs, cold, caller) => {
          // Time spent waiting for a CPU is neither waiting nor calculating by the task: leave it out.
          // (CPU beyond the wall time is the readings' own cost: the thread cannot run longer than it lived.)
          if (asks && !promised && !s.promised) s.synchronous = true;
          const cpuMs = Math.min(p.cpu, p.wall);
          const sample = { wallMs: Math.max(cpuMs, p.wall - p.runQueue), cpuMs, elu: p.elu };
          if (!(p.first && !trustFirstRun(sample, { ...learner.env, threadOverheadMs: learner.threadOverheadMs }))) {
            // What copying its input and output costs, timed by the worker on its own clock (not the
            // round trip beyond the task's time, which also holds wake-ups and waits for this thread).
            learner.setProfile(s, addSample(s.profile, sample, model, undefined, p.copy));
            // A round trip during which this thread was mostly busy (submitting a burst, other work)
            // says how long the answer waited for it, not what a dispatch costs: left out; and the
            // time this thread waited for a CPU is taken out (issue 13: in bursts of 0.2 ms tasks,
            // two busy workers and this thread on 2 cores, the estimate rose to 0.12 ms, and the
            // task was called tiny).
            if (!cold && caller.busyMs <= MAIN_BUSY_SHARE * runMs) {
              const overhead = Math.min(MAX_OVERHEAD_SAMPLE_MS, Math.max(0, runMs - p.wall - caller.runQueueMs));
              learner.setProfile(s, addOverhead(s.profile, model, overhead));
              if (model === 'threads') learner.addOverhead(overhead);
            }
          }
          measured?.(s);
        },
      }),
      ...(asks && {
        onAsync: (syncMs: number) => {
          promised = true;
          learner.returnedPromise(s, syncMs);
        },
      }),
    });
  } catch (error) {
    if (error instanceof WorkerCrashedError) learner.setProfile(s, addCrash({ ...s.profile, runs: s.total }, error.reason === 'out-of-memory'));
    throw error;
  }
}
