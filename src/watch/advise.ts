/**
 * The classic mistakes, read from executors' measurements rather than from a stack: tasks too
 * small to be worth shipping to a thread or a process, CPU work on loop(), blocking calls on
 * loop(). A pure function over a small stats shape so it is tested without running anything;
 * the executors' real stats are mapped onto this shape by the caller.
 */

/** One task's measurements, the input of {@link adviseFromStats}. */
export interface TaskStatsForAdvice {
  /** `module#export`, or any label the caller uses for the task. */
  task: string;
  /** Where the task ran. */
  model: 'loop' | 'threads' | 'processes';
  /** Completed runs measured. Advice needs at least MIN_RUNS of them. */
  count: number;
  /** Median wall time of one run inside the executor (from task start to settle), ms. */
  medianRunMs: number;
  /** Median CPU time of one run (user + system), ms. */
  medianCpuMs: number;
  /** Median cost of shipping one task to its executor and the result back (end-to-end time minus run time, queue wait excluded), ms. */
  dispatchOverheadMs: number;
  /**
   * loop() only, optional: median of the longest synchronous stretch of one run, i.e. how long
   * it held the event loop without yielding, ms. Without it, blocking calls cannot be told apart.
   */
  medianBlockedMs?: number;
}

/** One executor's measurements, the input of {@link adviseFromStats}. */
export interface ExecutorStatsForAdvice {
  /** One entry per task the executor ran. */
  tasks: readonly TaskStatsForAdvice[];
}

/**
 * The mistake found: a task shipped to threads or processes that costs more to ship than to run
 * ('tiny-task'); CPU work on loop() ('cpu-on-loop'); a blocking call on loop() ('blocking-on-loop').
 */
export type AdviceKind = 'tiny-task' | 'cpu-on-loop' | 'blocking-on-loop';

/** One mistake, read from an executor's measurements. */
export interface Advice {
  /** The task's label, as given in {@link TaskStatsForAdvice}.task. */
  task: string;
  /** Which mistake. */
  kind: AdviceKind;
  /** The mistake and what to do, in one sentence with the numbers. */
  message: string;
}

/** Below this many runs medians are noise: say nothing. */
export const MIN_RUNS = 5;
/** A run that holds the loop (or burns CPU) this long per call is worth moving. */
export const LOOP_HOLD_MS = 10;
/** Share of the held time that is CPU above which it is "calculating", below which "blocked waiting". */
export const CPU_SHARE = 0.5;

const ms = (n: number) => (n >= 10 ? Math.round(n) : Math.round(n * 100) / 100);

/**
 * The classic mistakes in tasks' measurements, as advice. A pure function. A task with fewer
 * than 5 runs gets none; on threads or processes, a task whose dispatch costs
 * more than its run is 'tiny-task'; on loop(), a task that holds the loop 10 ms
 * or more per call is 'cpu-on-loop' when at least half of that is CPU, else
 * 'blocking-on-loop'.
 */
export function adviseFromStats(stats: ExecutorStatsForAdvice | readonly TaskStatsForAdvice[]): Advice[] {
  const tasks = Array.isArray(stats) ? (stats as readonly TaskStatsForAdvice[]) : (stats as ExecutorStatsForAdvice).tasks;
  const out: Advice[] = [];
  for (const t of tasks) {
    if (t.count < MIN_RUNS) continue;
    if (t.model === 'threads' || t.model === 'processes') {
      if (t.dispatchOverheadMs > t.medianRunMs) {
        out.push({
          task: t.task,
          kind: 'tiny-task',
          message:
            `${t.task}: shipping it to ${t.model} costs ${ms(t.dispatchOverheadMs)} ms per call, more than the ${ms(t.medianRunMs)} ms of work: ` +
            `run it on loop(), or batch several inputs per call (map chunkSize)`,
        });
      }
      continue;
    }
    // loop(): how long did one run hold the loop? Without a measured synchronous stretch, CPU time
    // is a lower bound of it (CPU spent on the main thread is time nothing else ran).
    const held = t.medianBlockedMs ?? t.medianCpuMs;
    if (held < LOOP_HOLD_MS) continue;
    if (t.medianCpuMs >= CPU_SHARE * held) {
      out.push({
        task: t.task,
        kind: 'cpu-on-loop',
        message: `${t.task}: ${ms(t.medianCpuMs)} ms of CPU per call on the event loop, nothing else runs meanwhile: move it to threads()`,
      });
    } else {
      out.push({
        task: t.task,
        kind: 'blocking-on-loop',
        message:
          `${t.task}: holds the event loop ${ms(held)} ms per call while using only ${ms(t.medianCpuMs)} ms of CPU, a blocking call: ` +
          `use the library's async API, or move it to threads()`,
      });
    }
  }
  return out;
}
