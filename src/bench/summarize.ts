/** Medians over rounds, with the spread. Pure functions. */
import type { ModelResult, RoundSample, Spread } from './types.js';

/** The median (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** The round whose wall time is nearest the median: a real run to chart, not an average of several. */
export function medianRound(rounds: readonly RoundSample[]): number {
  const m = median(rounds.map((r) => r.wallMs));
  let best = rounds[0]!;
  for (const r of rounds) if (Math.abs(r.wallMs - m) < Math.abs(best.wallMs - m)) best = r;
  return best.round;
}

export function summarize(rounds: readonly RoundSample[], sequentialWallMs: number): NonNullable<ModelResult['summary']> {
  const of = (pick: (r: RoundSample) => number) => spread(rounds.map(pick));
  const wallMs = of((r) => r.wallMs);
  return {
    wallMs,
    throughput: of((r) => r.throughput),
    latencyP50Ms: of((r) => r.latency.p50Ms),
    latencyP95Ms: of((r) => r.latency.p95Ms),
    latencyP99Ms: of((r) => r.latency.p99Ms),
    cpuMs: of((r) => r.cpuMs),
    peakRssMb: of((r) => r.peakRssMb),
    addedRssMb: of((r) => r.addedRssMb),
    loopDelayP99Ms: of((r) => r.loopDelay.p99Ms),
    loopDelayMaxMs: of((r) => r.loopDelay.maxMs),
    speedup: sequentialWallMs / wallMs.median,
    medianRound: medianRound(rounds),
  };
}
