/**
 * tune: true — looks at the last window every `intervalMs`, asks the pure
 * policy (tune-policy.ts) for at most one change, applies it to the stage's
 * concurrency and records what changed and why. Its timer ends with the run.
 */
import type { Clock } from '../loop/clock.js';
import type { Limits } from './executors.js';
import type { MeterTotals } from './meter.js';
import { windowShares, type StageView } from './snapshot.js';
import { INITIAL_TUNE_STATE, tuneStep, type TuneStage, type TuneState } from './tune-policy.js';
import type { TuneChange } from './types.js';

export interface TunerTarget {
  views: readonly StageView[];
  limits: readonly Limits[];
  /** Wake stage i (by index) to use its new concurrency. */
  wake(index: number): void;
  /** Items the pipeline has yielded so far. */
  yielded(): number;
  changes: TuneChange[];
  startedAt: number;
}

export function startTuner(target: TunerTarget, clock: Clock, intervalMs: number): () => void {
  let state: TuneState = INITIAL_TUNE_STATE;
  let last = performance.now();
  let lastYielded = target.yielded();
  let totals: MeterTotals[] = target.views.map((v) => ({ ...v.meter.totals }));
  let timer: unknown;
  let looks = 0;

  const look = () => {
    const now = performance.now();
    const ms = now - last;
    const rate = ms > 0 ? ((target.yielded() - lastYielded) * 1000) / ms : 0;
    const stages: TuneStage[] = target.views.map((v, i) => {
      v.meter.tick(now);
      const w = windowShares(totals[i] as MeterTotals, v.meter.totals, ms);
      const fixed = v.kind === 'batch' || v.kind === 'take';
      const l = target.limits[i] as Limits;
      return {
        stage: v.stage,
        name: v.name,
        kind: v.kind,
        model: v.model(),
        concurrency: v.meter.concurrency,
        min: fixed ? v.meter.concurrency : l.min,
        max: fixed ? v.meter.concurrency : l.max,
        peak: v.meter.totals.peak,
        ...w,
      };
    });
    totals = target.views.map((v) => {
      v.meter.totals.peak = v.meter.running;
      return { ...v.meter.totals };
    });
    last = now;
    lastYielded = target.yielded();
    // The first window holds the start (threads and processes starting): judge from the second on.
    if (++looks > 1) {
      const step = tuneStep(stages, rate, state);
      state = step.state;
      const d = step.decision;
      if (d) {
        const i = target.views.findIndex((v) => v.stage === d.stage);
        const v = target.views[i] as StageView;
        target.changes.push(Object.freeze({ stage: d.stage, name: v.name, from: v.meter.concurrency, to: d.to, reason: d.reason, atMs: Math.round(now - target.startedAt) }));
        v.meter.tick(now);
        v.meter.concurrency = d.to;
        target.wake(i);
      }
    }
    timer = clock.setTimeout(look, intervalMs);
  };
  timer = clock.setTimeout(look, intervalMs);
  return () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
}
