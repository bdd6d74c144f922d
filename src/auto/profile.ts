/**
 * A smoothed profile per task: what auto() knows about how a task behaves.
 * Exponentially weighted (recent runs weigh more, `alpha`), so a task whose
 * behaviour changes is re-routed after a few runs rather than never.
 */

export type Model = 'loop' | 'threads' | 'processes';

export interface TaskProfile {
  /** Runs measured (on a worker with its own clocks, or inline on the loop). */
  readonly samples: number;
  /** Smoothed wall time per run, ms. */
  readonly wallMs: number;
  /** Smoothed CPU time per run, ms (of the thread or process that ran it). */
  readonly cpuMs: number;
  /** Smoothed event-loop utilization of the worker during the task, 0..1. */
  readonly elu: number;
  /** Runs that crashed their worker, and runs that ran out of memory. */
  readonly crashes: number;
  readonly ooms: number;
  /** Runs in all, and how many each model received. */
  readonly runs: number;
  readonly runsByModel: Readonly<Record<Model, number>>;
  /** Smoothed dispatch overhead seen for this task per model (round trip minus the task's own wall time), ms. */
  readonly overheadMs: Readonly<Partial<Record<Model, number>>>;
}

export interface Sample {
  wallMs: number;
  cpuMs: number;
  elu: number;
}

export const NEW_PROFILE: TaskProfile = Object.freeze({
  samples: 0,
  wallMs: 0,
  cpuMs: 0,
  elu: 0,
  crashes: 0,
  ooms: 0,
  runs: 0,
  runsByModel: Object.freeze({ loop: 0, threads: 0, processes: 0 }),
  overheadMs: Object.freeze({}),
});

const ewma = (old: number, value: number, alpha: number, first: boolean) => (first ? value : old + alpha * (value - old));

/** A new profile with one more measurement folded in (pure). */
export function addSample(p: TaskProfile, s: Sample, alpha = 0.3): TaskProfile {
  const first = p.samples === 0;
  return {
    ...p,
    samples: p.samples + 1,
    wallMs: ewma(p.wallMs, s.wallMs, alpha, first),
    cpuMs: ewma(p.cpuMs, Math.min(s.cpuMs, s.wallMs), alpha, first),
    elu: ewma(p.elu, s.elu, alpha, first),
  };
}

export function addRun(p: TaskProfile, model: Model): TaskProfile {
  return { ...p, runs: p.runs + 1, runsByModel: { ...p.runsByModel, [model]: p.runsByModel[model] + 1 } };
}

export function addCrash(p: TaskProfile, oom: boolean): TaskProfile {
  return { ...p, crashes: p.crashes + 1, ooms: p.ooms + (oom ? 1 : 0) };
}

export function addOverhead(p: TaskProfile, model: Model, ms: number, alpha = 0.2): TaskProfile {
  const old = p.overheadMs[model];
  return { ...p, overheadMs: { ...p.overheadMs, [model]: old === undefined ? ms : old + alpha * (ms - old) } };
}

/** Share of wall time spent on CPU, 0..1. */
export function cpuShare(p: Pick<TaskProfile, 'wallMs' | 'cpuMs'>): number {
  return p.wallMs > 0 ? Math.min(1, p.cpuMs / p.wallMs) : 0;
}
