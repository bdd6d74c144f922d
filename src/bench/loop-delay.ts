/**
 * The main thread's event-loop delay during a run: the responsiveness cost a
 * plain timer around the run misses. Two views of the same thing:
 * - perf_hooks.monitorEventLoopDelay, a native histogram sampled every 10 ms,
 *   for the p50/p99/max in the table;
 * - a 10 ms timer whose lateness is the delay at that moment, for the timeline
 *   the HTML report draws (a blocked loop shows as one late tick when it frees).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoopDelay } from './types.js';

const PERIOD_MS = 10;
/** Points kept per timeline: enough for a chart, small in the JSON. */
const MAX_POINTS = 240;

export function startLoopDelay(): { stop(): LoopDelay } {
  const histogram = monitorEventLoopDelay({ resolution: PERIOD_MS });
  histogram.enable();
  const start = performance.now();
  let last = start;
  const points: Array<[number, number]> = [];
  const timer = setInterval(() => {
    const now = performance.now();
    points.push([now - start, Math.max(0, now - last - PERIOD_MS)]);
    last = now;
  }, PERIOD_MS);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      const now = performance.now();
      points.push([now - start, Math.max(0, now - last - PERIOD_MS)]);
      // The histogram says nothing when the run was shorter than one sample; the timer's worst gap still does.
      const worst = Math.max(...points.map((p) => p[1]));
      const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
      const sampled = histogram.count > 0;
      return {
        p50Ms: sampled ? Math.max(0, ms(histogram.percentile(50)) - PERIOD_MS) : 0,
        p99Ms: sampled ? Math.max(0, ms(histogram.percentile(99)) - PERIOD_MS) : worst,
        maxMs: Math.max(worst, sampled ? ms(histogram.max) - PERIOD_MS : 0),
        timeline: coarsen(points, MAX_POINTS),
      };
    },
  };
}

/** At most `max` points: each bucket keeps its worst delay (a spike must not vanish in an average). */
export function coarsen(points: Array<[number, number]>, max: number): Array<[number, number]> {
  if (points.length <= max) return points.map(([t, d]) => [round(t), round(d)]);
  const size = Math.ceil(points.length / max);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    out.push([round(bucket.at(-1)![0]), round(Math.max(...bucket.map((p) => p[1])))]);
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
