/**
 * A small terminal chart of cores used over time, from the sampled intervals:
 *
 *   2 ┤      ▃▇██████▆
 *     │     ▅█████████▂
 *   1 ┤  ▂▅████████████▂
 *     │ ▄███████████████▁
 *   0 └──────────────────
 *     0 s            1.02 s
 *
 * Pure: intervals in, lines out. Drawn here rather than with a chart library: what it
 * shows is filled columns of block characters on a scale of whole cores (at most 8
 * rows, two per core on small scales), which line-chart packages such as asciichart
 * do not draw; it is the CLI's only chart (test/classify/chart.test.ts).
 */
import type { Interval } from './types.js';
import { formatMs } from '../format/duration.js';

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Average cores used over [from, to), weighting each interval by its overlap. */
function coresBetween(intervals: readonly Interval[], from: number, to: number): number {
  let cpu = 0;
  for (const i of intervals) {
    const overlap = Math.min(i.endMs, to) - Math.max(i.startMs, from);
    const length = i.endMs - i.startMs;
    if (overlap > 0 && length > 0) cpu += (i.cpuMs * overlap) / length;
  }
  return to > from ? cpu / (to - from) : 0;
}

export function coresChart(intervals: readonly Interval[], machineCores: number, maxWidth = 60): string[] {
  const start = intervals[0]?.startMs ?? 0;
  const end = intervals.at(-1)?.endMs ?? 0;
  if (end <= start) return ['(no samples to chart)'];
  const columns = Math.min(maxWidth, Math.max(20, intervals.length));
  const values = Array.from({ length: columns }, (_, c) =>
    coresBetween(intervals, start + ((end - start) * c) / columns, start + ((end - start) * (c + 1)) / columns),
  );
  const peak = Math.max(...values);
  // Scale to the machine's cores (so "one of two cores" looks like it), at most 8, or the peak.
  const top = Math.max(1, Math.ceil(peak - 1e-9), Math.min(machineCores, 8));
  // Two rows per core on small scales (finer), at most 8 rows in all.
  const rows = Math.min(8, top * 2);
  const step = top / rows;
  const label = (core: number) => String(core).padStart(String(top).length);
  const lines: string[] = [];
  for (let r = rows - 1; r >= 0; r--) {
    const bottom = r * step;
    const rowTop = bottom + step;
    const isInteger = Math.abs(rowTop - Math.round(rowTop)) < 1e-9;
    const axis = isInteger ? `${label(Math.round(rowTop))} ┤` : `${' '.repeat(String(top).length)} │`;
    const bar = values.map((v) => BLOCKS[Math.round(Math.min(1, Math.max(0, (v - bottom) / step)) * 8)]!).join('');
    lines.push(axis + bar);
  }
  const pad = ' '.repeat(String(top).length);
  lines.push(`${label(0)} └${'─'.repeat(columns)}`);
  const left = formatMs(start);
  const right = formatMs(end);
  lines.push(`${pad}  ${left}${' '.repeat(Math.max(1, columns - left.length - right.length))}${right}`);
  return lines;
}
