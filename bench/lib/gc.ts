/**
 * Garbage-collection time inside given windows of a run, from the `gc`
 * performance entries (which arrive asynchronously, so runs are matched to
 * collections afterwards by their start times). Used to show where a noisy
 * case's time goes: a round that is slow because the collector ran longer.
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface GcRecorder {
  /** ms of GC that started within [start, end) (performance.now() times). */
  within(start: number, end: number): number;
  stop(): void;
}

export function recordGc(): GcRecorder {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    within: (start, end) => entries.filter((e) => e.startTime >= start && e.startTime < end).reduce((sum, e) => sum + e.duration, 0),
    stop: () => observer.disconnect(),
  };
}
