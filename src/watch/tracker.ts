/** Counts blocks by place and keeps the totals for the exit summary. Pure bookkeeping. */
import type { BlockReport, PlaceSummary, WatchSummary } from './types.js';

export class BlockTracker {
  readonly #places = new Map<string, PlaceSummary>();
  #blocks = 0;
  #total = 0;
  #longest: { place: string; durationMs: number } | null = null;

  /** Records a block; returns how many blocks this place has had, this one included. */
  add(report: Pick<BlockReport, 'place' | 'durationMs'>): number {
    const entry = this.#places.get(report.place) ?? { place: report.place, count: 0, totalMs: 0, longestMs: 0 };
    entry.count += 1;
    entry.totalMs += report.durationMs;
    entry.longestMs = Math.max(entry.longestMs, report.durationMs);
    this.#places.set(report.place, entry);
    this.#blocks += 1;
    this.#total += report.durationMs;
    if (!this.#longest || report.durationMs > this.#longest.durationMs) {
      this.#longest = { place: report.place, durationMs: report.durationMs };
    }
    return entry.count;
  }

  get blocks(): number {
    return this.#blocks;
  }

  summary(): WatchSummary {
    const places = [...this.#places.values()]
      .map((p) => ({ ...p, totalMs: round(p.totalMs), longestMs: round(p.longestMs) }))
      .sort((a, b) => b.totalMs - a.totalMs);
    return {
      type: 'summary',
      blocks: this.#blocks,
      totalBlockedMs: round(this.#total),
      longest: this.#longest ? { ...this.#longest, durationMs: round(this.#longest.durationMs) } : null,
      places,
      advice: [],
    };
  }
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
