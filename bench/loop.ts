/**
 * loop() against p-limit and p-queue, in one run:
 *   (a) 200,000 already-resolved tasks at concurrency 64 → tasks/s (target ≥ 2× p-limit)
 *   (b) 10,000 tasks sleeping 10 ms at concurrency 1,000 → total vs the ideal 100 ms (target within 10 %)
 * Medians of RUNS rounds (default 7), contenders interleaved round-robin.
 *
 *   npm run bench -- loop            RUNS=9 npx tsx --expose-gc bench/loop.ts (after npm run build)
 */
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import { loop } from './lib/boundwise.js';
import { floorLimiter } from './lib/floor-limiter.js';
import { compare } from './lib/measure.js';
import { printTable, printTarget } from './lib/report.js';

const RUNS = Number(process.env.RUNS ?? 7);

async function many(
  n: number,
  concurrency: number,
  task: () => Promise<unknown>,
  extra: Record<string, () => Promise<unknown>> = {},
  collectFirst = false,
) {
  const contenders = {
    ...extra,
    'boundwise loop()': async () => {
      await using pool = loop({ concurrency });
      const all = new Array<Promise<unknown>>(n);
      for (let i = 0; i < n; i++) all[i] = pool.run(task);
      await Promise.all(all);
    },
    'p-limit': async () => {
      const limit = pLimit(concurrency);
      const all = new Array<Promise<unknown>>(n);
      for (let i = 0; i < n; i++) all[i] = limit(task);
      await Promise.all(all);
    },
    'p-queue': async () => {
      const queue = new PQueue({ concurrency });
      const all = new Array<Promise<unknown>>(n);
      for (let i = 0; i < n; i++) all[i] = queue.add(task);
      await Promise.all(all);
    },
  };
  return compare(contenders, RUNS, 1, { collectFirst });
}

console.log(`loop() vs p-limit vs p-queue — Node ${process.version}, medians of ${RUNS} rounds`);

async function floorRun(limit: (task: () => Promise<unknown>) => Promise<unknown>) {
  const all = new Array<Promise<unknown>>(N_A);
  for (let i = 0; i < N_A; i++) all[i] = limit(() => Promise.resolve(1));
  await Promise.all(all);
}

// (a) scheduling overhead: the tasks do nothing but return a resolved promise.
const N_A = 200_000;
const a = await many(N_A, 64, () => Promise.resolve(1), {
  // The floor: a promise per call and an async-context capture per waiting task, nothing else.
  'floor: promise + AsyncResource': () => floorRun(floorLimiter(64)),
  // …and the same without keeping the caller's async context (AsyncLocalStorage would break).
  'floor without context': () => floorRun(floorLimiter(64, false)),
}, true); // garbage collection is most of this case: each contender starts on a clean heap
const rowsA = Object.entries(a).map(([name, s]) => ({ name, value: (N_A / s.ms) * 1000, unit: 'tasks/s' }));
printTable(`(a) ${N_A.toLocaleString('en')} already-resolved tasks, concurrency 64`, rowsA, 'p-limit', true);
const loopA = rowsA.find((r) => r.name === 'boundwise loop()')!.value / rowsA.find((r) => r.name === 'p-limit')!.value;
printTarget('≥ 2× p-limit', loopA, 2);
const floorA = rowsA.find((r) => r.name === 'floor: promise + AsyncResource')!.value / rowsA.find((r) => r.name === 'p-limit')!.value;
console.log(`  the floor itself: ${floorA.toFixed(2)}× p-limit; loop() reaches ${(loopA / floorA).toFixed(2)} of the floor`);

// (b) many waits: with 1,000 slots, 10,000 × 10 ms ideally takes 10 rounds = 100 ms.
const N_B = 10_000;
const IDEAL = 100;
const sleep = () => new Promise<void>((resolve) => setTimeout(resolve, 10));
const b = await many(N_B, 1_000, sleep, {
  // What the platform allows: 1,000 chains of 10 sleeps each, no limiter at all.
  'floor: 1,000 raw chains': () =>
    Promise.all(
      Array.from({ length: 1_000 }, async () => {
        for (let i = 0; i < N_B / 1_000; i++) await sleep();
      }),
    ),
});
const rowsB = Object.entries(b).map(([name, s]) => ({ name, value: s.ms, unit: 'ms' }));
printTable(`(b) ${N_B.toLocaleString('en')} tasks sleeping 10 ms, concurrency 1,000 (ideal ${IDEAL} ms)`, rowsB, 'p-limit', false);
const loopB = b['boundwise loop()']!.ms;
console.log(`  boundwise total / ideal: ${(loopB / IDEAL).toFixed(3)}; / raw floor: ${(loopB / b['floor: 1,000 raw chains']!.ms).toFixed(3)}`);
printTarget('within 10 % of ideal (total/ideal ≤ 1.10)', loopB / IDEAL, 1.1, false);
