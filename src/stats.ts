/**
 * Counters and latency samples behind every executor's `stats()`. Samples go
 * into a fixed ring (the most recent 4,096), so memory stays constant however
 * long a pool lives and percentiles describe recent behaviour.
 */

/** Nearest-rank percentiles of a sample of times (ms, wherever boundwise reports them); every figure is 0 when `count` is 0. */
export interface Percentiles {
  /** Number of samples behind the figures (at most the ring size). */
  count: number;
  /** The median. */
  p50: number;
  /** The 90th percentile. */
  p90: number;
  /** The 99th percentile. */
  p99: number;
  /** The largest sample. */
  max: number;
  /** The arithmetic mean. */
  mean: number;
}

export const EMPTY_PERCENTILES: Percentiles = Object.freeze({ count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 });

export class SampleRing {
  private readonly buf: Float64Array;
  private next = 0;
  private size = 0;
  constructor(capacity = 4096) {
    this.buf = new Float64Array(capacity);
  }
  /** Other rings that receive every sample too (auto() collects its executors' samples this way). */
  readonly mirrors: SampleRing[] = [];
  add(value: number): void {
    for (const m of this.mirrors) m.add(value);
    this.buf[this.next] = value;
    this.next = (this.next + 1) % this.buf.length;
    if (this.size < this.buf.length) this.size++;
  }
  percentiles(): Percentiles {
    return percentiles(this.buf.subarray(0, this.size));
  }
}

/** The nearest-rank q-quantile (0 < q <= 1) of an ascending sample; NaN when it is empty. */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  return n === 0 ? NaN : (sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] as number);
}

/** Nearest-rank percentiles of a sample (copied and sorted; the input is untouched). */
export function percentiles(samples: ArrayLike<number>): Percentiles {
  const n = samples.length;
  if (n === 0) return EMPTY_PERCENTILES;
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => nearestRank(sorted, q);
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1] as number, mean: sum / n };
}

/** Mutable counters an executor updates on its hot path; `snapshot()` freezes a copy. */
export class Counters {
  submitted = 0;
  completed = 0;
  failed = 0;
  cancelled = 0;
  crashed = 0;
  /** Messages that carried several tasks at once (pools batch a deep queue). */
  batches = 0;
  /** Sum of run times (ms), for utilization. */
  busyMs = 0;
  readonly runTime = new SampleRing();
  readonly waitTime = new SampleRing();
  readonly startedAt = performance.now();
}

/** The fields of ExecutorStats that come from Counters, the same for every executor. */
export function counterStats(c: Counters, capacity: number) {
  const uptime = performance.now() - c.startedAt;
  return {
    submitted: c.submitted,
    completed: c.completed,
    failed: c.failed,
    cancelled: c.cancelled,
    crashed: c.crashed,
    utilization: uptime > 0 ? Math.min(1, c.busyMs / (uptime * capacity)) : 0,
    runTime: Object.freeze(c.runTime.percentiles()),
    waitTime: Object.freeze(c.waitTime.percentiles()),
    uptime,
  };
}
