/**
 * The classic mistakes read from executors in use: their sampled per-task
 * measurements mapped onto advise.ts's shape. Blocking and CPU work on the loop
 * are caught in the act by the watchdog itself; here it is the other side:
 * tasks shipped to threads or processes that cost less than the trip.
 */
import type { Executor } from '../executor.js';
import type { Pool } from '../pool/pool.js';
import type { AutoExecutor } from '../auto/auto.js';
import { adviseFromStats, type Advice, type TaskStatsForAdvice } from './advise.js';

// Recognised by shape, not by class: `node --import boundwise/watch/register` must not load every executor.
const isPool = (e: Executor): e is Pool => typeof (e as Partial<Pool>).taskSamples === 'function';
const isAuto = (e: Executor): e is AutoExecutor => e.kind === 'auto' && typeof (e as Partial<AutoExecutor>).explain === 'function';

export function taskStatsOf(executor: Executor): TaskStatsForAdvice[] {
  if (isPool(executor)) return executor.taskSamples();
  if (isAuto(executor)) {
    // auto() already routes tiny tasks inline; what it measured still says where each ran.
    return Object.entries(executor.stats().tasks).map(([task, r]) => ({
      task,
      model: r.model,
      count: r.profile.samples,
      medianRunMs: r.profile.wallMs,
      medianCpuMs: r.profile.cpuMs,
      dispatchOverheadMs: r.profile.overheadMs[r.model] ?? 0,
    }));
  }
  return [];
}

export function adviseExecutors(executors: readonly Executor[]): Advice[] {
  return adviseFromStats(executors.flatMap(taskStatsOf));
}
