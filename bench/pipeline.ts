/**
 * pipeline(), in one run:
 *   (a) three stages of known capacity — loop 16 × 10 ms (1,600/s), threads 2 × 10 ms
 *       blocking (200/s), loop 4 × 10 ms (400/s): throughput against the slowest
 *       stage's bound (target ≥ 0.9×), beside the floor — the slowest stage alone
 *       on threads().map();
 *   (b) per-item overhead of a pass-through stage against Readable.map and a
 *       hand-written p-limit chain (target: no slower than either), beside the floor
 *       of an async generator;
 *   (c) memory for 1,000,000 items through four stages against 100,000: the heap retained
 *       (after GC) stays flat; peak RSS printed beside it.
 * Medians of RUNS rounds (default 5), contenders interleaved round-robin.
 *
 *   npm run bench -- pipeline         RUNS=7 npx tsx --expose-gc bench/pipeline.ts (after npm run build)
 */
import { Readable } from 'node:stream';
import { availableParallelism, loadavg } from 'node:os';
import pLimit from 'p-limit';
import { pipeline, tasks, threads } from './lib/boundwise.js';
import { compare, median } from './lib/measure.js';
import { printTable, printTarget } from './lib/report.js';

const quick = process.argv.includes('--quick');
const RUNS = Number(process.env.RUNS ?? (quick ? 3 : 5));
const t = tasks<typeof import('./workers/pipeline-tasks.mjs')>(new URL('./workers/pipeline-tasks.mjs', import.meta.url));
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

console.log(`pipeline() — Node ${process.version}, ${availableParallelism()} cores, load ${load()} (a shared machine), medians of ${RUNS} rounds`);

// ---- (a) throughput against the slowest stage ---------------------------------
{
  const n = quick ? 200 : 600;
  const bound = 2 / 10e-3; // threads 2 × 10 ms
  const ids = () => Array.from({ length: n }, () => 10);
  const samples = await compare(
    {
      'pipeline(), 3 stages': () =>
        pipeline(ids())
          .map(t.wait, { on: 'loop', concurrency: 16 })
          .map(t.block, { on: 'threads', concurrency: 2 })
          .map(t.wait, { on: 'loop', concurrency: 4, name: 'write' })
          .drain(),
      'floor: slowest stage alone': async () => {
        await using pool = threads({ max: 2 });
        for await (const _ of pool.map(t.block, ids(), { concurrency: 2 }));
      },
    },
    RUNS,
    1,
  );
  const rate = (name: string) => (n * 1000) / samples[name]!.ms;
  console.log(`\n(a) ${n} items: loop 16 × 10 ms → threads 2 × 10 ms blocking → loop 4 × 10 ms; bound ${bound}/s`);
  printTable('  items/s', Object.keys(samples).map((name) => ({ name, value: rate(name), unit: 'items/s' })), 'floor: slowest stage alone', true);
  console.log(`  pipeline / bound: ${(rate('pipeline(), 3 stages') / bound).toFixed(3)}; floor / bound: ${(rate('floor: slowest stage alone') / bound).toFixed(3)}`);
  printTarget('pipeline ≥ 0.9× the slowest stage\'s bound', rate('pipeline(), 3 stages') / bound, 0.9);
}

// ---- (b) per-item overhead of a pass-through stage ----------------------------
{
  const n = quick ? 50_000 : 200_000;
  const c = 16;
  function* source() {
    for (let i = 0; i < n; i++) yield i;
  }
  const pass = async (x: number) => x;
  const drain = async (it: AsyncIterable<unknown>) => {
    for await (const _ of it);
  };
  const samples = await compare(
    {
      'pipeline() async closure': () => drain(pipeline(source()).map(pass, { concurrency: c })),
      'pipeline() sync closure': () => drain(pipeline(source()).map((x: number) => x, { concurrency: c })),
      'Readable.map': () => drain(Readable.from(source()).map(pass, { concurrency: c })),
      'p-limit chain': async () => {
        // What one writes by hand: p-limit for the concurrency, a window of promises for order and the bound.
        const limit = pLimit(c);
        const window: Promise<number>[] = [];
        for (const x of source()) {
          window.push(limit(() => pass(x)));
          if (window.length >= c) await window.shift();
        }
        for (const p of window) await p;
      },
      'floor: async generator': () =>
        drain(
          (async function* () {
            for (const x of source()) yield await pass(x);
          })(),
        ),
    },
    RUNS,
    1,
    { collectFirst: typeof globalThis.gc === 'function' },
  );
  const us = (name: string) => (samples[name]!.ms * 1000) / n;
  console.log(`\n(b) ${n.toLocaleString('en')} items through one pass-through stage, concurrency ${c}`);
  printTable('  per item', Object.keys(samples).map((name) => ({ name, value: us(name), unit: 'µs/item' })), 'pipeline() async closure', false);
  printTarget('pipeline() no slower than Readable.map (ratio ≥ 1)', us('Readable.map') / us('pipeline() async closure'), 1);
  printTarget('pipeline() no slower than the p-limit chain (ratio ≥ 1)', us('p-limit chain') / us('pipeline() async closure'), 1);
}

// ---- (c) memory: 1,000,000 items -------------------------------------------------
{
  const gc = globalThis.gc as (() => void) | undefined;
  const mb = (b: number) => b / 2 ** 20;
  const run = async (n: number) => {
    gc?.();
    const rss0 = process.memoryUsage.rss();
    const heap0 = process.memoryUsage().heapUsed;
    let peakRss = rss0;
    let peakHeap = heap0;
    // What the run holds on to: the heap right after a full collection, every 100 ms.
    // (RSS also holds garbage not yet collected, however much V8 lets pile up.)
    const timer = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      if (gc) {
        gc();
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }
    }, 100);
    function* source() {
      for (let i = 0; i < n; i++) yield { id: i, body: `document ${i}` };
    }
    const t0 = performance.now();
    const summary = await pipeline(source())
      .map((d: { id: number; body: string }) => ({ id: d.id, words: d.body.split(' ').length }))
      .map(async (f) => f, { concurrency: 32 })
      .batch(100)
      .map((rows: unknown[]) => rows.length)
      .drain();
    const ms = performance.now() - t0;
    clearInterval(timer);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return { ms, rss: mb(peakRss), addedRss: mb(peakRss - rss0), addedHeap: mb(peakHeap - heap0), pulled: summary.pulled };
  };
  const sizes = quick ? [100_000, 300_000] : [100_000, 1_000_000];
  const rounds = quick ? 1 : 3;
  const results = [];
  for (const n of sizes) {
    const rs: Awaited<ReturnType<typeof run>>[] = [];
    for (let i = 0; i < rounds; i++) rs.push(await run(n));
    const m = (f: (r: (typeof rs)[number]) => number) => median(rs.map(f));
    results.push({ n, rss: m((r) => r.rss), addedRss: m((r) => r.addedRss), addedHeap: m((r) => r.addedHeap), ms: m((r) => r.ms), pulled: rs[0]!.pulled });
  }
  console.log(`\n(c) memory: items through map → async map (32 at once) → batch(100) → map; medians of ${rounds}`);
  for (const r of results) {
    console.log(
      `  ${r.n.toLocaleString('en').padStart(9)} items: retained heap +${r.addedHeap.toFixed(2)} MB (after GC, peak), peak RSS ${r.rss.toFixed(1)} MB (+${r.addedRss.toFixed(1)} MB), ${((r.ms * 1000) / r.n).toFixed(2)} µs/item, ${r.pulled.toLocaleString('en')} pulled`,
    );
  }
  const [small, large] = results as [(typeof results)[number], (typeof results)[number]];
  console.log(`  ${(large.n / small.n).toFixed(0)}× the items: retained heap ${(large.addedHeap - small.addedHeap).toFixed(2)} MB more, peak RSS ${(large.rss - small.rss).toFixed(1)} MB more`);
  if (gc) printTarget('flat: retained heap for the most items within 2 MB of the fewest', large.addedHeap - small.addedHeap, 2, false);
}
console.log(`\nload at the end: ${load()}`);
