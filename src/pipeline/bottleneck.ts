/**
 * Which stage holds the others back, in words with the numbers behind it. A
 * pure function of the stages' statistics, so it is tested with tables.
 *
 * The bottleneck is the stage that is neither waiting for input (starved) nor
 * for room downstream (blocked): the stages before it are blocked on it, the
 * ones after starve. If the first stage starves, the source is slow; if the last
 * one is blocked, whoever reads the results is.
 */
import type { Bottleneck, StageStats } from './types.js';

export type BottleneckInput = Pick<StageStats, 'stage' | 'name' | 'kind' | 'model' | 'concurrency' | 'busy' | 'full' | 'starved' | 'blocked' | 'itemsIn'>;

export const pct = (x: number): string => `${Math.round(x * 100)} %`;

const SOURCE_STARVED = 0.5;
const CONSUMER_BLOCKED = 0.5;
/** Slots full this share of the time: more of them would be used. */
export const SATURATED = 0.8;

/** How much a stage is the one doing the waiting-for: busy, and waiting on neither side. */
export function pressure(s: BottleneckInput): number {
  const own = s.kind === 'batch' || s.kind === 'take' ? 1 - s.starved - s.blocked : s.busy;
  return own - s.starved - s.blocked;
}

/** Index into `stages` of the bottleneck, -1 for the source, stages.length for the consumer. */
export function bottleneckIndex(stages: readonly BottleneckInput[]): number {
  if (stages.length === 0) return -1;
  const last = stages[stages.length - 1] as BottleneckInput;
  if (last.blocked >= CONSUMER_BLOCKED) return stages.length;
  let best = 0;
  for (let i = 1; i < stages.length; i++) if (pressure(stages[i]!) > pressure(stages[best]!)) best = i;
  const first = stages[0] as BottleneckInput;
  if (first.starved >= SOURCE_STARVED && pressure(stages[best]!) < 0.5) return -1;
  return best;
}

function advice(s: BottleneckInput, cores: number): string {
  const pool = /threads|processes/.test(s.model);
  const unit = /processes/.test(s.model) ? 'processes' : 'threads';
  if (s.full < SATURATED) {
    return `its ${s.concurrency} slots were all taken only ${pct(s.full)} of the time, so more would not help: the tasks themselves are slow${pool ? '' : ' (or the event loop is busy: move CPU work to threads)'}`;
  }
  if (pool) {
    return s.concurrency < cores
      ? `more ${unit} would help (${s.concurrency} of ${cores} cores in use: yes)`
      : `more ${unit} would help only if its tasks wait rather than calculate (${s.concurrency} of ${cores} cores busy: no for CPU work)`;
  }
  return `more concurrency would help: all ${s.concurrency} slots were full ${pct(s.full)} of the time (raise concurrency, or use tune: true)`;
}

export function findBottleneck(stages: readonly BottleneckInput[], cores: number): Bottleneck {
  if (stages.length === 0 || stages.every((s) => s.itemsIn === 0)) return { stage: 0, name: 'source', text: 'nothing measured yet' };
  const i = bottleneckIndex(stages);
  const label = (s: BottleneckInput) => `stage ${s.stage} ${s.name} (${s.model})`;
  if (i === -1) {
    const first = stages[0] as BottleneckInput;
    return { stage: 0, name: 'source', text: `the source is the bottleneck: ${label(first)} waited for input ${pct(first.starved)} of the time` };
  }
  if (i === stages.length) {
    const last = stages[i - 1] as BottleneckInput;
    return { stage: i + 1, name: 'consumer', text: `the consumer is the bottleneck: ${label(last)} waited ${pct(last.blocked)} of the time for results to be taken` };
  }
  const s = stages[i] as BottleneckInput;
  const parts = [`${label(s)} is the bottleneck: busy ${pct(s.busy)}, all ${s.concurrency} slots full ${pct(s.full)}, starved ${pct(s.starved)}, blocked ${pct(s.blocked)}`];
  const before = stages[i - 1];
  if (before && before.blocked > 0.05) parts.push(`stage ${before.stage} ${before.name} blocked ${pct(before.blocked)} waiting for it`);
  const after = stages[i + 1];
  if (after && after.starved > 0.05) parts.push(`stage ${after.stage} ${after.name} starved ${pct(after.starved)}`);
  return { stage: s.stage, name: s.name, text: `${parts.join('; ')}; ${advice(s, cores)}` };
}
