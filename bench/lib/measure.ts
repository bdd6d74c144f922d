/**
 * Generic benchmark helpers shared by every bench file: repeat a case, keep the
 * median (the machine is noisy: 2 cores, other work), compare peers by ratio.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Sample {
  /** Median wall time of one run, ms. */
  ms: number;
  /** Every run's wall time, ms, in run order. */
  runs: number[];
  /** When each run started (performance.now()), in run order; for matching runs with GC entries. */
  starts?: number[];
}

/**
 * Time `fn` `runs` times (after `warmup` untimed runs) and return the median.
 * Peers are interleaved by the caller (run A, B, C, A, B, C …) when fairness
 * matters more than warm caches; see `compare`.
 */
export async function time(fn: () => Promise<unknown> | unknown, runs = 5, warmup = 1): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    all.push(performance.now() - start);
  }
  return { ms: median(all), runs: all };
}

/**
 * Run every contender `runs` times, round-robin (so a noisy moment hurts all of
 * them alike), after one warm-up round; medians per contender.
 *
 * `collectFirst`: a full garbage collection before each timed run (needs
 * `--expose-gc`, which npm run bench passes). For cases whose time is mostly
 * garbage collection, where the contender that ran before would otherwise
 * leave its garbage to be collected, and timed, in the next one's run. Not the
 * default: the collection also shrinks the heap, which every run then regrows.
 */
export async function compare(
  contenders: Record<string, () => Promise<unknown> | unknown>,
  runs = 5,
  warmup = 1,
  { collectFirst = false }: { collectFirst?: boolean } = {},
): Promise<Record<string, Sample>> {
  const gc = globalThis.gc;
  if (collectFirst && typeof gc !== 'function') throw new Error('compare({ collectFirst }): run node with --expose-gc');
  const names = Object.keys(contenders);
  const all: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const starts: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = -warmup; round < runs; round++) {
    for (const name of names) {
      const fn = contenders[name] as () => Promise<unknown> | unknown;
      if (collectFirst) (gc as () => void)();
      const start = performance.now();
      await fn();
      const ms = performance.now() - start;
      if (round >= 0) {
        (all[name] as number[]).push(ms);
        (starts[name] as number[]).push(start);
      }
    }
  }
  return Object.fromEntries(names.map((n) => [n, { ms: median(all[n] as number[]), runs: all[n] as number[], starts: starts[n] as number[] }]));
}
