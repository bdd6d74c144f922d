/**
 * Running a task inline, on this thread's event loop, and measuring it there.
 * The synchronous part of each run is timed: a long one means the task blocks
 * the loop, which re-routes it. A head-start probe (an async function, probed
 * where it is written to run) also reads the loop's utilization over the run.
 */
import type { TaskContext, TaskFunction } from '../task.js';
import type { Learner } from './learner.js';
import { addSample } from './profile.js';
import type { TaskState } from './state.js';

/**
 * Inline runs that still look tiny are measured one in this many (a sample costs
 * more than a tiny task, and tiny tasks come by the thousand); a run long enough
 * to change the decision is always measured.
 */
const INLINE_SAMPLE_EVERY = 256;
/** An inline run whose synchronous part takes longer than this blocks the loop: re-route it. */
export const BLOCKING_SLICE_MS = 10;

export class Inline {
  /** Called when a task got a measurement calls may be waiting for. */
  onMeasured: (s: TaskState) => void = () => {};

  constructor(private readonly learner: Learner) {}

  /** The task run on this thread's event loop, timing its synchronous part: a long one means it blocks. */
  body(s: TaskState): TaskFunction {
    const learner = this.learner;
    return (s.body ??= (value: unknown, ctx: TaskContext): unknown => {
      const fn = s.fn;
      if (!fn) return learner.load(s).then((f) => f(value, ctx));
      const start = performance.now();
      const result = fn(value, ctx);
      const slice = performance.now() - start;
      const sync = !(result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function');
      // A long synchronous slice always counts (the task blocks the loop); short ones now and then.
      // Except the first of a head start: a first run on this thread may pay one-time work (the
      // first fetch() loads its HTTP client), so it gets a second chance, as a worker's first run does.
      const tiny = slice < learner.threadOverheadMs * learner.env.inlineFactor;
      if (slice > BLOCKING_SLICE_MS && s.headStart && !s.coldSlice && s.profile.samples < learner.env.probeRuns) {
        s.coldSlice = true;
      } else if (slice > BLOCKING_SLICE_MS || (sync && (!tiny || s.inlineRuns++ % INLINE_SAMPLE_EVERY === 0))) {
        learner.endHeadStart(s);
        learner.setProfile(s, addSample(s.profile, { wallMs: slice, cpuMs: slice, elu: 1 }));
      } else if (!sync && s.headStart && s.profile.samples < learner.env.probeRuns) {
        this.measureOnLoop(s, result as PromiseLike<unknown>, start);
      }
      return result;
    });
  }

  /**
   * A head-start probe on the loop: its wall time, and the loop's utilization
   * over the run, which bounds the CPU the run could have used (every other
   * task on the loop counts too, so it can only overstate). An idle loop says
   * "waiting"; a busy one proves nothing: its next calls are probed on threads
   * when one is free, and start on the loop meanwhile.
   */
  private measureOnLoop(s: TaskState, result: PromiseLike<unknown>, start: number): void {
    const elu0 = performance.eventLoopUtilization();
    const done = (): void => {
      if (!s.headStart) return;
      const wallMs = performance.now() - start;
      const { utilization } = performance.eventLoopUtilization(elu0);
      if (utilization >= this.learner.env.waitingBelow) {
        s.inconclusive = true;
        return;
      }
      this.learner.setProfile(s, addSample(s.profile, { wallMs, cpuMs: wallMs * utilization, elu: utilization }));
      if (s.gate.size > 0) this.onMeasured(s);
    };
    result.then(done, done);
  }
}
