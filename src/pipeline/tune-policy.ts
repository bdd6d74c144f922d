/**
 * tune: true — one decision per look, from the last window's statistics. Pure,
 * so it is tested with tables; tuner.ts applies what it returns.
 *
 * 1. A raise is kept only if the pipeline's output rate grew by ≥ 5 %;
 *    otherwise it is undone and the stage is not raised past that level again
 *    (more threads than cores for CPU work, more slots than the server serves…).
 * 2. The bottleneck, when its slots are full ≥ 80 % of the window, gets more:
 *    doubled on the event loop (slots are cheap), +1 on threads/processes.
 * 3. Otherwise a starved stage on an executor that never used most of its
 *    slots gives them back (down to its peak + 1): less held in flight, nothing
 *    lost. (Inline stages are left alone: their slots cost nothing.)
 * Always within each stage's [min, max].
 */
import { bottleneckIndex, pct, SATURATED, type BottleneckInput } from './bottleneck.js';

export interface TuneStage extends BottleneckInput {
  min: number;
  max: number;
  /** Most tasks in flight at once in the window. */
  peak: number;
}

export interface TuneState {
  /** The raise being judged: the output rate before it. */
  trial: { stage: number; from: number; to: number; before: number } | undefined;
  /** Per stage: a level that did not help; never raised to it again. */
  ceiling: Readonly<Record<number, number>>;
}

export interface TuneDecision {
  stage: number;
  to: number;
  reason: string;
}

export const INITIAL_TUNE_STATE: TuneState = { trial: undefined, ceiling: {} };
const KEEP_GAIN = 1.05;
const STARVED = 0.6;

const rate = (x: number) => `${x >= 100 ? Math.round(x) : x.toFixed(1)}/s`;

export function tuneStep(stages: readonly TuneStage[], outputRate: number, state: TuneState): { decision: TuneDecision | undefined; state: TuneState } {
  const trial = state.trial;
  if (trial) {
    const s = stages.find((x) => x.stage === trial.stage);
    if (outputRate >= trial.before * KEEP_GAIN || !s) return { decision: undefined, state: { ...state, trial: undefined } };
    return {
      decision: {
        stage: trial.stage,
        to: Math.max(s.min, trial.from),
        reason: `raising ${s.name} from ${trial.from} to ${trial.to} did not help (${rate(trial.before)} → ${rate(outputRate)}): back to ${trial.from}`,
      },
      state: { trial: undefined, ceiling: { ...state.ceiling, [trial.stage]: trial.to } },
    };
  }
  const i = bottleneckIndex(stages);
  const b = stages[i];
  if (b && b.full >= SATURATED) {
    const pool = /threads|processes/.test(b.model);
    const cap = Math.min(b.max, (state.ceiling[b.stage] ?? Infinity) - 1);
    const to = Math.min(cap, pool ? b.concurrency + 1 : b.concurrency * 2);
    if (to > b.concurrency) {
      return {
        decision: {
          stage: b.stage,
          to,
          reason: `${b.name} is the bottleneck (all ${b.concurrency} slots full ${pct(b.full)}, busy ${pct(b.busy)}): ${b.concurrency} → ${to}`,
        },
        state: { ...state, trial: { stage: b.stage, from: b.concurrency, to, before: outputRate } },
      };
    }
  }
  for (const s of stages) {
    const to = Math.max(s.min, s.peak + 1);
    if (s !== b && s.starved >= STARVED && to < s.concurrency && s.model !== 'inline' && s.kind !== 'batch' && s.kind !== 'take') {
      return {
        decision: { stage: s.stage, to, reason: `${s.name} is starved ${pct(s.starved)} and used at most ${s.peak} of ${s.concurrency} slots: ${s.concurrency} → ${to}` },
        state,
      };
    }
  }
  return { decision: undefined, state };
}
