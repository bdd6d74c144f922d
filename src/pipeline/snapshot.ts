/** Frozen per-stage statistics from a meter: for stats(), explain(), the tuner's windows. */
import type { MeterTotals, StageMeter } from './meter.js';
import type { StageKind, StageStats } from './types.js';

export interface StageView {
  stage: number;
  name: string;
  kind: StageKind;
  meter: StageMeter;
  model(): string;
  buffered(): number;
}

const share = (ms: number, of: number) => (of > 0 ? Math.min(1, ms / of) : 0);

export function stageStats(v: StageView, now = performance.now()): StageStats {
  const m = v.meter;
  m.tick(now);
  const elapsedMs = m.elapsed(now);
  const t = m.totals;
  return Object.freeze({
    stage: v.stage,
    name: v.name,
    kind: v.kind,
    model: v.model(),
    concurrency: m.concurrency,
    itemsIn: t.itemsIn,
    itemsOut: t.itemsOut,
    skipped: m.skipped,
    failed: m.failed,
    inFlight: m.running,
    held: m.slots,
    buffered: v.buffered(),
    throughput: elapsedMs > 0 ? (t.itemsOut * 1000) / elapsedMs : 0,
    busy: share(t.busyMs, elapsedMs),
    full: share(t.fullMs, elapsedMs),
    starved: share(t.starvedMs, elapsedMs),
    blocked: share(t.blockedMs, elapsedMs),
    runTime: Object.freeze(m.runTime.percentiles()),
    elapsedMs,
  });
}

/** The same figures over a window: the difference between two readings of the totals. */
export function windowShares(before: MeterTotals, after: MeterTotals, ms: number) {
  return {
    busy: share(after.busyMs - before.busyMs, ms),
    full: share(after.fullMs - before.fullMs, ms),
    starved: share(after.starvedMs - before.starvedMs, ms),
    blocked: share(after.blockedMs - before.blockedMs, ms),
    itemsIn: after.itemsIn - before.itemsIn,
    itemsOut: after.itemsOut - before.itemsOut,
  };
}
