/**
 * A timer that should tick every `periodMs`: how often it really did, and the
 * longest gap, show whether the event loop stayed free while work ran.
 */
export interface TickReport {
  ticks: number;
  /** Ticks a free event loop would have made over the same time. */
  expected: number;
  /** Longest time between two ticks (or the start/stop and a tick), ms. */
  maxGapMs: number;
}

export function startTicker(periodMs = 10): { stop(): TickReport } {
  const start = performance.now();
  let last = start;
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, periodMs);
  return {
    stop() {
      clearInterval(timer);
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      return { ticks, expected: Math.floor((now - start) / periodMs), maxGapMs: maxGap };
    },
  };
}
