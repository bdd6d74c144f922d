/**
 * Per-task measurements a pool takes now and then (1 run in SAMPLE_EVERY that is
 * sent alone): the task's own wall and CPU time in the worker, and what the
 * round trip cost on top. watch() reads them to flag tasks too small to be
 * worth shipping to a thread or a process.
 */
import type { TaskStatsForAdvice } from '../watch/advise.js';
import type { TaskProfile } from './protocol.js';

export const SAMPLE_EVERY = 32;
const KEEP = 16;

interface Samples {
  runs: number;
  wall: number[];
  cpu: number[];
  overhead: number[];
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s[s.length >> 1] as number) : 0;
};

export class TaskSampler {
  private readonly byTask = new Map<string, Samples>();
  private tick = 0;

  /** Whether to measure this run. */
  shouldSample(): boolean {
    return (++this.tick & (SAMPLE_EVERY - 1)) === 0;
  }

  record(task: string, profile: TaskProfile, runMs: number): void {
    let s = this.byTask.get(task);
    if (!s) this.byTask.set(task, (s = { runs: 0, wall: [], cpu: [], overhead: [] }));
    s.runs++;
    const push = (list: number[], v: number) => {
      list.push(v);
      if (list.length > KEEP) list.shift();
    };
    push(s.wall, profile.wall);
    push(s.cpu, profile.cpu);
    push(s.overhead, Math.max(0, runMs - profile.wall));
  }

  report(model: 'threads' | 'processes'): TaskStatsForAdvice[] {
    return [...this.byTask].map(([task, s]) => ({
      task,
      model,
      count: s.runs,
      medianRunMs: median(s.wall),
      medianCpuMs: median(s.cpu),
      dispatchOverheadMs: median(s.overhead),
    }));
  }
}
