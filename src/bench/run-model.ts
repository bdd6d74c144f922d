/**
 * One model, one round:
 *
 *   fresh executor ─► warm-up inputs (threads/processes start, modules load, JIT)
 *                  ─► measured: inputs driven `concurrency` at a time, each timed
 *                     from submission to result; CPU, RSS and the main thread's
 *                     event-loop delay over the same window
 *                  ─► auto()'s decision read ─► close (not measured)
 *
 * The baseline ('sequential') calls the task inline, one input after another.
 */
import { AutoExecutor, auto, loop, processes, threads, type Executor, type TaskFunction, type TaskRef } from '../index.js';
import { measure } from '../demo/measure.js';
import { threadRunDelayMs, threadSwitches } from '../demo/proc.js';
import { nearestRank } from '../stats.js';
import { startLoopDelay } from './loop-delay.js';
import type { BenchModel, LoopDelay, RoundSample } from './types.js';
import { inlineContext } from '../inline-context.js';

const MAKE: Record<Exclude<BenchModel, 'sequential'>, () => Executor> = {
  loop: () => loop(),
  threads: () => threads(),
  processes: () => processes(),
  auto: () => auto(),
};

/** Models that may start child processes: their CPU and memory count too. */
const CHILDREN: ReadonlySet<BenchModel> = new Set(['processes', 'auto']);

/**
 * Call `call` on every input, at most `concurrency` at once, pushing each
 * call's latency. The first failure stops the pulling and rejects.
 */
export async function drive<I>(call: (input: I) => Promise<unknown>, inputs: readonly I[], concurrency: number, latencies?: number[]): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < inputs.length) {
      const input = inputs[next++] as I;
      const t0 = performance.now();
      try {
        await call(input);
      } catch (error) {
        failed = true;
        throw error;
      }
      latencies?.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, lane));
}

/**
 * The part of the main thread's run-queue delay that was work kept from a core:
 * a thread waits for a core after being preempted (involuntary switch) and after
 * waking from a sleep (voluntary). Only the first is the work's demand, so the
 * delay is split by the two counts (as classify discounts wake-ups).
 */
export function demandDelay(delayMs: number, s0: ReturnType<typeof threadSwitches>, s1: ReturnType<typeof threadSwitches>): number {
  if (!s0 || !s1) return 0;
  const voluntary = s1.voluntary - s0.voluntary;
  const involuntary = s1.involuntary - s0.involuntary;
  return voluntary + involuntary > 0 ? (delayMs * involuntary) / (voluntary + involuntary) : 0;
}

export interface RunModelOptions<I> {
  model: BenchModel;
  task: TaskRef;
  /** The task's function in this thread, for the baseline. */
  inline: TaskFunction;
  warmup: readonly I[];
  inputs: readonly I[];
  concurrency: number;
  round: number;
  order: number;
}

export async function runModel<I>(o: RunModelOptions<I>): Promise<RoundSample> {
  const context = inlineContext(new AbortController().signal);
  const inline = (input: I) => Promise.resolve(o.inline(input, context));
  let ex: Executor | undefined;
  let failed = false;
  try {
    if (o.model !== 'sequential') ex = MAKE[o.model]();
    const executor = ex;
    const call = executor ? (input: I) => executor.run(o.task, input) : inline;
    const lanes = executor ? o.concurrency : 1;

    const w0 = performance.now();
    await drive(call, o.warmup, lanes);
    const warmupMs = performance.now() - w0;

    const latencies: number[] = [];
    let loopDelay: LoopDelay | undefined;
    const delay0 = threadRunDelayMs();
    const switches0 = threadSwitches();
    const m = await measure(
      async () => {
        const monitor = startLoopDelay();
        try {
          await drive(call, o.inputs, lanes, latencies);
        } finally {
          loopDelay = monitor.stop();
        }
      },
      { children: CHILDREN.has(o.model) },
    );
    const delay1 = threadRunDelayMs();
    const switches1 = threadSwitches();
    const sorted = Float64Array.from(latencies).sort();
    const sample: RoundSample = {
      round: o.round,
      order: o.order,
      warmupMs,
      wallMs: m.wallMs,
      throughput: (o.inputs.length * 1000) / m.wallMs,
      latency: { p50Ms: nearestRank(sorted, 0.5), p95Ms: nearestRank(sorted, 0.95), p99Ms: nearestRank(sorted, 0.99), maxMs: nearestRank(sorted, 1) },
      cpuMs: m.cpuMs,
      cpuScope: m.cpuScope,
      ...(delay0 !== undefined && delay1 !== undefined && { runQueueDelayMs: demandDelay(delay1 - delay0, switches0, switches1) }),
      peakRssMb: m.peakRssMb,
      addedRssMb: m.addedRssMb,
      loopDelay: loopDelay!,
    };
    if (executor instanceof AutoExecutor) {
      const d = executor.explain(o.task);
      sample.decision = { model: d.model, behaviour: d.behaviour, reason: d.reason };
    }
    return sample;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // After a failure the other lanes' tasks are cancelled, not waited for.
    await ex?.close(failed ? { cancel: true } : undefined);
  }
}
