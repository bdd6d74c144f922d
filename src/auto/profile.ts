/**
 * A smoothed profile per task: what auto() knows about how a task behaves.
 * Figures are medians of the most recent WINDOW measurements: recent runs are
 * all that count, so a task whose behaviour changes is re-routed after a few
 * runs, and one odd run (a cold JIT, a GC pause, a busy moment) moves nothing.
 */

/** Measurements a profile keeps. */
export const WINDOW = 8;

/** Where auto() can run a task: on the event loop, on a worker thread, or in a child process. */
export type Model = 'loop' | 'threads' | 'processes';

/** What auto() has measured of one task, the input of its policy (figures are medians of the most recent 8 measurements). */
export interface TaskProfile {
  /** Runs measured (on a worker with its own clocks, or inline on the loop). */
  readonly samples: number;
  /** The latest measurements, oldest first (at most 8). */
  readonly recent: readonly Sample[];
  /** Smoothed wall time per run, ms. */
  readonly wallMs: number;
  /** Smoothed CPU time per run, ms (of the thread or process that ran it). */
  readonly cpuMs: number;
  /** Smoothed event-loop utilization of the worker during the task, 0..1. */
  readonly elu: number;
  /** Runs that crashed their worker (out-of-memory ones included). */
  readonly crashes: number;
  /** Of those, runs that ran out of memory. */
  readonly ooms: number;
  /** Runs in all, measured or not. */
  readonly runs: number;
  /** How many runs each model received. */
  readonly runsByModel: Readonly<Record<Model, number>>;
  /** Smoothed dispatch overhead seen for this task per model (round trip minus the task's own wall time), ms. */
  readonly overheadMs: Readonly<Partial<Record<Model, number>>>;
  /** Median wall time per model that measured it (same window), ms, and how many samples it rests on. */
  readonly perModel: Readonly<Partial<Record<Model, ModelWall>>>;
}

/** A task's time per call as measured on one model (on the loop: what a call costs the loop, see addSample). */
export interface ModelWall {
  /** Samples taken there in all. */
  readonly n: number;
  /** Median of the recent ones, ms. */
  readonly wallMs: number;
  /** The latest, oldest first (at most WINDOW), ms. */
  readonly recent: readonly number[];
  /**
   * On a worker: what copying a call's input in and its output back costs, ms (a structured
   * clone of each, timed by the worker: an 8 MB array took ~6 ms to arrive on a thread, for
   * 1 ms of work). The median of the recent runs: the same copy costs 0.5 ms or 5 ms as the
   * pages it writes to are fresh or not.
   */
  readonly copyMs?: number;
  /** The latest of those, oldest first (at most WINDOW), ms. */
  readonly copies?: readonly number[];
}

/** One measured run of a task. */
export interface Sample {
  /** Wall time of the run, ms. */
  wallMs: number;
  /** CPU time of the thread or process that ran it, ms. */
  cpuMs: number;
  /** Event-loop utilization of that worker during the run, 0..1. */
  elu: number;
}

export const NEW_PROFILE: TaskProfile = Object.freeze({
  samples: 0,
  recent: Object.freeze([]),
  wallMs: 0,
  cpuMs: 0,
  elu: 0,
  crashes: 0,
  ooms: 0,
  runs: 0,
  runsByModel: Object.freeze({ loop: 0, threads: 0, processes: 0 }),
  overheadMs: Object.freeze({}),
  perModel: Object.freeze({}),
});

function median(values: number[]): number {
  const sorted = values.sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * A new profile with one more measurement folded in (pure). `model`: where it
 * was measured; `costMs`: what the call cost that model, when not its wall
 * time (an async call on the loop costs the loop only its share of the loop's
 * CPU, its waits overlap the others').
 */
export function addSample(p: TaskProfile, s: Sample, model?: Model, costMs?: number, copyMs?: number): TaskProfile {
  const sample = { wallMs: s.wallMs, cpuMs: Math.min(s.cpuMs, s.wallMs), elu: s.elu };
  const recent = [...p.recent.slice(-(WINDOW - 1)), sample];
  let perModel = p.perModel;
  if (model !== undefined) {
    const was = perModel[model];
    const walls = [...(was?.recent ?? []).slice(-(WINDOW - 1)), costMs ?? sample.wallMs];
    const copies = copyMs === undefined ? was?.copies : [...(was?.copies ?? []).slice(-(WINDOW - 1)), Math.max(0, copyMs)];
    const wall: ModelWall = { n: (was?.n ?? 0) + 1, recent: walls, wallMs: median([...walls]) };
    perModel = { ...perModel, [model]: copies ? { ...wall, copies, copyMs: median([...copies]) } : wall };
  }
  return {
    ...p,
    perModel,
    samples: p.samples + 1,
    recent,
    wallMs: median(recent.map((r) => r.wallMs)),
    cpuMs: median(recent.map((r) => r.cpuMs)),
    elu: median(recent.map((r) => r.elu)),
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
