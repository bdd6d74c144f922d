/**
 * The workload suite: the scenarios the concurrency guides argue about, each
 * run on loop(), threads(), processes() and auto() in one run. Prints total
 * time per model (median of several rounds) and auto()'s ratio to the best
 * fixed model. Each round uses fresh executors whose workers are started
 * before timing, as in a service; auto() starts knowing nothing, so its
 * probing and learning are inside the measured time.
 *
 *   npx tsx bench/workloads/index.ts [--quick] [--json FILE] [--only 1,4]
 */
import { writeFileSync } from 'node:fs';
import { loop, threads, processes, auto, tasks, type Executor } from '../lib/boundwise.js';
import { startLatencyServer } from '../../examples/lib/latency-server.js';
import { median } from '../lib/measure.js';

const quick = process.argv.includes('--quick');
const jsonAt = process.argv.indexOf('--json');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? (process.argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : [];
const ROUNDS = quick ? 1 : 5;
interface WorkloadTasks {
  warm(): number;
  fetchJson(url: string): Promise<number>;
  blockingWait(ms: number): number;
  hashRounds(input: { seed: string; rounds: number }): string;
  countTokens(text: string): number;
  flaky(input: { n: number; rounds: number }): string;
}
const t = tasks<WorkloadTasks>(new URL('./tasks.mjs', import.meta.url));

type ModelName = 'loop' | 'threads' | 'processes' | 'auto';
const makers: Record<ModelName, () => Executor> = {
  loop: () => loop(),
  threads: () => threads(),
  processes: () => processes(),
  auto: () => auto(),
};

interface Workload {
  name: string;
  /** Models that cannot run it safely (a crash on the loop takes the process down). */
  skip?: ModelName[];
  run(ex: Executor, ctx: { url: string }): Promise<{ failed: number; expectedFailures: number }>;
}

const settleAll = async (ps: Promise<unknown>[], expected = 0) => {
  const r = await Promise.allSettled(ps);
  return { failed: r.filter((x) => x.status === 'rejected').length, expectedFailures: expected };
};

const N = {
  waits: quick ? 60 : 150,
  blocking: quick ? 16 : 40,
  heavy: quick ? 8 : 24,
  heavyRounds: quick ? 20_000 : 40_000,
  tiny: quick ? 5_000 : 20_000,
  flaky: quick ? 30 : 60,
};
const texts = Array.from({ length: N.tiny }, (_, i) => `token ${i} and a few more words ${i % 17}`);

const workloads: Workload[] = [
  {
    name: `1. async waiting: ${N.waits} requests to a local server answering after 20 ms`,
    run: (ex, { url }) => settleAll(Array.from({ length: N.waits }, (_, i) => ex.run(t.fetchJson, `${url}/sku/${i}`))),
  },
  {
    name: `2. blocking waiting: ${N.blocking} synchronous 20 ms sleeps (Atomics.wait)`,
    run: (ex) => settleAll(Array.from({ length: N.blocking }, () => ex.run(t.blockingWait, 20))),
  },
  {
    name: `3. heavy CPU: ${N.heavy} × ${N.heavyRounds.toLocaleString('en')} SHA-256 rounds`,
    run: (ex) => settleAll(Array.from({ length: N.heavy }, (_, i) => ex.run(t.hashRounds, { seed: `s${i}`, rounds: N.heavyRounds }))),
  },
  {
    name: `4. tiny CPU: counting tokens in ${N.tiny.toLocaleString('en')} short strings`,
    run: (ex) => settleAll(texts.map((s) => ex.run(t.countTokens, s))),
  },
  {
    name: `5. the mix: 1, 3 and 4 submitted together (${N.waits / 2} waits, ${N.heavy / 2} heavy, ${N.tiny / 4} tiny)`,
    run: (ex, { url }) =>
      settleAll([
        ...Array.from({ length: N.waits / 2 }, (_, i) => ex.run(t.fetchJson, `${url}/mix/${i}`)),
        ...Array.from({ length: N.heavy / 2 }, (_, i) => ex.run(t.hashRounds, { seed: `m${i}`, rounds: N.heavyRounds })),
        ...texts.slice(0, N.tiny / 4).map((s) => ex.run(t.countTokens, s)),
      ]),
  },
  {
    name: `6. a task that crashes its worker now and then: ${N.flaky} tasks, 1 in 10 exits`,
    skip: ['loop'],
    run: (ex) =>
      settleAll(
        Array.from({ length: N.flaky }, (_, n) => ex.run(t.flaky, { n, rounds: 2_000 })),
        N.flaky / 10,
      ),
  },
];

const server = await startLatencyServer(20);
const results: Array<{ workload: string; ms: Partial<Record<ModelName, number>>; failed: Partial<Record<ModelName, number>>; autoVsBest: number; autoChoices: string }> = [];
console.log(`boundwise workload suite (${quick ? 'quick' : 'full'}; medians of ${ROUNDS}; workers started before timing)`);
for (const w of workloads) {
  if (only.length > 0 && !only.includes(w.name.split('.')[0] as string)) continue;
  const times: Record<string, number[]> = {};
  const failed: Partial<Record<ModelName, number>> = {};
  let autoChoices = '';
  for (let round = 0; round < ROUNDS; round++) {
    for (const model of Object.keys(makers) as ModelName[]) {
      if (w.skip?.includes(model)) continue;
      const ex = makers[model]();
      await Promise.all(Array.from({ length: 4 }, () => ex.run(t.warm, undefined)));
      const start = performance.now();
      const r = await w.run(ex, { url: server.url });
      (times[model] ??= []).push(performance.now() - start);
      failed[model] = r.failed - r.expectedFailures;
      if (model === 'auto') {
        const s = (ex as ReturnType<typeof auto>).stats();
        autoChoices = Object.entries(s.tasks)
          .map(([name, rep]) => `${name.split('#')[1]} → ${rep.model}`)
          .join(', ');
      }
      await ex.close();
    }
  }
  const ms = Object.fromEntries(Object.entries(times).map(([m, v]) => [m, median(v)])) as Partial<Record<ModelName, number>>;
  const fixed = (['loop', 'threads', 'processes'] as const).filter((m) => ms[m] !== undefined);
  const best = fixed.reduce((a, b) => ((ms[a] as number) <= (ms[b] as number) ? a : b));
  const autoVsBest = (ms.auto as number) / (ms[best] as number);
  console.log(`\n${w.name}`);
  for (const m of Object.keys(makers) as ModelName[]) {
    if (ms[m] === undefined) {
      console.log(`  ${m.padEnd(10)} ${'n/a'.padStart(9)}     (a crash would take the whole process down)`);
      continue;
    }
    const f = failed[m] ? `  ${failed[m]} unexpected failures` : '';
    console.log(`  ${m.padEnd(10)} ${(ms[m] as number).toFixed(0).padStart(7)} ms  ${((ms[m] as number) / (ms[best] as number)).toFixed(2)}× best fixed (${best})${f}`);
  }
  console.log(`  auto chose: ${autoChoices}`);
  console.log(`  auto / best fixed: ${autoVsBest.toFixed(2)} — target ≤ 1.10${w.name.startsWith('5.') ? ' and < 1.00 (beat every fixed model)' : ''}: ${autoVsBest <= (w.name.startsWith('5.') ? 1 : 1.1) ? 'met' : 'MISSED'}`);
  results.push({ workload: w.name, ms, failed, autoVsBest, autoChoices });
}
await server.close();
if (jsonAt > 0 && process.argv[jsonAt + 1]) writeFileSync(process.argv[jsonAt + 1] as string, JSON.stringify(results, null, 2));
