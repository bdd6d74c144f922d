/**
 * The quickstart: the same CPU-bound work inline and on threads(), with the
 * speed-up and the pool's own statistics. Run with `npm run demo`.
 */
import { threads, tasks } from '../src/index.js';
import { digest } from './quickstart-tasks.js';

const t = tasks<typeof import('./quickstart-tasks.js')>(new URL('./quickstart-tasks.ts', import.meta.url));
const inputs = Array.from({ length: 32 }, (_, i) => ({ seed: `item-${i}`, rounds: 20_000 }));

let start = performance.now();
const inline = inputs.map((input) => digest(input));
const inlineMs = performance.now() - start;

await using pool = threads();
await pool.run(t.digest, { seed: 'warm-up', rounds: 1 });
start = performance.now();
const pooled: string[] = [];
for await (const h of pool.map(t.digest, inputs)) pooled.push(h);
const poolMs = performance.now() - start;

const same = pooled.every((h, i) => h === inline[i]);
const s = pool.stats();
console.log(`32 × 20,000 SHA-256 rounds
  inline on the event loop : ${inlineMs.toFixed(0)} ms
  threads() (${s.workers} threads)    : ${poolMs.toFixed(0)} ms  → ${(inlineMs / poolMs).toFixed(2)}× faster, same results: ${same}
  pool stats: ${s.completed} completed, run p50 ${s.runTime.p50.toFixed(1)} ms, wait p50 ${s.waitTime.p50.toFixed(1)} ms, utilization ${(s.utilization * 100).toFixed(0)} %`);
if (!same) process.exitCode = 1;
