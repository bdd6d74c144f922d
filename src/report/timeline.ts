/**
 * Event-loop delay timelines of several runs on one x axis. Each run's points
 * are [t, lateness of the timer tick at t]; between two ticks the loop was busy,
 * so in a bin with no tick the delay so far is the time since the last one — a
 * blocked loop rises as a ramp instead of showing only as one spike at its end.
 * Pure.
 */

/** How late a tick must be before a gap counts as the loop being held. */
const PERIOD_MS = 10;

/** A bin spans at least this many tick periods, so a free loop always ticks inside each one. */
const MIN_BIN_PERIODS = 2.5;

export function resampleDelays(timelines: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, maxBins = 120): { x: number[]; series: Array<Array<number | null>> } {
  const end = Math.max(0, ...timelines.map((t) => t.at(-1)?.[0] ?? 0));
  if (end <= 0) return { x: [], series: timelines.map(() => []) };
  const bins = Math.max(1, Math.min(maxBins, Math.floor(end / (MIN_BIN_PERIODS * PERIOD_MS))));
  const width = end / bins;
  const x = Array.from({ length: bins }, (_, b) => (b + 1) * width);
  const series = timelines.map((points) => {
    const last = points.at(-1)?.[0] ?? 0;
    let k = 0;
    let prevTick = 0;
    return x.map((binEnd) => {
      if (binEnd - width >= last) return null; // this run had ended
      let worst = -1;
      while (k < points.length && points[k]![0] <= binEnd) {
        worst = Math.max(worst, points[k]![1]);
        prevTick = points[k]![0];
        k++;
      }
      if (worst >= 0) return round(worst);
      return round(Math.max(0, Math.min(binEnd, last) - prevTick - PERIOD_MS));
    });
  });
  return { x: x.map(round), series };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
