/**
 * threads() against piscina, tinypool, workerpool, poolifier and a raw Worker,
 * in one run: (a) 100,000 no-op tasks submitted at once, (b) 5,000 no-op tasks
 * awaited one at a time, (c) 24 × fib(32) on 2 threads against inline.
 * Medians of several rounds, round-robin across contenders; ratios printed.
 *
 *   npx tsx bench/threads.ts [--quick]
 */
import { compare, median, type Sample } from './lib/measure.js';
import { recordGc } from './lib/gc.js';
import { printTable, printTarget, ratio } from './lib/report.js';
import { allPeers, piscina } from './lib/thread-peers.js';
import { burstRate, roundTrip, rows, withContenders } from './lib/dispatch.js';
import { threads, tasks } from './lib/boundwise.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadFromArgv, startLoad } from './lib/load.js';

const quick = process.argv.includes('--quick');
const BURST = quick ? 20_000 : 100_000;
const SERIAL = quick ? 1_000 : 5_000;
const RUNS = quick ? 3 : 5;
const HOGS = loadFromArgv(process.argv);

async function burst(): Promise<Record<string, number>> {
  let out: Record<string, number> = {};
  const samples: Record<string, Sample> = {};
  const gc = recordGc();
  await withContenders(() => allPeers.map((make) => make()), 200, async (cs) => {
    out = await burstRate(cs, BURST, RUNS, samples);
  });
  gc.stop();
  printTable(`(a) ${BURST.toLocaleString('en')} no-op tasks submitted at once — tasks/s`, rows(out, 'tasks/s'), 'piscina', true);
  // Where the spread across rounds comes from: each round's wall time beside the GC time in it.
  for (const name of ['boundwise', 'piscina']) {
    const s = samples[name];
    if (!s?.starts) continue;
    const rounds = s.runs.map((ms, k) => `${ms.toFixed(0)} (GC ${gc.within(s.starts?.[k] as number, (s.starts?.[k] as number) + ms).toFixed(0)})`);
    console.log(`  ${name} rounds, ms (GC ms in the round): ${rounds.join(', ')}`);
  }
  return out;
}

async function serial(): Promise<Record<string, number>> {
  let out: Record<string, number> = {};
  await withContenders(() => allPeers.map((make) => make()), 200, async (cs) => {
    out = await roundTrip(cs, SERIAL, RUNS);
  });
  printTable(`(b) ${SERIAL.toLocaleString('en')} no-op tasks awaited one at a time — µs per round trip`, rows(out, 'µs'), 'piscina', false);
  return out;
}

async function cpu(): Promise<number> {
  const t = tasks<{ fib(n: number): number }>(new URL('./workers/noop-task.mjs', import.meta.url));
  const taskModule: string = './workers/noop-task.mjs';
  const { fib } = (await import(taskModule)) as { fib(n: number): number };
  const N = quick ? 30 : 32;
  const inline: number[] = [];
  const pooled: number[] = [];
  const raw: number[] = [];
  const pool = threads({ min: 2, max: 2 });
  await pool.run(t.fib, 20);
  // The floor: two bare workers, each told once to compute its half. No pool can do better
  // than the machine lets two threads run at once.
  const { Worker } = await import('node:worker_threads');
  const workers = [0, 1].map(() => new Worker(new URL('./workers/fib-worker.mjs', import.meta.url)));
  const half = (w: InstanceType<typeof Worker>, n: number, count: number) =>
    new Promise((resolve) => {
      w.once('message', resolve);
      w.postMessage({ n, count });
    });
  await Promise.all(workers.map((w) => half(w, 20, 1)));
  for (let r = 0; r < (quick ? 3 : 7); r++) {
    let start = performance.now();
    for (let i = 0; i < 24; i++) fib(N);
    inline.push(performance.now() - start);
    start = performance.now();
    await Promise.all(Array.from({ length: 24 }, () => pool.run(t.fib, N)));
    pooled.push(performance.now() - start);
    start = performance.now();
    await Promise.all(workers.map((w) => half(w, N, 12)));
    raw.push(performance.now() - start);
  }
  await pool.close();
  for (const w of workers) await w.terminate();
  const speedup = median(inline) / median(pooled);
  const floor = median(inline) / median(raw);
  console.log(`\n(c) 24 × fib(${N}) on 2 threads vs inline`);
  console.log(`  inline ${median(inline).toFixed(0)} ms, threads() ${median(pooled).toFixed(0)} ms: speed-up ${speedup.toFixed(2)}×`);
  console.log(`  floor: 2 bare workers, 12 each, ${median(raw).toFixed(0)} ms: speed-up ${floor.toFixed(2)}× (what this machine allows two threads now); threads() reaches ${(speedup / floor).toFixed(2)} of it`);
  return speedup;
}

/** (d) map() over 100,000 tiny inputs against a Promise.all of piscina runs. */
async function mapping(): Promise<number> {
  const N = quick ? 20_000 : 100_000;
  const t = tasks<{ noop(x: number): number }>(new URL('./workers/noop-task.mjs', import.meta.url));
  const pool = threads({ min: 2, max: 2 });
  const pisc = piscina();
  await pool.run(t.noop, 0);
  await Promise.all(Array.from({ length: 100 }, (_, i) => pisc.run(i)));
  const inputs = Array.from({ length: N }, (_, i) => i);
  const samples = await compare(
    {
      'boundwise map()': async () => {
        let sum = 0;
        for await (const v of pool.map(t.noop, inputs)) sum += v;
        return sum;
      },
      'piscina Promise.all': () => Promise.all(inputs.map((i) => pisc.run(i))),
    },
    RUNS,
  );
  await pool.close();
  await pisc.close();
  const out = Object.fromEntries(Object.entries(samples).map(([n, s]) => [n, N / (s.ms / 1000)]));
  printTable(`(d) map() over ${N.toLocaleString('en')} tiny inputs — items/s`, rows(out, 'items/s'), 'piscina Promise.all', true);
  return (out['boundwise map()'] as number) / (out['piscina Promise.all'] as number);
}

/** (e) Resident memory of a process holding an idle pool of 2 started threads. */
async function memory(): Promise<number> {
  const { execFileSync } = await import('node:child_process');
  const script = new URL('./workers/idle-memory.mjs', import.meta.url).pathname;
  const rss = (which: string) => median(Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, [script, which]).toString())));
  const b = rss('boundwise');
  const p = rss('piscina');
  console.log(`\n(e) resident memory with an idle pool of 2 threads`);
  console.log(`  boundwise ${(b / 2 ** 20).toFixed(1)} MiB, piscina ${(p / 2 ** 20).toFixed(1)} MiB: ${(b / p).toFixed(2)}× piscina`);
  return b / p;
}

/**
 * (f) The round trip as a user meets it: each contender alone in a fresh process
 * (500 warm-up calls, then 3,000 awaited one at a time), boundwise and piscina
 * alternating, RUNS processes each.
 */
async function freshRoundTrip(): Promise<Record<string, number>> {
  const script = fileURLToPath(new URL('./lib/fresh-roundtrip.ts', import.meta.url));
  const all: Record<string, number[]> = { boundwise: [], piscina: [] };
  for (let r = 0; r < RUNS; r++) {
    for (const name of Object.keys(all)) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', script, name], { encoding: 'utf8' });
      (all[name] as number[]).push(Number(out.trim()));
    }
  }
  const out = Object.fromEntries(Object.entries(all).map(([n, v]) => [n, median(v)]));
  printTable('(f) one contender per fresh process: 500 warm-up calls, 3,000 awaited one at a time — µs per round trip', rows(out, 'µs'), 'piscina', false);
  return out;
}

const load = startLoad(HOGS);
console.log(`threads() dispatch benchmark (${quick ? 'quick' : 'full'}; 2 threads each; medians of ${RUNS}; ${HOGS ? `${HOGS} CPU hogs running beside it (--load)` : 'no added load'})`);
const a = await burst();
const b = await serial();
const c = await cpu();
const d = await mapping();
const e = await memory();
const f = await freshRoundTrip();
load.stop();
console.log('\nTargets (issue 2, then issues 9 and 20):');
printTarget('(a) tasks/s ≥ 10× piscina (issue 2: 5×)', ratio(a.boundwise as number, a.piscina as number, true), 10);
printTarget('(b) round trip ≤ 0.8× piscina', (b.boundwise as number) / (b.piscina as number), 0.8, false);
printTarget('(f) round trip, fresh process each, ≤ 0.8× piscina', (f.boundwise as number) / (f.piscina as number), 0.8, false);
printTarget('(c) CPU speed-up ≥ 1.9× inline (issue 2: 1.8×)', c, 1.9);
printTarget('(d) map() ≥ 5× a Promise.all of piscina runs', d, 5);
printTarget('(e) idle memory ≤ 1× piscina', e, 1, false);
